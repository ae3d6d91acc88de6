#!/usr/bin/env bash
# make fuzz: builds the libFuzzer driver over Common's sources (swiftc -sanitize=fuzzer,address,
# outside SwiftPM so `swift build` never sees it) and runs each target for FUZZ_SECS seconds,
# starting from its seed corpus in Tests/Fuzz/corpus/<target>/. New inputs go to
# .build/fuzz/corpus/<target>/ (the seeds in the tree are never rewritten); a crash or broken
# invariant leaves its reproducer in .build/fuzz/artifacts/ and fails the run.
#
#   FUZZ_SECS=300 (per target)   FUZZ_TARGETS="request-parser json-parser" (default: all)
#   FUZZ_JOBS=1 (parallel fuzzing processes per target)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
FUZZ_SECS=${FUZZ_SECS:-180}
FUZZ_JOBS=${FUZZ_JOBS:-1}
ALL_TARGETS="request-parser response-parser json-parser metadata-decoder connection metadata-summary"
FUZZ_TARGETS=${FUZZ_TARGETS:-$ALL_TARGETS}
SWIFTC=${SWIFTC:-swiftc}
OUT=$ROOT/.build/fuzz
SANITIZE=-sanitize=fuzzer,address

build() {
    mkdir -p "$OUT/modules/CShims" "$OUT/artifacts"
    # SwiftPM writes this module map for the C target; without SwiftPM we write it.
    cat > "$OUT/modules/CShims/module.modulemap" <<MAP
module CShims {
    header "$ROOT/Sources/CShims/include/CShims.h"
    export *
}
MAP
    local includes=(-I "$OUT/modules" -I "$ROOT/Sources/COpenSSL" -I "$OUT/modules/CShims")
    local common
    mapfile -t common < <(find "$ROOT/Sources/Common" -name '*.swift' | sort)
    echo "fuzz: compiling Common (${#common[@]} files) with $SANITIZE ..."
    # The archive is made anew: swiftc adds members to an existing one, so the object of a
    # source file since renamed or removed would stay in it and clash at link time.
    rm -f "$OUT/libCommon.a"
    # -enable-testing: the connection target drives the state machines, which are internal.
    "$SWIFTC" -O -enable-testing -swift-version 6 -parse-as-library $SANITIZE "${includes[@]}" \
        -module-name Common -emit-library -static -emit-module -emit-module-path "$OUT/modules/Common.swiftmodule" \
        -o "$OUT/libCommon.a" "${common[@]}"
    echo "fuzz: linking the driver ..."
    "$SWIFTC" -O -swift-version 6 -parse-as-library $SANITIZE "${includes[@]}" \
        -use-ld=lld -o "$OUT/fuzz" "$ROOT"/Tests/Fuzz/Targets/*.swift "$ROOT"/Tests/Fuzz/Driver/*.swift \
        "$OUT/libCommon.a" -lssl -lcrypto -lm
}

# One target for FUZZ_SECS seconds in libFuzzer's fork mode (it keeps fuzzing past a crash, so
# one finding does not hide the next); prints executions, coverage and speed from its status
# lines, and fails the target on any crash, timeout or out-of-memory.
run_target() {
    local target=$1 seeds=$ROOT/Tests/Fuzz/corpus/$1 work=$OUT/corpus/$1 log=$OUT/$1.log
    [[ -d $seeds ]] || { echo "fuzz: no seed corpus at $seeds" >&2; return 1; }
    mkdir -p "$work"
    rm -f "$OUT/artifacts/$target-"*
    local status=0
    # The Swift runtime's own crash reporter would race libFuzzer's: leave crashes to libFuzzer.
    SWIFT_BACKTRACE=enable=no FUZZ_TARGET=$target "$OUT/fuzz" "$work" "$seeds" \
        -fork="$FUZZ_JOBS" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
        -max_total_time="$FUZZ_SECS" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -artifact_prefix="$OUT/artifacts/$target-" >"$log" 2>&1 || status=$?
    local last execs cov speed failures
    last=$(grep -E '^#[0-9]+: cov:' "$log" | tail -1 || true)
    execs=$(sed -n 's/^#\([0-9]*\):.*/\1/p' <<<"$last")
    cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
    speed=$(sed -n 's/.* exec\/s: \([0-9]*\).*/\1/p' <<<"$last")
    failures=$(sed -n 's/.* oom\/timeout\/crash: \([0-9]*\)\/\([0-9]*\)\/\([0-9]*\).*/\1 \2 \3/p' <<<"$last")
    printf 'fuzz: %-17s %10s executions  cov: %-6s exec/s: %-7s corpus: %s files  oom/timeout/crash: %s\n' \
        "$target" "${execs:-0}" "${cov:-?}" "${speed:-?}" "$(find "$work" -type f | wc -l)" "${failures// //}"
    if [[ $status -ne 0 || -z $last || $failures != "0 0 0" ]]; then
        echo "fuzz: $target FAILED (exit $status); log $log" >&2
        local artifact
        for artifact in $(ls "$OUT/artifacts/$target-"* 2>/dev/null | head -5); do
            echo "      reproducer: $artifact" >&2
            # Re-run it once to show what broke (an invariant's message or the sanitizer's).
            SWIFT_BACKTRACE=enable=no FUZZ_TARGET=$target "$OUT/fuzz" "$artifact" 2>&1 \
                | grep -m2 -E 'invariant broken|ERROR: AddressSanitizer|Fatal error' | sed 's/^/        /' >&2 || true
        done
        echo "      re-run one: FUZZ_TARGET=$target $OUT/fuzz <reproducer>" >&2
        return 1
    fi
}

build
failed=0
for t in $FUZZ_TARGETS; do
    run_target "$t" || failed=1
done
exit $failed
