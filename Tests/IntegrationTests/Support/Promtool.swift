import Foundation
import XCTest

/// Debian's `promtool` (package `prometheus`, installed by `make deps`).
enum Promtool {
    static let path = "/usr/bin/promtool"

    /// Runs promtool with `stdin` (text fed on its standard input) to completion.
    static func run(_ args: [String], stdin: String? = nil, in dir: String) throws -> (status: Int32, output: String) {
        var stdinPath = "/dev/null"
        if let stdin {
            stdinPath = dir + "/promtool-stdin-\(Int.random(in: 0..<1_000_000))"
            try stdin.write(toFile: stdinPath, atomically: true, encoding: .utf8)
        }
        let p = try SpawnedProcess([path] + args, stdinPath: stdinPath, outputDir: dir, name: "promtool-\(Int.random(in: 0..<1_000_000))")
        guard let status = p.wait(timeout: 60) else { throw TestFailure("promtool \(args) did not finish") }
        return (status, p.stdout + p.stderr)
    }

    /// `promtool check metrics` on a scrape's text: nil when it is clean, else what promtool said.
    static func lint(_ metrics: String, in dir: String) throws -> String? {
        let r = try run(["check", "metrics"], stdin: metrics, in: dir)
        return r.status == 0 && r.output.isEmpty ? nil : "exit \(r.status): \(r.output)"
    }

    static func skipUnlessInstalled() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: path), "promtool is missing: run make deps")
    }
}
