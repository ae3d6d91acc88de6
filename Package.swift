// swift-tools-version:6.0
import PackageDescription

// No Swift package dependencies: the toolchain, OpenSSL 3 and ncursesw only.
let package = Package(
    name: "cephadm-exporter",
    products: [
        .executable(name: "cephadm-exporter", targets: ["ExporterDaemon"]),
        .executable(name: "fleet", targets: ["FleetTUI"]),
    ],
    targets: [
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CNcursesw", providers: [.apt(["libncursesw5-dev"])]),
        // CShims.h includes OpenSSL and system headers only; ncurses wrappers live in CNcursesw's shim.h.
        .target(name: "CShims", dependencies: ["COpenSSL"]),
        .target(name: "Common", dependencies: ["COpenSSL", "CShims"], linkerSettings: [.linkedLibrary("m")]),
        .executableTarget(name: "ExporterDaemon", dependencies: ["Common", "CShims", "COpenSSL"]),
        .executableTarget(name: "FleetTUI", dependencies: ["Common", "CShims", "CNcursesw"]),
        .testTarget(name: "CommonTests", dependencies: ["Common", "CShims", "COpenSSL"]),
        .testTarget(name: "ExporterDaemonTests", dependencies: ["ExporterDaemon", "Common"]),
        .testTarget(name: "FleetTUITests", dependencies: ["FleetTUI", "Common"]),
        .testTarget(name: "IntegrationTests", dependencies: ["Common", "CShims"]),
        // The fuzz targets' entry points, run over their seed corpora. The libFuzzer driver
        // (Tests/Fuzz/Driver) is built by `make fuzz` with swiftc, never here.
        .testTarget(name: "FuzzCorpusTests", dependencies: ["Common"], path: "Tests/Fuzz",
                    exclude: ["Driver", "corpus", "findings"], sources: ["Targets", "CorpusTests"]),
        .testTarget(name: "ArchitectureTests", dependencies: ["ExporterDaemon", "FleetTUI", "Common"]),
    ],
    swiftLanguageModes: [.v6]
)
