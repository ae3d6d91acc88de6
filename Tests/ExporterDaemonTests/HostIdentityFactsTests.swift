import Common
import XCTest

@testable import ExporterDaemon

/// The facts operators use to find a disk's slot (current cephadm's additions to gather-facts),
/// on the checked-in SAS host `stor02` (made by Tests/Fixtures/make-stor02.py): a JBOD
/// enclosure reached through two sg devices, one disk multipathed as sdb/sdc (map mpatha),
/// DMI serials, by-path links, an NVMe drive, loop and md devices.
final class HostIdentityFactsTests: XCTestCase {
    private func stor02Facts() throws -> JSONObject {
        let environment = HostFactsEnvironment(
            now: { 1_700_000_000.5 },
            uname: { UnameInfo(nodename: "stor02", release: "", machine: "x86_64") },
            ipv4Address: { _ in nil },
            fqdn: { $0 })
        let (facts, problems) = try HostFactsTask(root: GatherFixtures.root("stor02"), environment: environment).gather()
        XCTAssertEqual(problems, [])
        return facts
    }

    private func disk(_ name: String, in facts: JSONObject) -> JSONValue? {
        ((facts["flash_list"]?.arrayValue ?? []) + (facts["hdd_list"]?.arrayValue ?? []))
            .first(where: { $0["dev_name"]?.stringValue == name })
    }

    func test_stor02_facts_match_the_expected_json() throws {
        try GatherFixtures.assertMatchesExpected(.object(try stor02Facts()), "stor02-gather-facts.json")
    }

    func test_a_multipathed_disk_is_listed_once_with_its_other_path_and_map() throws {
        let facts = try stor02Facts()
        let sdb = try XCTUnwrap(disk("sdb", in: facts))
        XCTAssertEqual(sdb["alt_dev_name"], "sdc")
        XCTAssertEqual(sdb["mpath"], "/dev/mapper/mpatha")
        XCTAssertNil(disk("sdc", in: facts), "the second path is the same disk")
        XCTAssertEqual(facts["hdd_count"], 2)
        XCTAssertEqual(facts["hdd_capacity_bytes"], .int(2 * 31_251_759_104 * 512), "the disk's capacity counts once")
    }

    func test_a_disk_in_the_enclosure_names_its_enclosure_and_slot() throws {
        let facts = try stor02Facts()
        let sdd = try XCTUnwrap(disk("sdd", in: facts))
        XCTAssertEqual(sdd["serial"], "ZL2EFGH2", "VPD page 0x80 without its header and padding")
        XCTAssertEqual(sdd["enclosure_id"], "0x500c0ff0abcdef00")
        XCTAssertEqual(sdd["enclosure_slot"], "2")
        XCTAssertEqual(sdd["scsi_addr"], "1:0:2:0")
        XCTAssertEqual(sdd["path_id"], "/dev/disk/by-path/pci-0000:00:11.0-sas-exp0x500c0ff0abcdef3f-phy2-lun-0")
        XCTAssertEqual(sdd["disk_type"], "hdd")
        XCTAssertEqual(disk("sda", in: facts)?["enclosure_slot"], "", "the boot SSD is not in the enclosure")
    }

    func test_the_enclosure_reached_through_two_sg_devices_is_listed_once() throws {
        let facts = try stor02Facts()
        XCTAssertEqual(facts["enclosure_count"], 1)
        let enclosure = try XCTUnwrap(facts["enclosures"]?["0x500c0ff0abcdef00"])
        XCTAssertEqual(enclosure["ses_paths"], ["sg4", "sg5"])
        XCTAssertEqual(enclosure["path_count"], 2)
        XCTAssertEqual(enclosure["vendor"], "SEAGATE")
        XCTAssertEqual(enclosure["components"], "84")
        XCTAssertEqual(enclosure["device_lookup"], .object(JSONObject([("ZL2ABCD1", "1"), ("ZL2EFGH2", "2")])))
        XCTAssertEqual(enclosure["device_count"], 2)
        XCTAssertEqual(enclosure["slot_map"]?["3"]?["status"], "not installed")
        XCTAssertEqual(enclosure["slot_map"]?["3"]?["serial"], "")
        XCTAssertEqual(enclosure["slot_map"]?["2"]?["locate"], "1")
    }

    func test_nvme_serial_comes_from_the_controller_and_host_serials_from_dmi() throws {
        let facts = try stor02Facts()
        XCTAssertEqual(disk("nvme0n1", in: facts)?["serial"], "S64HNE0T123456")
        XCTAssertEqual(disk("nvme0n1", in: facts)?["scsi_addr"], "")
        XCTAssertEqual(facts["chassis_serial"], "C8170AB12N30045")
        XCTAssertEqual(facts["board_serial"], "ZM19AS012345")
        XCTAssertEqual(facts["product_serial"], "S123456X9A01234")
    }

    func test_loop_and_md_devices_are_not_disks() throws {
        let facts = try stor02Facts()
        XCTAssertNil(disk("loop0", in: facts))
        XCTAssertNil(disk("md127", in: facts))
        XCTAssertEqual(facts["flash_count"], 2)
    }

    func test_shortname_is_the_host_name_up_to_its_first_dot() throws {
        XCTAssertEqual(try stor02Facts()["shortname"], "stor02")
        XCTAssertEqual(HostNames.shortName("a.b.c"), "a")
        XCTAssertEqual(HostNames.shortName("plain"), "plain")
        XCTAssertEqual(HostNames.shortName(""), "")
    }

    func test_listening_ports_of_stor02() throws {
        let facts = try stor02Facts()
        XCTAssertEqual(facts["tcp_ports_used"], [22, 9443, 6789], "the connected socket on 22 is not listening")
        XCTAssertEqual(facts["tcp6_ports_used"], [22, 9443])
        XCTAssertEqual(facts["udp_ports_used"], [123])
        XCTAssertEqual(facts["udp6_ports_used"], [])
    }

    // MARK: parsers

    func test_vpd_page_80_header_padding_and_unprintable_bytes_are_dropped() {
        let page: [UInt8] = [0x00, 0x80, 0x00, 0x0c] + Array("  ZA1B2C3D  ".utf8) + [0x00, 0x41]
        XCTAssertEqual(SCSISerial.parse(vpdPage80: page), "ZA1B2C3D", "bytes past the stated length are not the serial")
        XCTAssertEqual(SCSISerial.parse(vpdPage80: Array("unknown\n".utf8)), "")
        XCTAssertEqual(SCSISerial.parse(vpdPage80: [0x00, 0x80, 0x00, 0x40, 0x53]), "S", "a length past the end is cut")
        XCTAssertEqual(SCSISerial.parse(vpdPage80: []), "")
    }

    func test_proc_net_tables_keep_waiting_sockets_only_and_skip_garbage() {
        let tcp = """
              sl  local_address rem_address   st
               0: 00000000:0016 00000000:0000 0A 0
               1: 0100007F:0CEA 0A000001:D431 01 0
               2: garbage
               3: 00000000:ZZZZ 00000000:0000 0A 0
               4: 00000000:01BB 00000000:0000 0A 0
            """
        XCTAssertEqual(ListeningPorts.parse(tcp, table: .tcp), [22, 443])
        let udp = """
              sl  local_address rem_address   st
              10: 00000000:007B 00000000:0000 07 0
              11: 0A000016:A1B2 08080808:0035 01 0
            """
        XCTAssertEqual(ListeningPorts.parse(udp, table: .udp), [123])
        XCTAssertEqual(ListeningPorts.parse("", table: .tcp6), [])
    }
}
