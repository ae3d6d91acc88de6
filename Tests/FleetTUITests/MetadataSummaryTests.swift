import Common
import Foundation
import XCTest
@testable import FleetTUI

/// The summary every poll makes of a body (`MetadataDocument.summarize`) must give the verdict,
/// the error and the fields of the full decode (`summarize(body) == MetadataSummary(decoded:
/// decode(body))`, errors identical) on every fixture, on the fuzz corpora and on mutated bodies;
/// a body that is not JSON is BAD either way.
final class MetadataSummaryTests: XCTestCase {
    typealias SummaryOutcome = Result<MetadataSummary, MetadataWireError>

    /// The dashboard's summary plan, one that reads other members under other rules (a text on
    /// another string, a tally whose filter never matches), one that reads a member that is not
    /// a string and counts a run for every daemon, and one that reads nothing but health and
    /// the records.
    static let summaryPlans: [MetadataSummaryPlan] = [
        HostDetailBuilder.summaryPlan,
        MetadataSummaryPlan(text: (.host, "kernel"), tally: .init(task: .disks, filterKey: "available", filterValue: "x",
                                                                  countKey: "path")),
        MetadataSummaryPlan(text: (.host, "interfaces"), tally: .init(task: .daemons, filterKey: "state",
                                                                      filterValue: "running", countKey: "name")),
        MetadataSummaryPlan(),
    ]

    static func summarize(_ body: [UInt8], _ plan: MetadataSummaryPlan) -> SummaryOutcome {
        Result { () throws(MetadataWireError) in try MetadataDocument.summarize(body, plan: plan) }
    }

    static func fullSummary(_ body: [UInt8], _ plan: MetadataSummaryPlan) -> SummaryOutcome {
        Result { () throws(MetadataWireError) in MetadataSummary(decoded: try MetadataDocument.decode(body), plan: plan) }
    }

    /// The summary agrees with the full decode under every plan, and classifies as a full decode.
    func assertSame(_ body: [UInt8], _ what: @autoclosure () -> String, file: StaticString = #filePath, line: UInt = #line) {
        for plan in Self.summaryPlans {
            XCTAssertEqual(Self.summarize(body, plan), Self.fullSummary(body, plan), "\(what()): summary and decode differ",
                           file: file, line: line)
        }
        let result = Poll.response(0, body: body)
        let summary = HostClassifier.classify(result, thresholds: Thresholds(), depth: .summary)
        let full = HostClassifier.classify(result, thresholds: Thresholds(), depth: .full)
        XCTAssertEqual(summary.sample, full.sample, "\(what()): verdicts differ", file: file, line: line)
        XCTAssertEqual(summary.detail?.hostname, full.detail?.hostname, "\(what())", file: file, line: line)
        XCTAssertEqual(summary.detail?.fsid, full.detail?.fsid, "\(what())", file: file, line: line)
    }

    /// Bodies an exporter sends: ours, Pacific's shape, before the first scrape, after failures.
    static func fixtureBodies() throws -> [(String, [UInt8])] {
        var out: [(String, [UInt8])] = []
        out.append(("healthy", try MetadataBody.healthy().bytes))
        var detail = try MetadataBody.healthy()
        detail.taskDetail = ["host": ["interval_secs": 10, "restarts": 2, "consecutive_failures": 0,
                                      "last_success_epoch_secs": .double(Clock.now - 2)],
                             "disks": ["interval_secs": 60.5, "restarts": 0, "consecutive_failures": 1,
                                       "last_success_epoch_secs": nil]]
        out.append(("task detail", detail.bytes))
        out.append(("before the first scrape", MetadataBody().bytes))
        var failed = MetadataBody()
        failed.disks = ["scrape_errors": ["RuntimeError exception: Failed command"], "data": nil]
        out.append(("failed first scrape", failed.bytes))
        var stopped = try MetadataBody.healthy()
        guard case .array(var daemons) = try Fixture.daemons() else { throw XCTSkip("fixture") }
        daemons.append(try Fixture.stoppedOSD())
        daemons.append(42)
        stopped.daemons = MetadataBody.record(at: Clock.now - 2, data: .array(daemons))
        stopped.set("disks", "inactive")
        stopped.errors = (1...30).map { "disks stopped at 2023/11/14 22:\($0):00" }
        out.append(("stopped osd, inactive disks", stopped.bytes))
        let qemu = try MetadataBody.healthy(facts: Fixture.qemuFacts())
        out.append(("qemu facts", qemu.bytes))
        out.append(("indented", Array(JSONWriter.pretty(try MetadataBody.healthy().json).utf8)))
        // Wrong shapes that must be refused with the same message.
        var wrong = try MetadataBody.healthy()
        wrong.daemons = MetadataBody.record(at: Clock.now, data: ["not": "a list"])
        out.append(("daemons data an object", wrong.bytes))
        wrong = try MetadataBody.healthy()
        wrong.host = MetadataBody.record(at: Clock.now, data: ["a", "list"])
        out.append(("host data a list", wrong.bytes))
        wrong.host = MetadataBody.record(at: Clock.now, data: "a string that is much longer than forty characters, cut")
        out.append(("host data a string", wrong.bytes))
        wrong.host = [1, 2, 3]
        out.append(("host record a list", wrong.bytes))
        wrong.host = 17.5
        out.append(("host record a number", wrong.bytes))
        wrong = try MetadataBody.healthy()
        wrong.host = ["scrape_timestamp": "yesterday", "data": [:]]
        out.append(("string timestamp", wrong.bytes))
        for text in [#"[1, 2]"#, #""just a string""#, "null", #"{"health": 5}"#, #"{}"#,
                     #"{"health": {"tasks": {}}, "host": {}, "daemons": {}, "disks": {}}"#] {
            out.append((text, Array(text.utf8)))
        }
        // Duplicate keys: first position, last value, at every level the summary looks at.
        let duplicated = String(decoding: try MetadataBody.healthy().bytes, as: UTF8.self)
            .replacingOccurrences(of: #""hostname": "dummy""#, with: #""hostname": "first", "hostname": "dummy", "hostname": "last""#)
            .replacingOccurrences(of: #""style": "cephadm:v1""#, with: #""style": "legacy", "style": "cephadm:v1""#)
        out.append(("duplicate hostnames and styles", Array(duplicated.utf8)))
        out.append(("duplicate records", Array((String(decoding: try MetadataBody.healthy().bytes.dropLast(), as: UTF8.self)
            + #", "host": {"scrape_timestamp": 1700000000.5}, "health": {"tasks": {"host": "active", "daemons": "active", "disks": "inactive"}}}"#).utf8)))
        out.append(("escaped keys", Array(String(decoding: try MetadataBody.healthy().bytes, as: UTF8.self)
            .replacingOccurrences(of: #""hostname""#, with: #""host\u006eame""#)
            .replacingOccurrences(of: #""data""#, with: #""d\u0061ta""#).utf8)))
        // The typed fast path's give-ups: nulls where decode is strict or lenient, a duplicate
        // known key in each object it reads, escapes in values it compares.
        let healthy = String(decoding: try MetadataBody.healthy().bytes, as: UTF8.self)
        for (from, to) in [(#""tasks": {"#, #""tasks": {"http_server": null, "#), (#""errors": []"#, #""errors": null"#),
                           (#""errors": []"#, #""errors": ["a", "b\u00e9", 3]"#), (#""errors": []"#, #""errors": ["one", "two"]"#),
                           (#""scrape_errors": []"#, #""scrape_errors": null"#), (#""host": {"#, #""host": {"data": null, "#),
                           (#""health": {"#, #""health": {"errors": [], "#), (#""tasks": {"#, #""tasks": {"host": "active", "#),
                           (#""style": "cephadm:v1""#, #""style": "cephadm:\u00761""#), (#""tasks": {"#, #""tasks": {"x": 1, "#),
                           (#""interval_secs""#, #""restarts": null, "interval_secs""#), (#""active""#, #""act\u0069ve""#),
                           (#""restarts": 0"#, #""restarts": 2.0"#), (#""restarts": 0"#, #""restarts": 2.5"#)] {
            out.append(("\(from) -> \(to)", Array(healthy.replacingOccurrences(of: from, with: to).utf8)))
        }
        return out
    }

    func test_the_fsid_runs_give_the_choice_of_the_items() throws {
        let a = "81b469b6-662d-11ec-b2eb-000c29c51d96", b = "00000000-0000-0000-0000-000000000000"
        let daemons: [JSONValue] = [["style": "cephadm:v1", "fsid": .string(a)], ["style": "legacy", "fsid": .string(b)],
                                    ["style": "cephadm:v1", "fsid": .string(b)], ["style": "cephadm:v1", "fsid": .string(b)],
                                    ["style": "cephadm:v1", "fsid": ""], 7, ["style": "cephadm:v1", "fsid": .string(a)]]
        var body = try MetadataBody.healthy()
        body.daemons = MetadataBody.record(at: Clock.now - 2, data: .array(daemons))
        let summary = try MetadataDocument.summarize(body.bytes, plan: HostDetailBuilder.summaryPlan)
        XCTAssertEqual(summary.tally, [.init(a, count: 1), .init(b, count: 2), .init(a, count: 1)])
        XCTAssertEqual(HostDetailBuilder.fsid(runs: summary.tally), b, "ties go to the smaller fsid")
        XCTAssertEqual(HostDetailBuilder.fsid(daemons), b)
        XCTAssertEqual(summary.text, "dummy")
        assertSame(body.bytes, "mixed fsids")
    }

    func test_summary_equals_decode_on_every_fixture() throws {
        for (name, body) in try Self.fixtureBodies() { assertSame(body, name) }
    }

    func test_summary_keeps_health_and_records_and_reads_only_what_the_plan_names() throws {
        let body = try MetadataBody.healthy()
        let summary = try MetadataDocument.summarize(body.bytes, plan: HostDetailBuilder.summaryPlan)
        let doc = summary.document
        XCTAssertEqual(doc.health, try MetadataDocument.decode(body.bytes).health)
        XCTAssertEqual(summary.text, "dummy")
        XCTAssertEqual(summary.tally, [.init("dbb88f95-1cd6-482a-a735-23c832ee7795", count: 3)], "the fixture's three cephadm daemons")
        XCTAssertEqual(doc.record(.host).data, .value([:]), "an object is kept as its kind")
        XCTAssertEqual(doc.record(.daemons).data, .value([]))
        XCTAssertEqual(doc.record(.disks).data, .value([]))
        XCTAssertTrue(doc.record(.disks).hasData, "an emptied list is still data")
        XCTAssertEqual(doc.record(.disks).scrapeDurationSecs, 3.2)
    }

    func test_summary_matches_decode_on_the_fuzz_corpora() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fuzz").appendingPathComponent("corpus")
        var files = 0
        for target in ["metadata-decoder", "json-parser"] {
            let dir = root.appendingPathComponent(target)
            for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) {
                assertSame(Array(try Data(contentsOf: dir.appendingPathComponent(name))), "\(target)/\(name)")
                files += 1
            }
        }
        XCTAssertGreaterThan(files, 15)
    }

    func test_summary_matches_decode_on_mutated_bodies() throws {
        var rng = ClassificationFuzzTests.LCG(state: 1234)
        let interesting: [UInt8] = Array("{}[]\",:0123456789-.eE\\ntrufalseu".utf8) + [0, 0x1F, 0x7F, 0xC3, 0xFF]
        let bases = try Self.fixtureBodies().prefix(6).map(\.1)
        var refused = 0
        for round in 0..<3000 {
            var body = bases[round % bases.count]
            ClassificationFuzzTests.mutate(&body, rng: &rng, interesting: interesting)
            let plan = Self.summaryPlans[round % Self.summaryPlans.count]
            let summarized = Self.summarize(body, plan)
            XCTAssertEqual(summarized, Self.fullSummary(body, plan), "round \(round)")
            if case .failure = summarized { refused += 1 }
        }
        XCTAssertGreaterThan(refused, 1000, "mutations must reach the refusals")
    }

    func test_every_malformed_body_is_bad_with_the_parsers_message() throws {
        let good = String(decoding: try MetadataBody.healthy().bytes, as: UTF8.self)
        let malformed = [
            good + "x", String(good.dropLast()), good.replacingOccurrences(of: #""dummy""#, with: #""dum\qmy""#),
            good.replacingOccurrences(of: #""rev": "SC60""#, with: #""rev": SC60"#),
            good.replacingOccurrences(of: "]}", with: "],}"), good.replacingOccurrences(of: "0x1af4", with: "0x1a\u{01}f4"),
            good.replacingOccurrences(of: "true", with: "tru"), "<html>", "", "   ",
            String(repeating: "[", count: 300) + String(repeating: "]", count: 300),
            #"{"health": {"tasks": {}}, "host": {"data": "#, #"{"health": {"tasks": {}}, "host": {"data": [1 2]}}"#,
        ]
        for text in malformed {
            let body = Array(text.utf8)
            for plan in Self.summaryPlans {
                guard case .failure(let error) = Self.summarize(body, plan) else {
                    XCTFail("accepted: \(text.prefix(80))")
                    continue
                }
                XCTAssertEqual(Self.fullSummary(body, plan), .failure(error))
            }
            let c = HostClassifier.classify(Poll.response(0, body: body), thresholds: Thresholds())
            XCTAssertEqual(c.sample.status, .bad, "\(text.prefix(80))")
        }
    }

    /// Many keys cost what their bytes cost: the summary stores none of the unknown ones, and a
    /// read member repeated 50,000 times gives its last value.
    func test_many_and_repeated_keys_are_handled() throws {
        let keys = (0..<50_000).map { #""k\#($0)": \#($0)"# }.joined(separator: ", ")
        let repeated = Array(repeating: #""hostname": "h""#, count: 50_000).joined(separator: ", ")
        var body = try MetadataBody.healthy()
        body.host = MetadataBody.record(at: Clock.now - 2, data: ["placeholder": 1])
        let text = String(decoding: body.bytes, as: UTF8.self)
            .replacingOccurrences(of: #""placeholder": 1"#, with: keys + ", " + repeated)
        let summary = try MetadataDocument.summarize(Array(text.utf8), plan: HostDetailBuilder.summaryPlan)
        XCTAssertEqual(summary.text, "h")
        XCTAssertEqual(summary.document.record(.host).data, .value([:]))
        assertSame(Array(text.utf8), "50,000 keys")
    }

    func test_a_fleet_folded_from_summaries_shows_the_same_table_and_check() throws {
        let full = try StoryFleet.make(depth: .full)
        let summary = try StoryFleet.make(depth: .summary)
        for i in full.hosts.indices {
            XCTAssertEqual(summary.records[i].sample, full.records[i].sample)
            XCTAssertEqual(summary.name(of: i), full.name(of: i))
            XCTAssertEqual(summary.fsid(of: i), full.fsid(of: i))
        }
        XCTAssertEqual(summary.fleetFsid?.fsid, full.fleetFsid?.fsid)
        let context = RenderContext(now: StoryFleet.end)
        let size = TerminalSize(columns: 160, lines: 30)
        XCTAssertEqual(DashboardLayout.render(summary, view: ViewState(), size: size, context: context).grid.text(),
                       DashboardLayout.render(full, view: ViewState(), size: size, context: context).grid.text())
        XCTAssertEqual(FleetCheck.run(summary, options: CheckOptions(format: .json), now: StoryFleet.end).output,
                       FleetCheck.run(full, options: CheckOptions(format: .json), now: StoryFleet.end).output)
    }

    func test_the_detail_view_asks_for_the_facts_until_they_are_decoded() throws {
        let fleet = try SampleFleet.make(depth: .summary)
        var view = ViewState()
        view.selectedHost = 0
        view.mode = .detail
        let text = DashboardLayout.render(fleet, view: view, size: TerminalSize(columns: 120, lines: 40),
                                          context: RenderContext(now: Clock.now)).grid.text()
        XCTAssertTrue(text.contains("Host      ceph-node01 · facts, daemons and devices: asking the exporter…"), text)
        XCTAssertFalse(text.contains("Red Hat"), text)
    }
}
