import Common
import Foundation
import Glibc
import XCTest

/// A per-host fleet on loopback: a state dir in per-host mode, exporters started from their
/// deployed directories on their own 127.0.0.x addresses (one port for all), and `fleet`.
final class PerHostFleet {
    let temp: String
    var state: String { temp + "/state" }
    var data: String { temp + "/data" }
    var units: String { temp + "/units" }
    var logs: String { temp + "/log" }
    private(set) var exporters: [String: SpawnedProcess] = [:]
    private var started = 0

    init() throws {
        temp = try TestPaths.makeTempDir("perhost-it")
    }

    deinit {
        for p in exporters.values { p.signal(SIGKILL) }
        for p in exporters.values { p.wait(timeout: 5) }
        try? FileManager.default.removeItem(atPath: temp)
    }

    @discardableResult
    func fleet(_ args: [String], stdin: String = "") throws -> DeployBinaries.Run {
        try DeployBinaries.fleet(args + ["--state-dir", state], stdin: stdin)
    }

    func daemonDir(fsid: String, id: String) -> String { "\(data)/\(fsid)/cephadm-exporter.\(id)" }

    /// `cephadm-exporter deploy` of an issued config as daemon `id` listening on `address`,
    /// without starting it.
    func deploy(config: String, fsid: String, id: String, address: String) throws {
        let r = try DeployBinaries.exporter(["deploy", "--fsid", fsid, "--id", id, "--config-json", config, "--bind", address, "--data-dir", data,
                                             "--unit-dir", units, "--log-dir", logs, "--binary", TestPaths.exporter, "--no-start"])
        guard r.status == 0 else { throw TestFailure("deploy \(id) failed: \(r.all)") }
    }

    /// Starts daemon `id` as its unit would, bound to `address`. nil when the port is taken
    /// there (the caller draws another); throws on any other failure to start.
    func start(fsid: String, id: String, address: String, port: Int) throws -> SpawnedProcess? {
        started += 1
        let args = [TestPaths.exporter, "run", "--fsid", fsid, "--id", id, "--port", String(port), "--bind", address,
                    "--data-dir", data, "--log-dir", logs, "--root", ExporterHarness.fixtureRoot, "--ceph-volume", try fakeCephVolume()]
        let p = try SpawnedProcess(args, outputDir: temp, name: "exporter-\(id)-\(started)")
        guard ExporterHarness.waitForListeningPort(p, timeout: 20) != nil else {
            if p.stderr.contains("already in use") { return nil }
            throw TestFailure("exporter \(id) did not start:\n\(p.stderr)")
        }
        exporters[id] = p
        return p
    }

    func stop(_ id: String) {
        guard let p = exporters.removeValue(forKey: id) else { return }
        p.signal(SIGTERM)
        if p.wait(timeout: 5) == nil {
            p.signal(SIGKILL)
            p.wait(timeout: 5)
        }
    }

    func stopAll() { for id in Array(exporters.keys) { stop(id) } }

    func log(_ id: String) -> String { exporters[id]?.stderr ?? "" }

    private func fakeCephVolume() throws -> String {
        let path = temp + "/ceph-volume"
        if !FileManager.default.fileExists(atPath: path) {
            let source = TestPaths.fixtures + "/ceph-volume/ceph-volume-inventory_aquarium_qemu-virtio-5disks.json"
            try "#!/bin/sh\ncat '\(source)'\n".write(toFile: path, atomically: true, encoding: .utf8)
            chmod(path, 0o755)
        }
        return path
    }

    func write(_ name: String, _ text: String) throws -> String {
        let path = temp + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    var fsid: String {
        get throws {
            let kv = try JSONParser.parse(try String(contentsOfFile: state + "/kv.json", encoding: .utf8))
            guard let f = kv["entries"]?["fsid"]?.stringValue else { throw TestFailure("no fsid in the store") }
            return f
        }
    }

    /// `fleet check --json`: each host's address and status.
    func check(_ hostsFile: String) throws -> (status: Int32, statuses: [String: String], json: JSONValue, text: String) {
        let r = try fleet(["check", "--hosts", hostsFile, "--json", "--timeout", "5"])
        let doc = try JSONParser.parse(r.out)
        var statuses: [String: String] = [:]
        for h in doc["hosts"]?.arrayValue ?? [] {
            if let a = h["address"]?.stringValue, let s = h["status"]?.stringValue { statuses[a] = s }
        }
        return (r.status, statuses, doc, r.all)
    }
}
