import XCTest
import Glibc
import Synchronization
@testable import FleetTUI
@testable import Common

final class StoreTests: StoreTestCase {
    func test_default_state_dir_is_etc_for_root_and_xdg_otherwise() {
        XCTAssertEqual(StateDirectory.defaultPath(environment: ["HOME": "/root"], isRoot: true), "/etc/ceph/fleet")
        XCTAssertEqual(StateDirectory.defaultPath(environment: ["XDG_CONFIG_HOME": "/x/cfg/", "HOME": "/home/u"], isRoot: false), "/x/cfg/cephadm-fleet")
        XCTAssertEqual(StateDirectory.defaultPath(environment: ["HOME": "/home/u"], isRoot: false), "/home/u/.config/cephadm-fleet")
        // The XDG rules ignore a relative XDG_CONFIG_HOME.
        XCTAssertEqual(StateDirectory.defaultPath(environment: ["XDG_CONFIG_HOME": "rel", "HOME": "/home/u"], isRoot: false), "/home/u/.config/cephadm-fleet")
    }

    func test_a_store_that_does_not_exist_reads_empty_and_creates_nothing() throws {
        let store = try openStore()
        XCTAssertTrue(try store.entries().isEmpty)
        XCTAssertNil(try store.exporterConfig())
        XCTAssertFalse(try store.exporterEnabled())
        XCTAssertFalse(FileManager.default.fileExists(atPath: stateDir))
    }

    func test_first_change_creates_a_0700_directory_and_a_0600_file() throws {
        let old = umask(0)
        defer { umask(old) }
        let store = try openStore()
        try store.update { $0["fsid"] = "abc" }
        XCTAssertEqual(mode(stateDir), 0o700)
        XCTAssertEqual(mode(stateDir + "/kv.json"), 0o600)
        XCTAssertEqual(try openStore().clusterFSID(), "abc")
    }

    func test_values_round_trip_in_insertion_order() throws {
        let store = try openStore()
        try store.update { e in
            e["b"] = "2"
            e["a"] = "1"
        }
        XCTAssertEqual(try store.entries().keys, ["b", "a"])
        try store.update { $0["b"] = nil }
        XCTAssertEqual(try store.entries().keys, ["a"])
    }

    func test_a_failing_change_writes_nothing() throws {
        let store = try openStore()
        try store.update { $0["k"] = "v" }
        let before = storeBytes()
        struct Boom: Error {}
        XCTAssertThrowsError(try store.update { e in
            e["k"] = "changed"
            throw Boom()
        })
        XCTAssertEqual(storeBytes(), before)
    }

    func test_crash_between_write_and_rename_leaves_the_old_value_readable() throws {
        let store = try openStore()
        try store.update { $0["mgr/cephadm/exporter_enabled"] = "true" }
        let before = storeBytes()
        // A writer killed after writing its temporary file but before renaming it.
        let pending = try AtomicFile.prepare(Array("{\"format\": 1, \"entries\": {\"torn".utf8), for: store.storePath)
        XCTAssertEqual(storeBytes(), before)
        XCTAssertEqual(try store.exporterEnabled(), true)
        // The next writer removes the leftover and writes a whole new file.
        try store.update { $0["x"] = "y" }
        XCTAssertFalse(FileManager.default.fileExists(atPath: pending.temporaryPath))
        XCTAssertEqual(try store.entries()["x"], "y")
        XCTAssertEqual(try store.entries()[StoreKey.exporterEnabled], "true")
    }

    func test_a_leftover_temporary_file_is_removed_by_an_update_that_changes_nothing() throws {
        let store = try openStore()
        try store.update { $0["x"] = "y" }
        let pending = try AtomicFile.prepare(Array("{\"secret\": \"key\"}".utf8), for: store.storePath)
        let before = storeBytes()
        try store.update { $0["x"] = "y" }
        XCTAssertFalse(FileManager.default.fileExists(atPath: pending.temporaryPath), "the private key must not linger")
        XCTAssertEqual(storeBytes(), before, "nothing changed, nothing written")
    }

    func test_a_corrupt_store_is_reported_with_its_path() throws {
        try FileManager.default.createDirectory(atPath: stateDir, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: stateDir + "/kv.json", contents: Data("{\"format\": 1, \"entr".utf8))
        XCTAssertThrowsError(try openStore().entries()) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix(stateDir + "/kv.json is not a valid fleet store"), text)
            XCTAssertTrue(text.contains("invalid JSON at byte"), text)
        }
        _ = FileManager.default.createFile(atPath: stateDir + "/kv.json", contents: Data(#"{"format": 1, "entries": {"a": 5}}"#.utf8))
        XCTAssertThrowsError(try openStore().entries()) { error in
            XCTAssertTrue("\(error)".contains("the value of \"a\" is not a string"))
        }
    }

    func test_concurrent_writers_in_separate_store_handles_do_not_lose_updates() throws {
        // Each thread opens its own store (its own lock descriptor), as separate fleet processes do.
        let dir = stateDir
        let failures = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            guard let store = try? FleetStore.open(stateDir: dir) else { failures.withLock { $0 += 1 }; return }
            for _ in 0..<25 {
                do {
                    try store.update { e in e["n"] = String((Int(e["n"] ?? "0") ?? 0) + 1) }
                } catch {
                    failures.withLock { $0 += 1 }
                }
            }
        }
        XCTAssertEqual(failures.withLock { $0 }, 0)
        XCTAssertEqual(try openStore().entries()["n"], "100")
    }

    func test_update_inside_a_held_lock_does_not_wait_on_itself() throws {
        let store = try openStore()
        try store.withExclusiveLock {
            try store.update { $0["a"] = "1" }
            try store.update { $0["b"] = "2" }
        }
        XCTAssertEqual(try store.entries().keys, ["a", "b"])
    }

    func test_a_second_store_handle_waits_for_the_lock_and_is_told_so() throws {
        let holder = try openStore()
        let notices = Mutex<[String]>([])
        let waiter = try FleetStore.open(stateDir: stateDir, onLockWait: { m in notices.withLock { $0.append(m) } })
        let done = DispatchSemaphore(value: 0)
        try holder.withExclusiveLock {
            DispatchQueue.global().async {
                try? waiter.update { $0["w"] = "1" }
                done.signal()
            }
            // The waiter cannot finish while the lock is held.
            XCTAssertEqual(done.wait(timeout: .now() + 0.3), .timedOut)
        }
        XCTAssertEqual(done.wait(timeout: .now() + 10), .success)
        XCTAssertEqual(notices.withLock { $0.count }, 1)
        XCTAssertTrue(notices.withLock { $0.first ?? "" }.contains("kv.lock"))
    }

    func test_guard_refuses_with_pacifics_message_while_a_spec_exists() throws {
        var entries = StoreEntries()
        XCTAssertNoThrow(try entries.ensureNoActiveService())
        entries[StoreKey.exporterSpec] = "{}"
        XCTAssertThrowsError(try entries.ensureNoActiveService()) { error in
            XCTAssertEqual(error as? FleetStoreError, .activeService)
            XCTAssertTrue("\(error)".hasPrefix("Unable to change configuration of an active service cephadm-exporter"))
        }
    }

    func test_exporter_config_is_loaded_and_validated_for_the_dashboard() throws {
        let store = try openStore()
        let config = try ExporterConfig.parse(text: Self.validConfigJSON(port: "9555"), source: "t")
        try store.update { $0.setExporterConfig(config) }
        XCTAssertEqual(try store.exporterConfig(), config)
        XCTAssertEqual(try store.exporterEnabled(), true)
        try store.update { $0[StoreKey.exporterConfig] = #"{"crt": "x"}"# }
        XCTAssertThrowsError(try store.exporterConfig()) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("mgr/cephadm/exporter_config: key: is missing"), text)
        }
    }

    func test_clear_removes_config_and_enabled_flag() throws {
        var entries = StoreEntries()
        entries.setExporterConfig(try ExporterConfig.generate())
        entries.clearExporterConfig()
        XCTAssertTrue(entries.isEmpty)
    }

    func test_service_spec_round_trips() throws {
        let spec = ExporterServiceSpec(
            fsid: "f1",
            hosts: [DeployTarget(name: "a.example", address: "10.0.0.1", sshPort: 2222),
                    DeployTarget(name: "local", address: "localhost", isLocal: true)],
            ssh: SSHSettings(user: "ceph", identityFile: "/k", options: ["StrictHostKeyChecking=no"], connectTimeout: 5),
            remote: RemoteLayout(binary: "/usr/bin/cephadm-exporter", dataDir: "/d", unitDir: nil, logDir: "/l", noStart: true),
            deployedHosts: ["a.example"])
        let decoded = try ExporterServiceSpec.decode(JSONWriter.compactString(spec.json))
        XCTAssertEqual(decoded, spec)
        XCTAssertEqual(spec.json["placement"]?["hosts"], ["a.example", "local"])
    }

    func test_state_dir_that_is_a_file_is_refused() throws {
        let file = write("x", to: "afile")
        XCTAssertThrowsError(try FleetStore.open(stateDir: file)) { error in
            XCTAssertTrue("\(error)".contains(file))
        }
    }
}
