import Common
import Foundation
import XCTest

/// Starts a real `cephadm-exporter run` on a loopback ephemeral port with a generated
/// certificate and token in a temp data dir.
final class ExporterHarness {
    let fsid = "4f1e7c52-7a5b-11ee-9c3e-0242ac110002"
    let id = "test"
    let tempDir: String
    let dataDir: String
    let logDir: String
    var daemonDir: String { "\(dataDir)/\(fsid)/cephadm-exporter.\(id)" }
    let certificatePEM: String
    let keyPEM: String
    var token = "MyAccessToken-0123456789"
    private(set) var process: SpawnedProcess?
    private(set) var port = 0

    init(writeToken: Bool = true) throws {
        tempDir = try TestPaths.makeTempDir("exporter-it")
        dataDir = tempDir + "/data"
        logDir = tempDir + "/log"
        let g = try SelfSignedCertificate.generate()
        certificatePEM = g.certificatePEM
        keyPEM = g.privateKeyPEM
        try FileManager.default.createDirectory(atPath: daemonDir, withIntermediateDirectories: true)
        try write("crt", certificatePEM)
        try write("key", keyPEM)
        if writeToken { try write("token", token + "\n") }
    }

    deinit {
        process?.signal(SIGKILL)
        process?.wait(timeout: 5)
        try? FileManager.default.removeItem(atPath: tempDir)
    }

    func write(_ name: String, _ text: String) throws {
        try text.write(toFile: "\(daemonDir)/\(name)", atomically: true, encoding: .utf8)
    }

    /// A fake ceph-volume printing a real inventory sample (or failing).
    func fakeCephVolume(exitCode: Int = 0) throws -> String {
        // A real inventory sample kept in the repository (the tests need nothing outside it).
        let source = TestPaths.fixtures + "/ceph-volume/ceph-volume-inventory_aquarium_qemu-virtio-5disks.json"
        let path = tempDir + "/ceph-volume"
        let script = exitCode == 0
            ? "#!/bin/sh\ncat '\(source)'\n"
            : "#!/bin/sh\necho 'ceph-volume: device scan failed' >&2\nexit \(exitCode)\n"
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        return path
    }

    /// Starts the daemon and waits until it listens (its log names the port).
    @discardableResult
    /// `defaultBind`: leave `--bind` out (all IPv6 and IPv4 addresses) instead of 127.0.0.1.
    /// `openFiles`: run the daemon under this open-files limit (soft and hard), as a shell's
    /// `ulimit -n` would.
    func start(_ extra: [String] = [], waitForListening: Bool = true, defaultBind: Bool = false,
               openFiles: Int? = nil) throws -> SpawnedProcess {
        var args = [TestPaths.exporter, "run", "--fsid", fsid, "--id", id, "--port", "0",
                    "--data-dir", dataDir, "--log-dir", logDir]
        if !defaultBind { args += ["--bind", "127.0.0.1"] }
        if !extra.contains("--ceph-volume") { args += ["--ceph-volume", try fakeCephVolume()] }
        if !extra.contains("--root") { args += ["--root", ExporterHarness.fixtureRoot] }
        args += extra
        if let openFiles { args = ["/bin/sh", "-c", "ulimit -n \(openFiles) && exec \"$0\" \"$@\""] + args }
        let p = try SpawnedProcess(args, outputDir: tempDir, name: "exporter-\(Int.random(in: 0..<1_000_000))")
        process = p
        guard waitForListening else { return p }
        guard let found = Self.waitForListeningPort(p, timeout: 15) else { throw TestFailure("exporter did not start:\n\(p.stderr)") }
        port = found
        return p
    }

    /// The port an exporter logs `https server listening on ADDR:PORT` for (ours and
    /// Pacific's say it alike); nil if the process exits or the timeout passes first.
    static func waitForListeningPort(_ p: SpawnedProcess, timeout: Double) -> Int? {
        var found: Int?
        _ = TestPaths.eventually(timeout: timeout) {
            if let line = p.stderr.split(separator: "\n").first(where: { $0.contains("https server listening on") }),
               let portText = line.split(separator: ":").last, let n = Int(portText), n > 0 {
                found = n
                return true
            }
            return !p.isRunning
        }
        return found
    }

    func client() throws -> TestHTTPSClient { try TestHTTPSClient(port: port, trusting: certificatePEM) }

    func get(_ path: String, token: String? = nil, method: String = "GET") throws -> TestHTTPSClient.Response {
        try client().request(method, path, token: token ?? self.token)
    }

    /// Waits until every task has published data (or the timeout passes).
    func waitForFirstScrapes(timeout: Double = 15) -> Bool {
        TestPaths.eventually(timeout: timeout) {
            guard let r = try? get("/v1/metadata"), let j = try? r.json() else { return false }
            return ["host", "daemons", "disks"].allSatisfy { j[$0]?["scrape_timestamp"] != nil }
        }
    }

    /// A fixture file-system root for the tasks (deterministic, no root needed).
    static var fixtureRoot: String { TestPaths.fixtures + "/roots/stor01" }
}
