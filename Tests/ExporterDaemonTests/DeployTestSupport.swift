import XCTest
import Glibc
import Synchronization
@testable import ExporterDaemon
@testable import Common

/// Temporary data, unit and log directories, a config file, and a fake systemd.
class DeployTestCase: XCTestCase {
    var root = ""
    var dataDir: String { root + "/data" }
    var unitDir: String { root + "/units" }
    var logDir: String { root + "/log" }
    /// Stands in for /lib/systemd/system: empty unless a test installs a packaged unit there,
    /// so the host's own Ceph packages (which ship ceph.target) never change the outcome.
    var vendorUnitDir: String { root + "/vendor-units" }
    let fsid = "0c3f4a1e-1111-4222-8333-444455556666"

    override func setUpWithError() throws {
        var template = Array("/tmp/deploytest.XXXXXX".utf8CString)
        root = String(cString: try XCTUnwrap(mkdtemp(&template)))
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: root)
    }

    /// systemd that is not running: nothing may be called.
    var noSystemd: Systemd {
        Systemd(markerDirectory: root + "/no-such-dir") { argv in
            XCTFail("systemctl must not run without systemd: \(argv)")
            return .failure(.notFound(command: "systemctl", searchPath: ""))
        }
    }

    /// A "running" systemd whose systemctl calls are recorded.
    func recordingSystemd(_ calls: CallLog, failing: String? = nil) throws -> Systemd {
        let marker = root + "/run-systemd-system"
        try FileManager.default.createDirectory(atPath: marker, withIntermediateDirectories: true)
        return Systemd(markerDirectory: marker) { argv in
            let line = argv.joined(separator: " ")
            calls.append(line)
            let failed = failing.map { line.contains($0) } ?? false
            return .success(CommandResult(argv: argv, termination: .exited(failed ? 1 : 0), stdout: [],
                                          stderr: Array((failed ? "Unit not found.\n" : "").utf8)))
        }
    }

    func configJSON(port: JSONValue? = 9443, token: String = "token-0123456789") throws -> String {
        let g = try SelfSignedCertificate.generate()
        var o = JSONObject([("crt", .string(g.certificatePEM)), ("key", .string(g.privateKeyPEM)), ("token", .string(token))])
        if let port { o["port"] = port }
        return JSONWriter.pretty(.object(o))
    }

    func writeFile(_ name: String, _ text: String) -> String {
        let path = root + "/" + name
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return path
    }

    var daemonDir: String { "\(dataDir)/\(fsid)/cephadm-exporter.host1" }
    var unitFile: String { "\(unitDir)/ceph-\(fsid)-cephadm-exporter.host1.service" }

    @discardableResult
    func deploy(_ extra: [String], stdin: String = "", systemd: Systemd? = nil, portIsFree: @escaping (Int) -> Bool = { _ in true })
        -> (status: Int32, out: String, err: String)
    {
        let captured = CapturedCommandIO(stdin: stdin)
        let status = DeployCommand.run(
            ["--fsid", fsid, "--id", "host1", "--data-dir", dataDir, "--unit-dir", unitDir, "--log-dir", logDir,
             "--binary", "/bin/true"] + extra,
            io: captured.io, systemd: systemd ?? noSystemd, portIsFree: { port, _ in portIsFree(port) },
            vendorUnitDirs: [vendorUnitDir])
        return (status, captured.out, captured.err)
    }

    @discardableResult
    func removeDaemon(systemd: Systemd? = nil) -> (status: Int32, out: String, err: String) {
        let captured = CapturedCommandIO()
        let status = RemoveDaemonCommand.run(
            ["--fsid", fsid, "--id", "host1", "--data-dir", dataDir, "--unit-dir", unitDir, "--log-dir", logDir],
            io: captured.io, systemd: systemd ?? noSystemd)
        return (status, captured.out, captured.err)
    }

    func mode(_ path: String) -> mode_t {
        var info = stat()
        lstat(path, &info)
        return info.st_mode & 0o7777
    }

    func read(_ path: String) -> String? { try? String(contentsOfFile: path, encoding: .utf8) }

    /// Every file under `dir` with its content, for comparing whole trees.
    func snapshot(_ dir: String) -> [String: String] {
        var result: [String: String] = [:]
        guard let e = FileManager.default.enumerator(atPath: dir) else { return result }
        while let rel = e.nextObject() as? String {
            result[rel] = read(dir + "/" + rel) ?? "<dir \(String(mode(dir + "/" + rel), radix: 8))>"
        }
        return result
    }
}

/// systemctl command lines a fake systemd received.
final class CallLog: Sendable {
    private let state = Mutex<[String]>([])
    func append(_ line: String) { state.withLock { $0.append(line) } }
    var lines: [String] { state.withLock { $0 } }
}
