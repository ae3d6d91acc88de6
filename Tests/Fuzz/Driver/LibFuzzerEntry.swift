import Common
import Glibc

// The libFuzzer driver: one binary for every target, chosen by FUZZ_TARGET (scripts/fuzz.sh
// sets it). Built only by `make fuzz`, never by `swift build`.

let selectedTarget: FuzzTarget = {
    let name = getenv("FUZZ_TARGET").map { String(cString: $0) } ?? ""
    guard let target = FuzzTargets.named(name) else {
        let names = FuzzTargets.all.map(\.name).joined(separator: ", ")
        Console.err("FUZZ_TARGET must name one of: \(names) (got '\(name)')")
        exit(2)
    }
    return target
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    if case .invariantBroken(let why) = selectedTarget.run(bytes) {
        Console.err("\(selectedTarget.name): invariant broken: \(why)")
        abort()
    }
    return 0
}
