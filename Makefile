# cephadm-exporter and fleet. Run as root on Debian: missing system packages are installed.
SHELL := /bin/bash
SWIFT ?= swift
RELEASE_FLAGS := -c release --static-swift-stdlib
BIN_RELEASE = $(shell $(SWIFT) build $(RELEASE_FLAGS) --show-bin-path 2>/dev/null)
# cephadm: Debian's Pacific 16.2.15, the reference the conformance tests compare against (small).
# prometheus: Debian's 2.42 with promtool, for the Prometheus tests (lint, rules, a real scrape).
APT_PACKAGES := libssl-dev libncursesw5-dev pkg-config tmux openssh-server cephadm prometheus
BENCH_PACKAGES := wrk nginx-light curl python3 prometheus
# ceph-volume (in ceph-osd) needs udevadm, which the package forgets to depend on.
CONFORMANCE_PACKAGES := ceph-osd udev
SOAK_PACKAGES := python3 tmux

.PHONY: all build release test conformance demo bench deps bench-deps soak-deps clean fuzz soak

all: build

## deps: install the system packages the build and the tests need (apt-get, only when missing)
deps:
	@scripts/ensure-packages.sh $(APT_PACKAGES)

bench-deps:
	@scripts/ensure-packages.sh $(BENCH_PACKAGES)

soak-deps:
	@scripts/ensure-packages.sh $(SOAK_PACKAGES)

## build: debug build of both binaries
build: deps
	$(SWIFT) build

## release: optimized binaries with the Swift runtime linked in (drop-in on any host)
release: deps
	$(SWIFT) build $(RELEASE_FLAGS)
	@echo "binaries: $(BIN_RELEASE)/cephadm-exporter $(BIN_RELEASE)/fleet"

## test: unit and integration tests (real binaries, real TLS, loopback only); a compiler
## warning fails the build (the project keeps none)
test: deps
	$(SWIFT) build --build-tests -Xswiftc -warnings-as-errors
	$(SWIFT) test --skip-build

## conformance: the comparison with Pacific 16.2.15 (also in `make test`) plus the heavier one
## of the native inventory with ceph-volume, which needs ceph-osd and udev installed
conformance: deps
	@scripts/ensure-packages.sh $(CONFORMANCE_PACKAGES)
	$(SWIFT) build --build-tests -Xswiftc -warnings-as-errors
	CONFORMANCE_CEPH_VOLUME=1 $(SWIFT) test --skip-build --filter Conformance

## demo: a local fleet of exporters and the dashboard on it
demo: release
	@scripts/demo.sh "$(BIN_RELEASE)"

## bench: throughput and latency against nginx serving the same bytes over TLS
bench: release bench-deps
	@scripts/bench.sh "$(BIN_RELEASE)"

clean:
	rm -rf .build

## fuzz: libFuzzer over the request, response, JSON and metadata parsers and the connection state
## machines, FUZZ_SECS seconds per target (default 180), from the seed corpora in Tests/Fuzz/corpus
fuzz: deps
	@scripts/fuzz.sh

## soak: the release exporter and a simulated fleet under hostile traffic for SOAK_SECS seconds
## (default 600) while a good client and `fleet check` measure; fails on any failure or growth
soak: release soak-deps
	@scripts/soak.sh "$(BIN_RELEASE)"
