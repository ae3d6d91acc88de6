import Common
import Foundation
import XCTest
@testable import FleetTUI

final class ExportAndLogTests: XCTestCase {
    private let context = RenderContext(now: StoryFleet.end + 3)

    func test_local_time_is_iso_8601_with_the_offset_and_milliseconds() {
        XCTAssertEqual(LocalTime.fixed(0).iso8601(1_700_000_600.25), "2023-11-14T22:23:20.250+00:00")
        XCTAssertEqual(LocalTime.fixed(3600).iso8601(1_700_000_600), "2023-11-14T23:23:20.000+01:00")
        XCTAssertEqual(LocalTime.fixed(-(5 * 3600 + 1800)).iso8601(1_700_000_600), "2023-11-14T16:53:20.000-05:30")
        XCTAssertEqual(LocalTime.fixed(7200).iso8601(1_709_164_800), "2024-02-29T02:00:00.000+02:00", "leap day")
        XCTAssertEqual(LocalTime.fixed(0).iso8601(-0.5), "1969-12-31T23:59:59.500+00:00")
        XCTAssertEqual(LocalTime.fixed(0).compact(1_700_000_600), "20231114-222320")
        // The offset is asked for each time: a daylight-saving change during a session is followed.
        let dst = LocalTime { $0 < 1_700_000_000 ? 3600 : 7200 }
        XCTAssertEqual(dst.iso8601(1_699_999_999), "2023-11-14T23:13:19.000+01:00")
        XCTAssertEqual(dst.iso8601(1_700_000_000), "2023-11-15T00:13:20.000+02:00")
    }

    func test_an_event_log_line_is_one_json_object_with_the_documented_fields() throws {
        let fleet = try StoryFleet.make()
        let e = try XCTUnwrap(fleet.events[number: fleet.events.total - 1])
        let line = EventLogFormat.line(e, host: fleet.name(of: e.hostIndex), address: fleet.endpoint(of: e.hostIndex),
                                       local: .fixed(3600))
        XCTAssertFalse(line.contains("\n"))
        let json = try JSONParser.parse(line)
        XCTAssertEqual(json.objectValue?.keys, ["time", "host", "address", "from", "to", "cause", "kind"])
        XCTAssertEqual(json["time"]?.stringValue, "2023-11-14T23:25:20.003+01:00")
        XCTAssertEqual(json["host"]?.stringValue, "ceph-node01")
        XCTAssertEqual(json["address"]?.stringValue, "ceph-node01:9443")
        XCTAssertEqual(json["from"]?.stringValue, "DOWN")
        XCTAssertEqual(json["to"]?.stringValue, "OK")
        XCTAssertEqual(json["cause"]?.stringValue, "recovered after 1m DOWN; exporter restarted")
        XCTAssertEqual(json["kind"]?.stringValue, "status")
        // Quotes and control characters in a host's error stay inside the JSON string.
        let hostile = FleetEvent(time: 0, host: 0, from: .ok, to: .down, kind: .status, cause: "a \"b\" \\ c\u{7}")
        XCTAssertEqual(try JSONParser.parse(EventLogFormat.line(hostile, host: "h", address: "a", local: .fixed(0)))["cause"]?.stringValue,
                       "a \"b\" \\ c\u{7}")
    }

    func test_the_events_log_file_is_appended_to() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("events-\(getpid())-\(Int.random(in: 0..<1_000_000))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/events.jsonl"
        try "earlier\n".write(toFile: path, atomically: true, encoding: .utf8)
        let log = try EventLogFile(path: path)
        XCTAssertNil(log.append(["{\"a\": 1}", "{\"b\": 2}"]))
        XCTAssertNil(log.append([]))
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "earlier\n{\"a\": 1}\n{\"b\": 2}\n")
        XCTAssertThrowsError(try EventLogFile(path: dir + "/missing/events.jsonl")) { error in
            XCTAssertTrue("\(error)".contains("--events-log: cannot open \(dir)/missing/events.jsonl"), "\(error)")
        }
    }

    func test_table_export_keeps_filter_sort_and_groups_and_uncuts_every_column() throws {
        let fleet = try StoryFleet.make()
        var view = ViewState()
        view.groupBy = .label
        view.collapsed = [Grouping.collapseKey(.label, "rack2")]
        var cache = LayoutCache()
        let text = ViewExporter.export(fleet, view: view, format: .text, context: context, local: .fixed(0), cache: &cache)
        XCTAssertEqual(text.kind, "hosts")
        XCTAssertEqual(text.summary, "7 hosts", "rack2 is folded: its 3 hosts are not in the view")
        let lines = text.content.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines[0], "# prod-east at 2023-11-14T22:25:23.000+00:00: 7 hosts of 8, sort status, grouped by label")
        XCTAssertTrue(lines[2].hasPrefix("HOST          ADDRESS          STATUS↓   DAEMONS"), lines[2])
        XCTAssertEqual(lines[3], "▾ osd  2 hosts  BAD 1  DEGRADED 1")
        XCTAssertTrue(lines.contains { $0.contains("disks inactive (disks: RuntimeError exception: Failed command: /usr/bin/podman run ceph-volume)") },
                      "the error is not cut")
        XCTAssertTrue(lines.contains("▸ rack2  3 hosts  TLS 1  BAD 1  DEGRADED 1"))

        view.filter = "node0"
        view.groupBy = .none
        let csv = ViewExporter.export(fleet, view: view, format: .csv, context: context, local: .fixed(0), cache: &cache)
        let rows = csv.content.split(separator: "\n").map(String.init)
        XCTAssertEqual(rows[0], "host,address,status,flapping,daemons_state,daemons_age_secs,disks_state,disks_age_secs,host_state,host_age_secs,latency_ms,latency_p95_ms,skew_secs,error")
        XCTAssertEqual(rows.count, 9)
        XCTAssertEqual(rows[1], "ceph-node03,10.0.0.3:9443,DOWN,no,,,,,,,,,,connection refused: connect 10.0.0.3:9443: Connection refused")
        XCTAssertTrue(rows.contains("ceph-node01,ceph-node01:9443,OK,no,active,5.5,active,5.5,active,5.5,3.0,4.0,0.5,"), rows.joined(separator: "\n"))
    }

    func test_events_export_is_the_filtered_list_newest_first() throws {
        let fleet = try StoryFleet.make()
        var view = ViewState()
        view.mode = .events
        view.eventFilter = "node01"
        var cache = LayoutCache()
        let csv = ViewExporter.export(fleet, view: view, format: .csv, context: context, local: .fixed(0), cache: &cache)
        XCTAssertEqual(csv.kind, "events")
        XCTAssertEqual(csv.content, """
            time,host,address,from,to,kind,cause
            2023-11-14T22:25:20.003+00:00,ceph-node01,ceph-node01:9443,DOWN,OK,status,recovered after 1m DOWN; exporter restarted
            2023-11-14T22:24:20.001+00:00,ceph-node01,ceph-node01:9443,OK,DOWN,status,connection refused: connect ceph-node01:9443: Connection refused
            2023-11-14T22:23:20.004+00:00,ceph-node01,ceph-node01:9443,WAIT,OK,status,first poll

            """)
        let text = ViewExporter.export(fleet, view: view, format: .text, context: context, local: .fixed(0), cache: &cache)
        XCTAssertEqual(text.content.split(separator: "\n").first,
                       "2023-11-14T22:25:20.003+00:00  ceph-node01  ceph-node01:9443  DOWN→OK  recovered after 1m DOWN; exporter restarted")
        XCTAssertEqual(text.summary, "3 events")
    }

    func test_detail_export_is_the_host_s_lines() throws {
        let fleet = try StoryFleet.make()
        var view = ViewState()
        view.mode = .detail
        view.detailHost = 6
        var cache = LayoutCache()
        let text = ViewExporter.export(fleet, view: view, format: .text, context: context, local: .fixed(0), cache: &cache)
        XCTAssertEqual(text.kind, "host")
        XCTAssertTrue(text.content.hasPrefix("ceph-node07  ceph-node07:9443  DEGRADED\nPoll      HTTP 200"), text.content)
        let csv = ViewExporter.export(fleet, view: view, format: .csv, context: context, local: .fixed(0), cache: &cache)
        XCTAssertTrue(csv.content.contains("\nEvents,22:24:50 DEGRADED skew  clock skew jumped from -40s to +5.4s\n"), csv.content)
    }

    func test_csv_quotes_what_needs_it_and_defuses_formulas() {
        XCTAssertEqual(CSV.line(["a", "b,c", "say \"hi\"", "two\nlines"]), "a,\"b,c\",\"say \"\"hi\"\"\",\"two\nlines\"")
        XCTAssertEqual(CSV.text("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")")
        XCTAssertEqual(CSV.text("-40s"), "'-40s")
        XCTAssertEqual(CSV.text("node1"), "node1")
    }

    func test_export_files_get_a_fresh_name_and_never_overwrite() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("export-\(getpid())-\(Int.random(in: 0..<1_000_000))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let export = ViewExport(kind: "hosts", content: "x\n", summary: "1 host")
        let first = try ExportFile.write(export, format: .csv, directory: dir, stamp: "20231114-222320").get()
        let second = try ExportFile.write(export, format: .csv, directory: dir, stamp: "20231114-222320").get()
        XCTAssertEqual(first, dir + "/fleet-hosts-20231114-222320.csv")
        XCTAssertEqual(second, dir + "/fleet-hosts-20231114-222320-1.csv")
        XCTAssertEqual(try String(contentsOfFile: second, encoding: .utf8), "x\n")
        guard case .failure(let error) = ExportFile.write(export, format: .text, directory: dir + "/nope", stamp: "s") else {
            return XCTFail("a missing directory must fail")
        }
        XCTAssertTrue(error.description.contains("cannot create \(dir)/nope/fleet-hosts-s.txt"), error.description)
    }

    func test_dashboard_options_parse_the_flap_rule_and_reject_bad_values() throws {
        func parse(_ args: [String]) throws -> DashboardOptions {
            try DashboardOptions.parse(try ParsedArguments(args, options: DashboardCommand.options))
        }
        XCTAssertEqual(try parse([]), DashboardOptions())
        XCTAssertEqual(try parse([]).flapRule, FlapRule(changes: 4, windowSecs: 600))
        let o = try parse(["--flap-changes", "6", "--flap-window", "15m", "--no-mouse", "--events-log", "/tmp/e.jsonl", "--export-dir", "/tmp"])
        XCTAssertEqual(o.flapRule, FlapRule(changes: 6, windowSecs: 900))
        XCTAssertFalse(o.mouse)
        XCTAssertEqual(o.eventsLog, "/tmp/e.jsonl")
        XCTAssertEqual(o.exportDirectory, "/tmp")
        XCTAssertEqual(try parse(["--flap-window", "90"]).flapRule.windowSecs, 90)
        XCTAssertEqual(try parse(["--flap-window", "1h"]).flapRule.windowSecs, 3600)
        XCTAssertThrowsError(try parse(["--flap-window", "soon"])) { XCTAssertTrue("\($0)".contains("--flap-window: 'soon'"), "\($0)") }
        XCTAssertThrowsError(try parse(["--flap-window", "0"]))
        XCTAssertThrowsError(try parse(["--flap-changes", "0"]))
        XCTAssertThrowsError(try parse(["--events-log", ""]))
    }
}
