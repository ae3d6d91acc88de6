import Common
import Foundation
import XCTest

@testable import ExporterDaemon

/// Fixture trees, expected outputs and temporary trees shared by the gather-task tests.
enum GatherFixtures {
    static let fixturesDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// A checked-in root such as `Tests/Fixtures/roots/stor01`.
    static func root(_ name: String) -> SystemRoot { SystemRoot(path("roots/\(name)")) }

    static func path(_ relative: String) -> String { fixturesDirectory.appendingPathComponent(relative).path }

    /// Compares with `Tests/Fixtures/expected/<name>`, keys in order. With
    /// `GATHER_UPDATE_EXPECTED=1` in the environment the file is rewritten instead (review the diff).
    static func assertMatchesExpected(_ actual: JSONValue, _ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let expectedPath = path("expected/\(name)")
        if ProcessInfo.processInfo.environment["GATHER_UPDATE_EXPECTED"] == "1" {
            try Data((JSONWriter.pretty(actual) + "\n").utf8).write(to: URL(fileURLWithPath: expectedPath))
            return
        }
        let expected = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: expectedPath))))
        if actual != expected {
            XCTFail("output differs from \(name); actual:\n\(JSONWriter.pretty(actual))", file: file, line: line)
        }
    }

    /// The host facts environment the stor01 expectations were written for.
    static let stor01Environment = HostFactsEnvironment(
        now: { 1_700_000_000.25 },
        uname: { UnameInfo(nodename: "stor01.example.com", release: "4.18.0-477.10.1.el8_8.x86_64", machine: "x86_64") },
        ipv4Address: { name in
            switch name {
            case "lo": return IPv4Assignment(address: 0x7f00_0001, netmask: 0xff00_0000)
            case "eno1": return IPv4Assignment(address: 0x0a00_0015, netmask: 0xffff_ff00)
            case "br0": return IPv4Assignment(address: 0xc0a8_3215, netmask: 0xffff_ff00)
            default: return nil
            }
        },
        fqdn: { $0 == "stor01" ? "stor01.example.com" : $0 })

    /// A runner that finds nothing on PATH (no systemctl, podman, docker, ceph, ceph-volume).
    static let emptyPathRunner = CommandRunner(searchPath: "/nonexistent-gather-test-bin")

    static func context(seconds: Double = 20) -> ScrapeContext { ScrapeContext(timeoutSecs: seconds) }
}

/// A directory tree built for one test and removed afterwards.
final class TemporaryTree {
    let path: String

    init(files: [String: String] = [:], symlinks: [String: String] = [:], directories: [String] = []) throws {
        var template = Array((NSTemporaryDirectory() + "gather-test-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw POSIXError(.EIO) }
        path = String(cString: made)
        for dir in directories { try add(directory: dir) }
        for (file, text) in files { try add(file: file, text) }
        for (link, target) in symlinks { try add(symlink: link, to: target) }
    }

    var root: SystemRoot { SystemRoot(path) }

    func full(_ relative: String) -> String { path + "/" + relative.drop(while: { $0 == "/" }) }

    func add(directory: String) throws {
        try FileManager.default.createDirectory(atPath: full(directory), withIntermediateDirectories: true)
    }

    func add(file: String, _ text: String, mode: Int = 0o644) throws {
        let target = full(file)
        try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: target))
        chmod(target, mode_t(mode))
    }

    /// A `#!/bin/sh` script, executable.
    func add(script: String, _ body: String) throws {
        try add(file: script, "#!/bin/sh\n" + body + "\n", mode: 0o755)
    }

    func add(symlink: String, to target: String) throws {
        let link = full(symlink)
        try FileManager.default.createDirectory(atPath: (link as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
    }

    func copy(fromFixture relative: String, to destination: String) throws {
        let target = full(destination)
        try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: GatherFixtures.path(relative), toPath: target)
    }

    func read(_ relative: String) -> String? { try? String(contentsOfFile: full(relative), encoding: .utf8) }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// The host facts of the checked-in storage host `stor01`: 2 sockets, SSDs, HDDs, an NVMe,
/// a USB stick, loop/dm/sr/nbd devices that are not disks, a bond under a bridge, SELinux,
/// and an os-release value containing `=`.
final class HostFactsFixturesTests: XCTestCase {
    private func stor01Facts() throws -> (facts: JSONObject, problems: [String]) {
        try HostFactsTask(root: GatherFixtures.root("stor01"), environment: GatherFixtures.stor01Environment).gather()
    }

    func test_stor01_facts_match_the_expected_json_with_sorted_keys() throws {
        let (facts, problems) = try stor01Facts()
        XCTAssertEqual(problems, [])
        try GatherFixtures.assertMatchesExpected(.object(facts), "stor01-gather-facts.json")
        XCTAssertEqual(facts.keys, facts.keys.sorted(), "top-level keys are sorted")
    }

    enum Kind { case string, int, double, bool, array, object }

    /// Every key cephadm 16.2.15's gather-facts prints, with its JSON type.
    static let pacificKeys: [String: Kind] = [
        "arch": .string, "bios_date": .string, "bios_version": .string, "cpu_cores": .int, "cpu_count": .int,
        "cpu_load": .object, "cpu_model": .string, "cpu_threads": .int, "flash_capacity": .string,
        "flash_capacity_bytes": .int, "flash_count": .int, "flash_list": .array, "fqdn": .string, "hdd_capacity": .string,
        "hdd_capacity_bytes": .int, "hdd_count": .int, "hdd_list": .array, "hostname": .string,
        "interfaces": .object, "kernel": .string, "kernel_parameters": .object, "kernel_security": .object,
        "memory_available_kb": .int, "memory_free_kb": .int, "memory_total_kb": .int, "model": .string,
        "nic_count": .int, "operating_system": .string, "selinux_enabled": .bool, "shortname": .string, "subscribed": .string,
        "system_uptime": .double, "tcp6_ports_used": .array, "tcp_ports_used": .array, "timestamp": .double,
        "udp6_ports_used": .array, "udp_ports_used": .array, "vendor": .string,
    ]

    /// The keys current cephadm adds (host serials and SCSI enclosures).
    static let currentCephadmKeys: [String: Kind] = [
        "board_serial": .string, "chassis_serial": .string, "enclosure_count": .int, "enclosures": .object, "product_serial": .string,
    ]

    static func assertKinds(_ object: JSONObject, _ expected: [String: Kind], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(Set(object.keys), Set(expected.keys), file: file, line: line)
        for (key, kind) in expected {
            let ok: Bool
            switch (kind, object[key]) {
            case (.string, .string?), (.int, .int?), (.double, .double?), (.bool, .bool?), (.array, .array?), (.object, .object?): ok = true
            default: ok = false
            }
            XCTAssertTrue(ok, "\(key) has the wrong JSON type: \(String(describing: object[key]))", file: file, line: line)
        }
    }

    func test_every_pacific_key_and_current_cephadms_additions_are_present_with_their_json_types() throws {
        let (facts, _) = try stor01Facts()
        XCTAssertEqual(Self.pacificKeys.count, 38)
        Self.assertKinds(facts, Self.pacificKeys.merging(Self.currentCephadmKeys) { a, _ in a })
    }

    func test_every_disk_has_the_identity_keys_even_without_the_hardware() throws {
        let (facts, _) = try stor01Facts()
        let disks = (facts["flash_list"]?.arrayValue ?? []) + (facts["hdd_list"]?.arrayValue ?? [])
        XCTAssertEqual(disks.count, 7)
        let kinds: [String: Kind] = [
            "description": .string, "dev_name": .string, "disk_size_bytes": .int, "model": .string, "rev": .string,
            "vendor": .string, "wwid": .string, "disk_type": .string, "serial": .string, "alt_dev_name": .string,
            "scsi_addr": .string, "enclosure_id": .string, "enclosure_slot": .string, "path_id": .string, "mpath": .string,
        ]
        for disk in disks { Self.assertKinds(disk.objectValue ?? JSONObject(), kinds) }
        XCTAssertEqual(facts["enclosures"], .object(JSONObject()))
        XCTAssertEqual(facts["enclosure_count"], 0)
        XCTAssertEqual(facts["chassis_serial"], "Unknown", "no DMI attribute: cephadm's word for a missing DMI value")
    }

    func test_listening_sockets_are_listed_per_table_and_connected_ones_are_not() throws {
        let (facts, _) = try stor01Facts()
        XCTAssertEqual(facts["tcp_ports_used"], [22, 3306])
        XCTAssertEqual(facts["tcp6_ports_used"], [22])
        XCTAssertEqual(facts["udp_ports_used"], [123])
        XCTAssertEqual(facts["udp6_ports_used"], [], "no /proc/net/udp6 in the tree")
    }

    func test_shortname_and_fqdn_come_from_the_host_name() throws {
        let (facts, _) = try stor01Facts()
        XCTAssertEqual(facts["shortname"], "stor01")
        XCTAssertEqual(facts["fqdn"], "stor01.example.com")
    }

    func test_loop_dm_optical_and_empty_devices_are_not_counted_as_disks() throws {
        let (facts, _) = try stor01Facts()
        let names = (facts["flash_list"]?.arrayValue ?? []) + (facts["hdd_list"]?.arrayValue ?? [])
        XCTAssertEqual(names.compactMap { $0["dev_name"]?.stringValue }.sorted(),
                       ["nvme0n1", "sda", "sdb", "sdc", "sdd", "sde", "sdf"])
        XCTAssertEqual(facts["hdd_count"], 4)
        XCTAssertEqual(facts["flash_count"], 3)
    }

    func test_bond_and_bridge_report_their_kind_and_links() throws {
        let (facts, _) = try stor01Facts()
        let bond = facts["interfaces"]?["bond0"]
        XCTAssertEqual(bond?["nic_type"], "bonding")
        XCTAssertEqual(bond?["iftype"], "logical")
        XCTAssertEqual(bond?["lower_devs_list"], ["ens1f0", "ens1f1"])
        XCTAssertEqual(bond?["upper_devs_list"], ["br0"])
        XCTAssertEqual(facts["interfaces"]?["br0"]?["nic_type"], "bridge")
        XCTAssertEqual(facts["interfaces"]?["ens1f0"]?["driver"], "ixgbe")
        XCTAssertNil(facts["interfaces"]?["bonding_masters"], "the bonding_masters file is not an interface")
        XCTAssertEqual(facts["nic_count"], 4)
    }

    func test_bridge_reports_its_global_ipv6_address_not_the_link_local_one() throws {
        let (facts, _) = try stor01Facts()
        XCTAssertEqual(facts["interfaces"]?["br0"]?["ipv6_address"], "2001:db8:10::21/64")
        XCTAssertEqual(facts["interfaces"]?["eno1"]?["ipv6_address"], "fe80::ec4:7aff:fe1c:2a10/64")
    }

    func test_scrape_returns_the_facts_as_data() throws {
        let task = HostFactsTask(root: GatherFixtures.root("stor01"), environment: GatherFixtures.stor01Environment)
        XCTAssertEqual(task.name, .host)
        let output = try task.scrape(GatherFixtures.context())
        XCTAssertEqual(output.data["hostname"], "stor01")
        XCTAssertEqual(output.data["timestamp"], .double(1_700_000_000.25))
        XCTAssertEqual(output.errors, [])
    }
}
