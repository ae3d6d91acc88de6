import XCTest
@testable import FleetTUI

final class InventoryTests: XCTestCase {
    func test_host_list_accepts_names_ipv4_and_ipv6_with_and_without_ports() {
        let inv = InventoryParser.parse("""
            ceph-node01
            ceph-node02.example.com:9443
            10.0.0.3
            10.0.0.4:10443
            [fe80::1]:9443
            [2001:db8::7]
            fd00::5
            fe80::1%eth0
            ::ffff:10.0.0.9
            """)
        XCTAssertEqual(inv.format, .hostList)
        XCTAssertEqual(inv.problems, [])
        XCTAssertEqual(inv.hosts.map(\.address),
                       ["ceph-node01", "ceph-node02.example.com", "10.0.0.3", "10.0.0.4", "fe80::1", "2001:db8::7",
                        "fd00::5", "fe80::1%eth0", "::ffff:10.0.0.9"])
        XCTAssertEqual(inv.hosts.map(\.port), [nil, 9443, nil, 10443, 9443, nil, nil, nil, nil])
        XCTAssertEqual(inv.hosts.map(\.line), [1, 2, 3, 4, 5, 6, 7, 8, 9])
        XCTAssertEqual(inv.hosts[1].displayName, "ceph-node02.example.com")
    }

    func test_comments_and_blank_lines_are_skipped_but_keep_line_numbers() {
        let inv = InventoryParser.parse("# rack 1\n\n   \nnode-a   # the first one\n\t node-b:9443#no space\n# end\n")
        XCTAssertEqual(inv.problems, [])
        XCTAssertEqual(inv.hosts, [
            HostEntry(displayName: "node-a", address: "node-a", port: nil, line: 4),
            HostEntry(displayName: "node-b", address: "node-b", port: 9443, line: 5),
        ])
    }

    func test_badPort_is_reported_with_its_line_number_and_skipped() {
        let inv = InventoryParser.parse("good\nnode:abc\nnode:0\nnode:65536\nnode:\nnode:+80\n[fe80::1]:x\nlast:65535")
        XCTAssertEqual(inv.hosts.map(\.line), [1, 8])
        XCTAssertEqual(inv.problems.map(\.line), [2, 3, 4, 5, 6, 7])
        XCTAssertEqual(inv.problems[0].kind, .badPort("abc"))
        XCTAssertEqual(inv.problems[3].kind, .badPort(""))
        XCTAssertEqual(inv.problems[0].message, "bad port 'abc' (expected a number from 1 to 65535)")
        XCTAssertEqual(inv.problems[3].message, "missing port number after ':'")
        XCTAssertEqual(inv.describe(inv.problems[1], source: "hosts.txt"),
                       "hosts.txt:3: bad port '0' (expected a number from 1 to 65535)")
    }

    func test_emptyHost_is_reported() {
        let inv = InventoryParser.parse(":9443\n[]:9443\n")
        XCTAssertEqual(inv.hosts, [])
        XCTAssertEqual(inv.problems, [InventoryProblem(line: 1, kind: .emptyHost), InventoryProblem(line: 2, kind: .emptyHost)])
    }

    func test_junk_lines_are_reported_with_a_reason() {
        let lines = ["ho$t", "http://node1", "a..b", "10.0.0.256", "node1 node2", "[fe80::1", "fe80::zz", "-bad-.example",
                     "[fe80::1]9443", "1:2:3:4:5:6:7:8:9"]
        let inv = InventoryParser.parse(lines.joined(separator: "\n"))
        XCTAssertEqual(inv.hosts, [])
        XCTAssertEqual(inv.problems.map(\.line), Array(1...lines.count))
        for p in inv.problems {
            guard case .invalidAddress = p.kind else { return XCTFail("line \(p.line): \(p.kind)") }
        }
        XCTAssertTrue(inv.problems[0].message.contains("the character '$' is not allowed"), inv.problems[0].message)
        XCTAssertTrue(inv.problems[4].message.contains("found extra text 'node2'"), inv.problems[4].message)
        XCTAssertTrue(inv.problems[6].message.contains("[address]:port"), inv.problems[6].message)
    }

    func test_duplicates_are_reported_once_and_skipped() {
        let inv = InventoryParser.parse("node1\nnode2\nNODE1\nnode1:9443\nnode1\nnode2:10443\n", defaultPort: 9443)
        XCTAssertEqual(inv.hosts.map(\.line), [1, 2, 6])
        XCTAssertEqual(inv.problems.count, 1)
        XCTAssertEqual(inv.problems[0].line, 3)
        XCTAssertEqual(inv.problems[0].kind, .duplicate("node1", firstLine: 1, repeats: [3, 4, 5]))
        XCTAssertEqual(inv.problems[0].message,
                       "node1 repeats the entry at 1 (again at 3, 4, 5); the repeats are skipped")
    }

    func test_without_a_default_port_host_and_host_with_port_are_different_entries() {
        let inv = InventoryParser.parse("node1\nnode1:22\n")
        XCTAssertEqual(inv.hosts.count, 2)
        XCTAssertEqual(inv.problems, [])
    }

    func test_crlf_files_split_into_lines() {
        let inv = InventoryParser.parse("node1\r\nnode2:x\r\nnode3\r\n")
        XCTAssertEqual(inv.hosts.map(\.address), ["node1", "node3"])
        XCTAssertEqual(inv.hosts.map(\.line), [1, 3])
        XCTAssertEqual(inv.problems.map(\.line), [2])
    }

    func test_bracketed_ipv6_first_line_is_a_host_list_not_json() {
        let inv = InventoryParser.parse("[fe80::1]:9443\n")
        XCTAssertEqual(inv.format, .hostList)
        XCTAssertEqual(inv.hosts.first?.address, "fe80::1")
    }

    func test_orch_host_ls_json_connects_to_addr_and_shows_hostname() throws {
        let one = InventoryParser.parse(try Fixture.text("orch-host-ls_cephadm-ansible-test_1host.json"))
        XCTAssertEqual(one.format, .orchHostLs)
        XCTAssertEqual(one.problems, [])
        XCTAssertEqual(one.hosts, [HostEntry(displayName: "ceph-node5", address: "10.10.10.11", port: nil, line: 1,
                                             nameFromInventory: true)])

        let two = InventoryParser.parse(try Fixture.text("orch-host-ls_quattor-ncm-ceph_2hosts-labels.json"))
        XCTAssertEqual(two.hosts.map(\.displayName), ["mds2801.banette.os", "mds2802.banette.os"])
        XCTAssertEqual(two.hosts.map(\.line), [1, 2])
        XCTAssertEqual(two.hosts.map(\.labels), [["mon", "mds", "mgr"], ["mon", "mds", "mgr"]], "labels are kept for grouping")
    }

    func test_orch_labels_are_trimmed_deduplicated_and_bounded_and_an_entry_without_hostname_is_not_named() {
        let many = (0..<50).map { "\"l\($0)\"" }.joined(separator: ", ")
        let inv = InventoryParser.parse("""
            [{"hostname": "a", "addr": "10.0.0.1", "labels": [" rack1 ", "rack1", "", 7, "osd"]},
             {"addr": "10.0.0.2", "labels": "not-a-list"},
             {"hostname": "c", "addr": "10.0.0.3", "labels": [\(many)]}]
            """)
        XCTAssertEqual(inv.hosts[0].labels, ["rack1", "osd"])
        XCTAssertTrue(inv.hosts[0].nameFromInventory)
        XCTAssertEqual(inv.hosts[1].labels, [])
        XCTAssertFalse(inv.hosts[1].nameFromInventory, "no hostname: the facts may name it")
        XCTAssertEqual(inv.hosts[2].labels.count, 32)
        XCTAssertEqual(InventoryParser.parse("node1\nnode2\n").hosts.map(\.labels), [[], []])
    }

    func test_orch_json_entry_problems_name_the_entry() {
        let inv = InventoryParser.parse("""
            [{"hostname": "a", "addr": "10.0.0.1"},
             {"hostname": "b"},
             "c",
             {"hostname": "d", "addr": "bad host"},
             {"hostname": "e", "addr": "10.0.0.1"},
             {"addr": "fd00::2"}]
            """)
        XCTAssertEqual(inv.hosts.map(\.displayName), ["a", "fd00::2"])
        XCTAssertEqual(inv.problems.map(\.line), [2, 3, 4, 5])
        XCTAssertEqual(inv.describe(inv.problems[0], source: "hosts.json"),
                       "hosts.json: entry 2: 'addr' is missing or not a non-empty string")
        XCTAssertEqual(inv.problems[3].kind, .duplicate("10.0.0.1", firstLine: 1, repeats: [5]))
    }

    func test_invalid_orch_json_reports_the_line_of_the_error() {
        let inv = InventoryParser.parse("[\n  {\"addr\": \"a\"},\n  {\"addr\": }\n]")
        XCTAssertEqual(inv.format, .orchHostLs)
        XCTAssertEqual(inv.hosts, [])
        XCTAssertEqual(inv.problems.count, 1)
        XCTAssertEqual(inv.problems[0].line, 3)
        guard case .invalidJSON = inv.problems[0].kind else { return XCTFail("\(inv.problems[0].kind)") }
    }

    func test_empty_json_array_is_an_empty_inventory() {
        let inv = InventoryParser.parse(" [ ] ")
        XCTAssertEqual(inv.format, .orchHostLs)
        XCTAssertEqual(inv.hosts, [])
        XCTAssertEqual(inv.problems, [])
    }

    func test_endpoint_brackets_ipv6_and_applies_the_default_port() {
        XCTAssertEqual(HostEntry(displayName: "x", address: "fe80::1", port: nil, line: 1).endpoint(defaultPort: 9443),
                       "[fe80::1]:9443")
        XCTAssertEqual(HostEntry(displayName: "x", address: "node", port: 22, line: 1).endpoint(defaultPort: 9443), "node:22")
        XCTAssertEqual(HostEntry(displayName: "x", address: "node", port: nil, line: 1).endpoint(defaultPort: nil), "node")
    }
}

final class InventoryWarningTests: XCTestCase {
    func test_warnings_about_huge_lines_with_escapes_are_bounded_and_escaped() {
        let huge = "\u{1B}]0;owned\u{7}" + String(repeating: "x", count: 1_000_000)
        let inv = InventoryParser.parse("good\n\(huge)\nnode \u{1B}[2J\(huge)\nba\u{9B}d:1\nh:\u{1B}\n")
        XCTAssertEqual(inv.hosts.map(\.address), ["good"])
        XCTAssertEqual(inv.problems.map(\.line), [2, 3, 4, 5])
        for problem in inv.problems {
            let text = inv.describe(problem, source: "hosts.txt")
            XCTAssertLessThanOrEqual(problem.message.count, InventoryProblem.maxMessage + 1, text)
            XCTAssertFalse(text.unicodeScalars.contains { $0.value < 0x20 || (0x7F..<0xA0).contains($0.value) }, text)
        }
        XCTAssertTrue(inv.problems[0].message.hasPrefix(#"'\x1b]0;owned\x07xxx"#), inv.problems[0].message)
        XCTAssertTrue(inv.problems[1].message.contains(#"found extra text '\x1b[2J\x1b]0;owned\x07xx"#), inv.problems[1].message)
        XCTAssertTrue(inv.problems[2].message.contains(#"the character '\x9b' is not allowed"#), inv.problems[2].message)
        XCTAssertEqual(inv.problems[3].message, #"bad port '\x1b' (expected a number from 1 to 65535)"#)
    }

    func test_orch_host_names_are_escaped_and_bounded_for_display() {
        let long = String(repeating: "n", count: 5000)
        let inv = InventoryParser.parse(#"[{"addr": "10.0.0.1", "hostname": "a\u001b[2Jb"}, {"addr": "10.0.0.2", "hostname": "\#(long)"}]"#)
        XCTAssertEqual(inv.hosts.map(\.displayName).first, #"a\x1b[2Jb"#)
        XCTAssertEqual(inv.hosts.last?.displayName.count, 254)
    }
}
