import Common
import Foundation
import XCTest

/// `cephadm-exporter simulate` on loopback with a generated config, plus the host list it writes.
final class SimulatedFleetHarness {
    let tempDir: String
    let configPath: String
    let hostsPath: String
    private(set) var basePort = 0
    let count: Int
    private(set) var process: SpawnedProcess?
    /// Behaviour name per host line, read back from the host list's comments.
    private(set) var behaviours: [String] = []
    /// Host name per host line (what its facts report), from the same comments.
    private(set) var names: [String] = []
    /// `127.0.0.1:PORT` per host line.
    private(set) var endpoints: [String] = []

    init(count: Int, seed: Int = 7, behaviour: String? = nil, extra: [String] = []) throws {
        tempDir = try TestPaths.makeTempDir("fleet-it")
        configPath = tempDir + "/config.json"
        hostsPath = tempDir + "/hosts.txt"
        self.count = count
        // Named as `fleet config generate` names it, so a Prometheus scrape job can verify it.
        let g = try SelfSignedCertificate.generate(subjectAltNames: ["DNS:" + ExporterConfig.serverName])
        let config: JSONValue = ["crt": .string(g.certificatePEM), "key": .string(g.privateKeyPEM), "token": "fleet-test-token-1234", "port": 9443]
        try JSONWriter.pretty(config).write(toFile: configPath, atomically: true, encoding: .utf8)
        // A range some other program holds is retried elsewhere.
        var attempt = 0
        let (p, base) = try PortCandidates.retrying(count: count) { base -> (SpawnedProcess, Int)? in
            attempt += 1
            var args = [TestPaths.exporter, "simulate", "--count", String(count), "--base-port", String(base),
                        "--config", configPath, "--seed", String(seed), "--hosts-out", hostsPath, "--slow-delay", "0.2"]
            if let behaviour { args += ["--behaviour", behaviour] }
            args += extra
            let p = try SpawnedProcess(args, outputDir: tempDir, name: "simulate-\(attempt)")
            _ = TestPaths.eventually(timeout: 15) { p.stderr.contains("simulating") || !p.isRunning }
            if p.isRunning { return (p, base) }
            guard p.stderr.contains("cannot listen") else { throw TestFailure("simulator did not start:\n\(p.stderr)") }
            return nil
        }
        process = p
        basePort = base
        let text = try String(contentsOfFile: hostsPath, encoding: .utf8)
        let lines = text.split(separator: "\n").filter { !$0.hasPrefix("#") }
        behaviours = lines.compactMap { $0.split(separator: " ").last.map(String.init) }
        names = lines.map { line in line.split(separator: "#").last?.split(separator: " ").first.map(String.init) ?? "" }
        endpoints = lines.map { String($0.split(separator: " ").first ?? "") }
    }

    deinit {
        process?.signal(SIGTERM)
        process?.wait(timeout: 5)
        try? FileManager.default.removeItem(atPath: tempDir)
    }

    func count(of behaviour: String) -> Int { behaviours.filter { $0 == behaviour }.count }

    /// Runs `fleet <args>` to completion.
    func fleet(_ args: [String], timeout: Double = 30) throws -> (status: Int32, stdout: String, stderr: String) {
        let p = try SpawnedProcess([TestPaths.fleet] + args, outputDir: tempDir, name: "fleet-\(Int.random(in: 0..<1_000_000))")
        guard let status = p.wait(timeout: timeout) else { throw TestFailure("fleet \(args) did not finish") }
        return (status, p.stdout, p.stderr)
    }
}
