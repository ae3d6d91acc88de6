import Common
import Foundation
import XCTest

@testable import ExporterDaemon

/// The simulator's generated hosts: sizes per profile, the real outputs' keys and types,
/// determinism, distinctness, and what hosts share.
final class SyntheticHostTests: XCTestCase {
    static let fsid = "5c7a3e1e-3f7c-11ef-a5d6-525400c0ffee"
    static let now = 1_796_000_000.5

    private func host(_ index: Int, _ profile: HostProfile, seed: UInt64 = 1, pool: SyntheticDiskPool? = nil) -> SyntheticHost {
        SyntheticHost(index: index, seed: seed, fsid: Self.fsid, now: Self.now, profile: profile,
                      pool: pool ?? SyntheticDiskPool(seed: seed, clusterFSID: Self.fsid))
    }

    private func parse(_ bytes: [UInt8]) throws -> JSONValue { try JSONParser.parse(bytes) }

    private func fixture(_ relative: String) throws -> JSONValue {
        try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: GatherFixtures.path(relative)))))
    }

    // MARK: sizes

    /// The stated sizes (README, "A fleet to look at"): small ≈ 20 KB, osd24 ≈ 72 KB, jbod60 ≈ 170 KB.
    func test_metadata_body_sizes_per_profile_are_within_the_stated_ranges() {
        let ranges: [(HostProfile, ClosedRange<Int>)] = [
            (.small, 18_000...23_000), (.osd24, 66_000...80_000), (.jbod60, 160_000...190_000),
        ]
        for (profile, range) in ranges {
            for seed in [1, 2, 3] as [UInt64] {
                let body = SimulatedFleet.metadataBody(index: 0, profile: profile, seed: seed, fsid: Self.fsid, intervals: [:])
                XCTAssertTrue(range.contains(body.count), "\(profile) seed \(seed): \(body.count) bytes, expected \(range)")
            }
        }
    }

    func test_the_dumped_body_is_a_healthy_metadata_document_with_every_task() throws {
        let doc = try parse(SimulatedFleet.metadataBody(index: 0, profile: .osd24, seed: 1, fsid: Self.fsid, intervals: [:]))
        XCTAssertEqual(doc.objectValue?.keys, ["health", "host", "daemons", "disks"])
        for task in ["host", "daemons", "disks"] {
            XCTAssertEqual(doc["health"]?["tasks"]?[task], "active", task)
            XCTAssertEqual(doc[task]?.objectValue?.keys, ["scrape_timestamp", "scrape_duration_secs", "scrape_errors", "data"], task)
        }
        XCTAssertEqual(doc["daemons"]?["data"]?.arrayValue?.count, HostShape.osd24.daemons)
        XCTAssertEqual(doc["host"]?["data"]?["hdd_count"]?.intValue.map { $0 + (doc["host"]?["data"]?["flash_count"]?.intValue ?? 0) }, 24)
    }

    // MARK: keys and types of the real outputs

    func test_inventory_entries_have_the_keys_and_types_of_ceph_volume() throws {
        let sample = try fixture("simulator/ceph-volume-inventory_doc_single-device-vdc.json")
        let native = try XCTUnwrap(try fixture("expected/stor01-native-inventory.json").arrayValue)
        let nativeDisk = try XCTUnwrap(native.first { $0["path"] == "/dev/sdb" })
        let nativePart = try XCTUnwrap(native.first { $0["path"] == "/dev/sda1" })
        let nativeBoot = try XCTUnwrap(native.first { $0["path"] == "/dev/sda" })
        for profile in [HostProfile.small, .osd24, .jbod60] {
            let entries = try XCTUnwrap(try parse(host(0, profile).disks).arrayValue)
            let osd = try XCTUnwrap(entries.first { !($0["lvs"]?.arrayValue?.isEmpty ?? true) }, "\(profile) has OSD disks")
            XCTAssertEqual(osd.objectValue?.keys, sample.objectValue?.keys, "top-level keys as ceph-volume prints them")
            assertSameShape(osd["lvs"]?.arrayValue?.first, sample["lvs"]?.arrayValue?.first, path: "lvs[0]")
            for entry in entries {
                let path = entry["path"]?.stringValue ?? "?"
                let isPart = entry["sys_api"]?["type"] == "part"
                let hasPartitions = !(entry["sys_api"]?["partitions"]?.objectValue?.entries.isEmpty ?? true)
                let reference = isPart ? nativePart : hasPartitions ? nativeBoot : nativeDisk
                var expected = reference
                var actual = entry
                // `lvs` is empty in the native fixture; its entries are compared with the sample above.
                expected = expected.replacing("lvs", with: [])
                actual = actual.replacing("lvs", with: [])
                assertSameShape(actual, expected, path: path, dynamicKeys: ["sys_api.partitions"])
            }
        }
    }

    func test_facts_have_the_keys_and_types_of_our_gather_facts() throws {
        let stor01 = try fixture("expected/stor01-gather-facts.json")
        let stor02 = try fixture("expected/stor02-gather-facts.json")
        let appArmor = try fixture("simulator/gather-facts_aquarium_qemu-amd-epyc-opensuse.json")
        var seen: Set<String> = []
        for index in 0..<40 {
            let facts = try parse(host(index, .mixed).facts)
            XCTAssertEqual(facts.objectValue?.keys, stor01.objectValue?.keys, "the 43 keys, sorted")
            XCTAssertEqual(facts.objectValue?.keys.count, 43)
            // Each nested part against a fixture that has it populated.
            var flat = facts
            for key in ["interfaces", "enclosures", "hdd_list", "flash_list", "kernel_security"] { flat = flat.replacing(key, with: .null) }
            var reference = stor01
            for key in ["interfaces", "enclosures", "hdd_list", "flash_list", "kernel_security"] { reference = reference.replacing(key, with: .null) }
            assertSameShape(flat, reference, path: "facts")
            assertSameShape(facts["interfaces"], stor01["interfaces"], path: "interfaces", dynamicKeys: ["interfaces"])
            assertSameShape(facts["hdd_list"], stor02["hdd_list"], path: "hdd_list")
            assertSameShape(facts["flash_list"], stor02["flash_list"], path: "flash_list")
            if facts["enclosure_count"]?.intValue == 1 {
                assertSameShape(facts["enclosures"], stor02["enclosures"], path: "enclosures",
                                dynamicKeys: ["enclosures", "enclosures.*.slot_map", "enclosures.*.device_lookup"])
            } else {
                XCTAssertEqual(facts["enclosures"], .object(JSONObject()))
            }
            let security = facts["kernel_security"]
            let type = security?["type"]?.stringValue ?? "?"
            seen.insert(type)
            assertSameShape(security, type == "AppArmor" ? appArmor["kernel_security"] : stor01["kernel_security"], path: "kernel_security")
        }
        XCTAssertEqual(seen, ["SELinux", "AppArmor"], "both kinds of host appear in 40 hosts")
    }

    func test_daemon_entries_have_the_keys_and_types_of_list_daemons() throws {
        let stor01 = try XCTUnwrap(try fixture("expected/stor01-list-daemons.json").arrayValue)
        func reference(_ name: String) throws -> JSONValue { try XCTUnwrap(stor01.first { $0["name"]?.stringValue == name }, name) }
        let running = try fixture("simulator/cephadm-ls-entry_blog-xdlinux_quincy-17.2.8_mon.json")
        let containerKeys = ["container_id", "container_image_name", "container_image_id", "container_image_digests", "memory_usage",
                             "cpu_percentage", "version", "started"]
        /// The 16.2.15 keys of a daemon whose container runs: `memory_usage` and `cpu_percentage` follow the digests.
        func runningKeys(_ r: JSONValue) -> [String] {
            var keys = r.objectValue?.keys ?? []
            if let i = keys.firstIndex(of: "container_image_digests") { keys.insert(contentsOf: ["memory_usage", "cpu_percentage"], at: i + 1) }
            return keys
        }
        var stoppedSeen = false
        for index in 0..<12 {
            for entry in try XCTUnwrap(try parse(host(index, index < 6 ? .jbod60 : .mixed).daemons).arrayValue) {
                let name = entry["name"]?.stringValue ?? "?"
                let type = String(name.prefix { $0 != "." })
                let ref: JSONValue
                switch type {
                case "osd", "mon", "mgr": ref = try reference("mgr.stor01.xkqtra")
                case "crash", "node-exporter": ref = try reference("crash.stor01")
                // Deployed by `cephadm-exporter deploy`: its unit.meta has service_name and ports only, like the rgw's here.
                case "cephadm-exporter": ref = try reference("rgw.objstore.stor01.abcdef")
                default: XCTFail("unexpected daemon \(name)"); continue
                }
                if entry["state"] == "running" && type != "cephadm-exporter" {
                    XCTAssertEqual(entry.objectValue?.keys, runningKeys(ref), name)
                    for key in containerKeys { XCTAssertEqual(kind(entry[key]), kind(running[key]), "\(name).\(key)") }
                } else {
                    stoppedSeen = stoppedSeen || entry["state"] == "stopped"
                    XCTAssertEqual(entry.objectValue?.keys, ref.objectValue?.keys, name)
                }
                for key in entry.objectValue?.keys ?? [] where !containerKeys.contains(key) {
                    guard let r = ref[key], !r.isNull, let a = entry[key], !a.isNull else { continue }
                    XCTAssertEqual(kind(a), kind(r), "\(name).\(key)")
                }
            }
        }
        XCTAssertTrue(stoppedSeen, "an OSD in 250 is stopped: 6 JBODs have one")
    }

    // MARK: determinism, distinctness, sharing

    func test_the_same_seed_gives_the_same_bytes_and_another_seed_does_not() {
        for index in [0, 7, 123] {
            let a = host(index, .mixed, seed: 5)
            let b = host(index, .mixed, seed: 5)
            XCTAssertEqual(a.facts, b.facts)
            XCTAssertEqual(a.daemons, b.daemons)
            XCTAssertEqual(a.disks, b.disks)
            let c = host(index, .mixed, seed: 6)
            XCTAssertNotEqual(a.facts, c.facts, "host \(index)")
            XCTAssertNotEqual(a.daemons, c.daemons, "host \(index)")
        }
    }

    func test_a_host_is_the_same_whichever_process_serves_it() {
        let pool = SyntheticDiskPool(seed: 3, clusterFSID: Self.fsid)
        for i in 0..<57 { _ = host(i, .mixed, seed: 3, pool: pool) }
        let afterOthers = host(57, .mixed, seed: 3, pool: pool)
        let alone = host(57, .mixed, seed: 3)
        XCTAssertEqual(afterOthers.facts, alone.facts)
        XCTAssertEqual(afterOthers.daemons, alone.daemons)
        XCTAssertEqual(afterOthers.disks, alone.disks)
    }

    func test_hosts_have_their_own_names_addresses_serials_and_containers() throws {
        let pool = SyntheticDiskPool(seed: 1, clusterFSID: Self.fsid)
        var names: Set<String> = [], fqdns: Set<String> = [], boards: Set<String> = [], addresses: Set<String> = []
        var containers: Set<String> = [], facts: Set<[UInt8]> = []
        let count = 120
        for i in 0..<count {
            let h = host(i, .mixed, pool: pool)
            let f = try parse(h.facts)
            names.insert(f["hostname"]?.stringValue ?? "")
            fqdns.insert(f["fqdn"]?.stringValue ?? "")
            boards.insert(f["board_serial"]?.stringValue ?? "")
            addresses.insert(f["interfaces"]?["bond0.20"]?["ipv4_address"]?.stringValue ?? "")
            facts.insert(h.facts)
            let crash = try XCTUnwrap(try parse(h.daemons).arrayValue?.first { $0["name"]?.stringValue?.hasPrefix("crash.") ?? false })
            XCTAssertEqual(crash["name"]?.stringValue, "crash." + h.name)
            containers.insert(crash["container_id"]?.stringValue ?? "")
        }
        for (what, set) in [("names", names), ("fqdns", fqdns), ("board serials", boards), ("addresses", addresses), ("container ids", containers)] {
            XCTAssertEqual(set.count, count, what)
        }
        XCTAssertEqual(facts.count, count)
        XCTAssertEqual(names.first { !$0.hasPrefix("ceph-r") }, nil)
    }

    func test_disk_sets_differ_in_serials_and_osd_ids_and_hosts_drawing_one_share_its_bytes() throws {
        let pool = SyntheticDiskPool(seed: 1, clusterFSID: Self.fsid)
        var serials: Set<String> = [], osdIDs: Set<String> = []
        var diskCount = 0, osdCount = 0
        for number in 0..<SyntheticDiskPool.variantsPerShape {
            let set = pool.variant(.osd24, number: number).disks
            diskCount += set.disks.count
            osdCount += set.osdIDs.count
            serials.formUnion(set.disks.map(\.serial))
            osdIDs.formUnion(set.osdIDs.map(String.init))
        }
        XCTAssertEqual(serials.count, diskCount, "serials are unique across sets")
        XCTAssertEqual(osdIDs.count, osdCount, "OSD ids are unique across sets")

        // 150 osd24 hosts draw from at most variantsPerShape sets and share the bytes.
        var byContent: [[UInt8]: [SyntheticHost]] = [:]
        for i in 0..<150 {
            let h = host(i, .osd24, pool: pool)
            byContent[h.disks, default: []].append(h)
        }
        XCTAssertLessThanOrEqual(byContent.count, SyntheticDiskPool.variantsPerShape)
        let shared = try XCTUnwrap(byContent.values.first { $0.count > 1 })
        let addresses = shared.map { $0.disks.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) } }
        XCTAssertEqual(Set(addresses).count, 1, "hosts on one set serve the very same inventory bytes")
    }

    func test_within_a_host_facts_inventory_and_daemons_agree() throws {
        for index in 0..<30 {
            let h = host(index, .mixed)
            let facts = try parse(h.facts)
            let inventory = try XCTUnwrap(try parse(h.disks).arrayValue)
            let daemons = try XCTUnwrap(try parse(h.daemons).arrayValue)
            let disks = inventory.filter { $0["sys_api"]?["type"] == "disk" }
            XCTAssertEqual(disks.count, h.shape.disks, "host \(index)")
            XCTAssertEqual((facts["hdd_count"]?.intValue ?? 0) + (facts["flash_count"]?.intValue ?? 0), h.shape.disks)
            XCTAssertEqual(daemons.count, h.shape.daemons)
            let listed = ((facts["hdd_list"]?.arrayValue ?? []) + (facts["flash_list"]?.arrayValue ?? [])).compactMap { $0["serial"]?.stringValue }
            for serial in listed {
                XCTAssertTrue(disks.contains { $0["device_id"]?.stringValue?.hasSuffix("_" + serial) ?? false }, "\(serial) in the inventory")
            }
            let lvOSDs = Set(inventory.flatMap { $0["lvs"]?.arrayValue ?? [] }.compactMap { $0["osd_id"]?.stringValue }.map { "osd." + $0 })
            let daemonOSDs = Set(daemons.compactMap { $0["name"]?.stringValue }.filter { $0.hasPrefix("osd.") })
            XCTAssertEqual(lvOSDs, daemonOSDs, "host \(index)")
            XCTAssertEqual(lvOSDs.count, h.shape.osds)
            for lv in inventory.flatMap({ $0["lvs"]?.arrayValue ?? [] }) { XCTAssertEqual(lv["cluster_fsid"]?.stringValue, Self.fsid) }
            for d in daemons { XCTAssertEqual(d["fsid"]?.stringValue, Self.fsid) }
            XCTAssertEqual(facts["hostname"]?.stringValue, h.name)
            XCTAssertEqual(facts["shortname"]?.stringValue, h.name)
            XCTAssertEqual(facts["fqdn"]?.stringValue, h.name + "." + SyntheticIdentity.domain)
        }
    }

    func test_mixed_draws_mostly_12_to_36_disks_a_few_jbods_and_a_few_monitors() {
        let shapes = (0..<2_000).map { HostProfile.mixed.shape(index: $0, seed: 1) }
        func share(_ p: (HostShape) -> Bool) -> Double { Double(shapes.filter(p).count) / Double(shapes.count) }
        XCTAssertGreaterThan(share { $0.role == .storage && (12...36).contains($0.disks) }, 0.8)
        XCTAssertTrue((0.02...0.10).contains(share { $0 == .jbod60 }), "\(share { $0 == .jbod60 })")
        XCTAssertTrue((0.01...0.08).contains(share { $0.role == .monitor }), "\(share { $0.role == .monitor })")
        XCTAssertEqual(Set(shapes).count, HostProfile.mixedWeights.count, "every shape appears")
        XCTAssertEqual(Set((0..<50).map { HostProfile.osd24.shape(index: $0, seed: 1) }), [.osd24])
    }

    func test_shapes_give_the_named_disk_and_daemon_counts() {
        XCTAssertEqual([HostShape.small, .osd24, .jbod60].map(\.disks), [5, 24, 60])
        XCTAssertEqual([HostShape.small, .osd24, .jbod60].map(\.daemons), [7, 26, 62])
        XCTAssertEqual(HostShape.monitor.daemons, 5)
    }

    // MARK: the writer

    func test_the_writer_prints_what_the_exporters_json_writer_prints() {
        let value: JSONValue = [
            "a": "x", "b": 1, "c": 2.5, "d": 3.0, "e": true, "f": .null, "g": ["p", "q"], "h": [1, 2], "i": [:], "j": [],
            "k": ["nested": ["deeper": "quote \" and \\ and é"]],
        ]
        var j = SyntheticJSON()
        j.object { o in
            o.fields(["a": .string("x"), "b": .int(1), "c": .double(2.5), "d": .double(3), "e": .bool(true), "f": .null,
                      "g": .strings(["p", "q"]), "h": .ints([1, 2])])
            o.field("i", object: { _ in })
            o.field("j", array: { _ in })
            o.field("k", object: { k in k.field("nested", object: { n in n.field("deeper", .string("quote \" and \\ and é")) }) })
        }
        XCTAssertEqual(String(decoding: j.bytes, as: UTF8.self), JSONWriter.compactString(value))
        let fragment = SyntheticJSON.fragment { $0.fields(["x": .int(1), "y": .int(2)]) }
        var spliced = SyntheticJSON()
        spliced.object { o in
            o.field("w", .int(0))
            o.members(fragment)
            o.members([])
            o.field("z", .int(3))
        }
        XCTAssertEqual(String(decoding: spliced.bytes, as: UTF8.self), #"{"w": 0, "x": 1, "y": 2, "z": 3}"#)
    }

    // MARK: helpers

    private func kind(_ v: JSONValue?) -> String {
        switch v {
        case nil: return "absent"
        case .null?: return "null"
        case .bool?: return "bool"
        case .int?: return "int"
        case .double?: return "float"
        case .string?: return "string"
        case .array?: return "array"
        case .object?: return "object"
        }
    }

    /// Same keys in the same order and the same JSON types, recursively; arrays compare each
    /// element with the reference's first; objects at `dynamicKeys` paths (keys that are data:
    /// interface names, slots, serials) compare each value with the reference's first value.
    private func assertSameShape(_ actual: JSONValue?, _ expected: JSONValue?, path: String, dynamicKeys: Set<String> = [],
                                 file: StaticString = #filePath, line: UInt = #line) {
        switch (actual, expected) {
        case (.object(let a)?, .object(let e)?):
            if dynamicKeys.contains(where: { path == $0 || path.hasSuffix("." + $0) }) {
                guard let reference = e.entries.first?.value else { return }
                for entry in a.entries {
                    assertSameShape(entry.value, reference, path: path + ".*", dynamicKeys: dynamicKeys, file: file, line: line)
                }
                return
            }
            XCTAssertEqual(a.keys, e.keys, path, file: file, line: line)
            for entry in a.entries {
                guard let r = e[entry.key] else { continue }
                assertSameShape(entry.value, r, path: path + "." + entry.key, dynamicKeys: dynamicKeys, file: file, line: line)
            }
        case (.array(let a)?, .array(let e)?):
            guard let reference = e.first else { return }
            for item in a { assertSameShape(item, reference, path: path + "[]", dynamicKeys: dynamicKeys, file: file, line: line) }
        default:
            XCTAssertEqual(kind(actual), kind(expected), path, file: file, line: line)
        }
    }
}

extension JSONValue {
    /// The same object with `key` set to `value` (tests compare the rest separately).
    fileprivate func replacing(_ key: String, with value: JSONValue) -> JSONValue {
        guard case .object(var o) = self else { return self }
        o[key] = value
        return .object(o)
    }
}
