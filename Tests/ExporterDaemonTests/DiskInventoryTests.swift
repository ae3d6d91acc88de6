import Common
import Foundation
import XCTest

@testable import ExporterDaemon

final class DiskInventoryTests: XCTestCase {
    private static let sampleName = "ceph-volume-inventory_aquarium_qemu-virtio-5disks.json"

    private func environment(bin: String? = nil, timeout: Double = 20) -> DiskInventoryEnvironment {
        DiskInventoryEnvironment(runner: bin.map { CommandRunner(searchPath: $0) } ?? GatherFixtures.emptyPathRunner,
                                 commandTimeoutSecs: timeout)
    }

    /// A temporary tree with the sample inventory as `sample.json` and a fake ceph-volume at
    /// `bin/ceph-volume` that records its arguments in `calls` and then runs `body`.
    private func fakeCephVolume(_ body: (TemporaryTree) -> String) throws -> TemporaryTree {
        let tree = try TemporaryTree()
        try tree.copy(fromFixture: "ceph-volume/\(Self.sampleName)", to: "sample.json")
        try tree.add(script: "bin/ceph-volume", "echo \"$@\" >> \(tree.full("calls"))\n" + body(tree))
        return tree
    }

    private func sample() throws -> JSONValue {
        try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: GatherFixtures.path("ceph-volume/\(Self.sampleName)")))))
    }

    private func scrape(_ task: DiskInventoryTask) throws -> ScrapeOutput { try task.scrape(GatherFixtures.context()) }

    // MARK: ceph-volume

    func test_configured_ceph_volume_output_is_passed_through_unchanged() throws {
        let tree = try fakeCephVolume { "cat \($0.full("sample.json"))" }
        let task = DiskInventoryTask(cephVolume: tree.full("bin/ceph-volume"), environment: environment())
        XCTAssertEqual(task.name, .disks)
        let output = try scrape(task)
        XCTAssertEqual(output.data, try sample())
        XCTAssertEqual(output.errors, [])
        XCTAssertEqual(tree.read("calls"), "inventory --format=json\n")
    }

    func test_the_configured_command_is_split_on_spaces() throws {
        let tree = try fakeCephVolume { "cat \($0.full("sample.json"))" }
        let task = DiskInventoryTask(cephVolume: "  \(tree.full("bin/ceph-volume"))  --log-level  warning ", environment: environment())
        XCTAssertEqual(task.cephVolumeCommand, [tree.full("bin/ceph-volume"), "--log-level", "warning"])
        _ = try scrape(task)
        XCTAssertEqual(tree.read("calls"), "--log-level warning inventory --format=json\n")
    }

    func test_ceph_volume_on_path_is_used_when_none_is_configured() throws {
        let tree = try fakeCephVolume { "cat \($0.full("sample.json"))" }
        let task = DiskInventoryTask(root: GatherFixtures.root("stor01"), environment: environment(bin: tree.full("bin")))
        XCTAssertEqual(try scrape(task).data, try sample())
    }

    func test_a_failing_ceph_volume_throws_naming_the_command_and_its_stderr() throws {
        let tree = try fakeCephVolume { _ in "echo '-->  RuntimeError: Unable to load devices' >&2\nexit 1" }
        let command = tree.full("bin/ceph-volume")
        XCTAssertThrowsError(try scrape(DiskInventoryTask(cephVolume: command, environment: environment()))) { error in
            XCTAssertEqual("\(error)", "`\(command) inventory --format=json` exited with status 1: -->  RuntimeError: Unable to load devices")
            XCTAssertTrue(error is CommandError)
        }
    }

    func test_bin_false_as_the_command_is_a_failure_not_an_empty_inventory() throws {
        XCTAssertThrowsError(try scrape(DiskInventoryTask(cephVolume: "/bin/false", environment: environment()))) { error in
            XCTAssertEqual(error as? CommandError,
                           .failed(command: "/bin/false inventory --format=json", termination: .exited(1), stderr: ""))
        }
    }

    func test_a_hanging_ceph_volume_is_killed_at_the_timeout_and_throws() throws {
        let tree = try fakeCephVolume { _ in "sleep 30" }
        let task = DiskInventoryTask(cephVolume: tree.full("bin/ceph-volume"), environment: environment(timeout: 0.3))
        XCTAssertThrowsError(try scrape(task)) { error in
            guard case .timedOut? = error as? CommandError else { return XCTFail("\(error)") }
        }
    }

    func test_empty_output_gives_an_empty_list_and_a_scrape_error() throws {
        let tree = try fakeCephVolume { _ in "echo '   '" }
        let output = try scrape(DiskInventoryTask(cephVolume: tree.full("bin/ceph-volume"), environment: environment()))
        XCTAssertEqual(output.data, [])
        XCTAssertEqual(output.errors, ["ceph-volume did not return any data"])
    }

    func test_output_that_is_not_a_json_array_gives_an_empty_list_and_a_scrape_error() throws {
        for body in ["echo '{\"path\": \"/dev/sda\"}'", "echo 'Running command: /usr/sbin/lvs'", "echo '[{\"path\": '"] {
            let tree = try fakeCephVolume { _ in body }
            let output = try scrape(DiskInventoryTask(cephVolume: tree.full("bin/ceph-volume"), environment: environment()))
            XCTAssertEqual(output.data, [], body)
            XCTAssertEqual(output.errors, ["ceph-volume thread provided bad json data"], body)
        }
    }

    func test_output_with_invalid_UTF8_keeps_the_inventory_with_the_bytes_replaced() throws {
        // A device model in Latin-1 (0xE9) must not lose the whole inventory, and what the
        // exporter serves stays valid (ASCII, escaped) JSON.
        let tree = try fakeCephVolume { _ in #"printf '[{"path": "/dev/sda", "model": "\351cran"}]'"# }
        let output = try scrape(DiskInventoryTask(cephVolume: tree.full("bin/ceph-volume"), environment: environment()))
        XCTAssertEqual(output.errors, [])
        XCTAssertEqual(output.data.arrayValue?.first?["model"], .string("\u{FFFD}cran"))
        let served = JSONWriter.compact(output.data)
        XCTAssertTrue(served.allSatisfy { $0 < 0x80 }, String(decoding: served, as: UTF8.self))
        XCTAssertEqual(try JSONParser.parse(served), output.data)
    }

    // MARK: native

    private func native(_ root: String) throws -> [JSONValue] {
        let output = try scrape(DiskInventoryTask(root: GatherFixtures.root(root), cephVolume: "native", environment: environment()))
        XCTAssertEqual(output.errors, [])
        return output.data.arrayValue ?? []
    }

    private func device(_ path: String, in devices: [JSONValue]) -> JSONValue? {
        devices.first(where: { $0["path"]?.stringValue == path })
    }

    private func reasons(_ devices: [JSONValue]) -> [String: [String]] {
        var result: [String: [String]] = [:]
        for d in devices { result[d["path"]?.stringValue ?? ""] = d["rejected_reasons"]?.arrayValue?.compactMap(\.stringValue) }
        return result
    }

    func test_native_inventory_of_stor01_matches_the_expected_json() throws {
        try GatherFixtures.assertMatchesExpected(.array(try native("stor01")), "stor01-native-inventory.json")
    }

    func test_native_inventory_of_stor02_matches_the_expected_json() throws {
        try GatherFixtures.assertMatchesExpected(.array(try native("stor02")), "stor02-native-inventory.json")
    }

    func test_native_inventory_has_ceph_volume_16_2_15s_keys_in_its_order() throws {
        let devices = try native("stor01")
        let sdb = try XCTUnwrap(device("/dev/sdb", in: devices)?.objectValue)
        XCTAssertEqual(sdb.keys, ["path", "sys_api", "ceph_device", "lsm_data", "available", "rejected_reasons", "device_id", "lvs"])
        XCTAssertEqual(sdb["sys_api"]?.objectValue?.keys, [
            "removable", "ro", "vendor", "model", "rev", "sas_address", "sas_device_handle", "support_discard", "rotational",
            "nr_requests", "partitions", "device_nodes", "actuators", "scheduler_mode", "sectors", "sectorsize", "size",
            "human_readable_size", "path", "devname", "type", "parent", "id_bus",
        ])
        XCTAssertNil(sdb["sys_api"]?["locked"], "16.2.15 has no locked key")
        let sda1 = try XCTUnwrap(device("/dev/sda1", in: devices)?["sys_api"]?.objectValue)
        XCTAssertEqual(Array(sda1.keys[10...13]), ["device_nodes", "actuators", "scheduler_mode", "partitions"],
                       "a partition's `partitions` comes after scheduler_mode, as ceph-volume sets it")
    }

    func test_native_inventory_lists_disks_and_partitions_available_first_then_by_path() throws {
        XCTAssertEqual(try native("stor01").compactMap { $0["path"]?.stringValue }, [
            "/dev/nvme0n1", "/dev/sdb", "/dev/sdc",
            "/dev/nbd0", "/dev/sda", "/dev/sda1", "/dev/sda2", "/dev/sda3", "/dev/sdd", "/dev/sde", "/dev/sdf", "/dev/sr0",
        ], "no loop devices and no LVM device-mapper volumes; empty and optical devices are listed and rejected")
    }

    func test_native_reasons_are_ceph_volumes_for_each_stor01_device() throws {
        let r = reasons(try native("stor01"))
        XCTAssertEqual(r["/dev/sdb"], [], "blank disk")
        XCTAssertEqual(r["/dev/sda"], ["Has GPT headers", "Has partitions", "LVM detected"], "sda3 is an LVM physical volume")
        XCTAssertEqual(r["/dev/sda1"], ["Insufficient space (<5GB)", "Has a FileSystem"])
        XCTAssertEqual(r["/dev/sdd"], ["Has a FileSystem"])
        XCTAssertEqual(r["/dev/sde"], ["Has a FileSystem", "LVM detected"], "an OSD's LVM physical volume")
        XCTAssertEqual(r["/dev/sdf"], ["id_bus"], "a USB stick")
        XCTAssertEqual(r["/dev/sr0"], ["read-only", "Insufficient space (<5GB)"])
    }

    func test_native_multipath_map_is_listed_instead_of_its_paths() throws {
        let devices = try native("stor02")
        XCTAssertNil(device("/dev/sdb", in: devices))
        XCTAssertNil(device("/dev/sdc", in: devices))
        let map = try XCTUnwrap(device("/dev/mapper/mpatha", in: devices))
        XCTAssertEqual(map["sys_api"]?["type"], "mpath")
        XCTAssertEqual(map["sys_api"]?["device_nodes"], "sdb,sdc")
        XCTAssertEqual(map["sys_api"]?["parent"], "/dev/dm-0")
        XCTAssertEqual(map["available"], true)
    }

    func test_native_bluestore_label_is_read_from_the_device() throws {
        XCTAssertEqual(reasons(try native("stor02"))["/dev/sdd"], ["Has BlueStore device label"])
    }

    func test_native_partitions_are_described_like_ceph_volume() throws {
        let sda = try XCTUnwrap(device("/dev/sda", in: try native("stor01")))
        XCTAssertEqual(sda["sys_api"]?["partitions"]?["sda3"], [
            "start": "3328000", "sectors": "934373376", "sectorsize": 512, "size": .double(478_399_168_512),
            "human_readable_size": "445.54 GB", "holders": ["dm-0"],
        ])
        XCTAssertEqual(sda["device_id"], "Micron_5300_MTFDDAK480TDS_2144327A1B2C")
        XCTAssertEqual(sda["ceph_device"], false)
    }

    func test_native_small_read_only_device_without_udev_data() throws {
        let tree = try TemporaryTree(files: [
            "sys/block/vdb/size": "4194304\n", "sys/block/vdb/ro": "1\n", "sys/block/vdb/removable": "0\n",
            "sys/block/vdb/queue/scheduler": "none\n", "sys/block/vdb/device/vendor": "0x1af4\n", "dev/vdb": "",
        ], directories: ["sys/block/vdb/holders"])
        let output = try scrape(DiskInventoryTask(root: tree.root, environment: environment()))
        let vdb = try XCTUnwrap(output.data.arrayValue?.first)
        XCTAssertEqual(vdb["rejected_reasons"], ["read-only", "Insufficient space (<5GB)"])
        XCTAssertEqual(vdb["available"], false)
        XCTAssertEqual(vdb["device_id"], "")
        XCTAssertEqual(vdb["sys_api"]?["human_readable_size"], "2.00 GB")
        XCTAssertEqual(vdb["sys_api"]?["scheduler_mode"], "", "no bracketed scheduler")
        XCTAssertEqual(vdb["sys_api"]?["sectorsize"], 512, "ceph-volume's default is the number 512")
        XCTAssertEqual(vdb["sys_api"]?["vendor"], "0x1af4", "raw, as ceph-volume shows it")
        XCTAssertEqual(vdb["sys_api"]?["actuators"], "")
    }

    func test_a_device_without_a_dev_node_is_not_listed_and_an_unopenable_partition_is_refused() throws {
        let tree = try TemporaryTree(files: [
            "sys/block/sdx/size": "209715200\n", "sys/block/sdy/size": "209715200\n", "dev/sdy": "",
            "sys/block/sdy/sdy1/partition": "1\n", "sys/block/sdy/sdy1/size": "20971520\n",
        ])
        let devices = try scrape(DiskInventoryTask(root: tree.root, environment: environment())).data.arrayValue ?? []
        XCTAssertEqual(devices.compactMap { $0["path"]?.stringValue }, ["/dev/sdy", "/dev/sdy1"])
        XCTAssertEqual(reasons(devices)["/dev/sdy1"], ["Failed to determine if device is BlueStore"],
                       "no /dev/sdy1 to read: assume an OSD might be there")
    }

    func test_native_keyword_selects_the_native_inventory_even_with_ceph_volume_on_path() throws {
        let tree = try fakeCephVolume { "cat \($0.full("sample.json"))" }
        let task = DiskInventoryTask(root: GatherFixtures.root("stor02"), cephVolume: " native ", environment: environment(bin: tree.full("bin")))
        XCTAssertNil(task.cephVolumeCommand)
        XCTAssertEqual(try scrape(task).data, .array(try native("stor02")))
        XCTAssertNil(tree.read("calls"), "ceph-volume did not run")
    }

    func test_rejection_rules_in_ceph_volumes_words() {
        var f = RejectionFacts(kind: .part)
        f.sizeBytes = 6e9
        XCTAssertEqual(CephVolumeRejection.reasons(f), [])
        f.idBus = "usb"
        f.usedByCephDisk = true
        f.bluestoreLabel = nil
        f.parentBluestoreLabel = true
        XCTAssertEqual(CephVolumeRejection.reasons(f), [
            "id_bus", "Used by ceph-disk", "Failed to determine if device is BlueStore", "Parent has BlueStore device label",
        ])
        XCTAssertTrue(CephVolumeRejection.isCephDiskPartition(label: "ceph\\x20data", type: ""))
        XCTAssertTrue(CephVolumeRejection.isCephDiskPartition(label: "", type: "4FBD7E29-9D25-41B8-AFD0-062C0CEFF05D"))
        XCTAssertFalse(CephVolumeRejection.isCephDiskPartition(label: "EFI", type: "c12a7328-f81f-11d2-ba4b-00a0c93ec93b"))
    }

    func test_native_inventory_without_sysfs_throws_naming_the_directory() throws {
        let tree = try TemporaryTree()
        XCTAssertThrowsError(try scrape(DiskInventoryTask(root: tree.root, environment: environment()))) { error in
            XCTAssertTrue("\(error)".contains(tree.full("sys/block")), "\(error)")
            XCTAssertTrue(error is DiskInventoryError)
        }
    }

    // MARK: helpers

    func test_ceph_volume_sizes_step_by_1024_with_two_decimals() {
        XCTAssertEqual(ByteFormatting.cephVolume(4_000_787_030_016), "3.64 TB")
        XCTAssertEqual(ByteFormatting.cephVolume(8_589_934_592), "8.00 GB")
        XCTAssertEqual(ByteFormatting.cephVolume(1024), "1024.00 B")
        XCTAssertEqual(ByteFormatting.cephVolume(0), "0.00 B")
    }

    func test_device_ids_follow_ceph_volumes_choice_of_udev_properties() {
        XCTAssertEqual(UdevProperties.deviceID(["ID_VENDOR": "SEAGATE", "ID_MODEL": "ST4000NM0025", "ID_SCSI_SERIAL": "ZC1234",
                                                "ID_SERIAL_SHORT": "x"]), "SEAGATE_ST4000NM0025_ZC1234")
        XCTAssertEqual(UdevProperties.deviceID(["ID_MODEL": "Samsung SSD 860", "ID_SERIAL_SHORT": "S3Z"]), "Samsung SSD 860_S3Z",
                       "16.2.15 keeps the spaces")
        XCTAssertEqual(UdevProperties.deviceID(["ID_SERIAL": "MTFDHBA512TDV_21"]), "Micron_MTFDHBA512TDV_21")
        XCTAssertEqual(UdevProperties.deviceID(["ID_MODEL": "LVM PV abc on /dev/sda", "ID_MODEL_ENC": "QEMU\\x20HARDDISK\\x20\\x20",
                                                "ID_SERIAL_SHORT": "QM1"]), "QEMU HARDDISK_QM1")
        XCTAssertNil(UdevProperties.deviceID(["ID_TYPE": "disk"]))
    }

    func test_udev_database_lines_are_read_as_properties() {
        XCTAssertEqual(UdevProperties.parse("S:disk/by-id/x\nE:ID_MODEL=A=B\nE:ID_BUS=ata\nG:systemd\n"),
                       ["ID_MODEL": "A=B", "ID_BUS": "ata"])
    }
}
