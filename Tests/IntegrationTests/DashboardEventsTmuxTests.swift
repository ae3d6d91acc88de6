import Common
import Foundation
import XCTest

/// Issue 13 as an operator sees it, in tmux: events from a real exporter that stops and comes
/// back, grouping by the labels of `ceph orch host ls`, and the mouse.
final class DashboardEventsTmuxTests: XCTestCase {
    /// The table rows of a screen (below the three header lines, above the footer).
    private func rows(_ screen: String) -> [String] {
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // The footer is the last line with text (capture-pane may end with empty lines).
        guard let footer = lines.lastIndex(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }), footer > 3 else { return [] }
        return lines[3..<footer].filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
    }

    private func footer(_ screen: String) -> String {
        screen.split(separator: "\n", omittingEmptySubsequences: false).last(where: { !$0.isEmpty }).map(String.init) ?? ""
    }

    func test_a_real_exporter_stopped_and_restarted_gives_DOWN_then_OK_events_on_screen_and_in_the_log() throws {
        guard TmuxSession.available else { throw XCTSkip("tmux is not installed (make test installs it)") }
        let sim = try SimulatedFleetHarness(count: 4, behaviour: "healthy")
        // The real exporter serves with the simulated fleet's certificate and token.
        let config = try JSONParser.parse(try String(contentsOfFile: sim.configPath, encoding: .utf8))
        let exporter = try ExporterHarness()
        try exporter.write("crt", config["crt"]?.stringValue ?? "")
        try exporter.write("key", config["key"]?.stringValue ?? "")
        try exporter.write("token", (config["token"]?.stringValue ?? "") + "\n")
        try exporter.start()
        let port = exporter.port
        let hosts = sim.tempDir + "/hosts-with-real.txt"
        try (String(contentsOfFile: sim.hostsPath, encoding: .utf8) + "127.0.0.1:\(port)\n").write(toFile: hosts, atomically: true, encoding: .utf8)
        let log = sim.tempDir + "/events.jsonl"

        let cmd = "\(TestPaths.fleet) --hosts \(hosts) --config \(sim.configPath) --interval 1 --events-log \(log); sleep 60"
        let tmux = try TmuxSession(command: cmd, dir: sim.tempDir)
        // The real exporter's facts name it after the fixture root's hostname.
        tmux.waitFor("the real exporter named by its facts") { $0.contains("stor01 ") && $0.contains("OK 5") }

        exporter.process?.signal(SIGTERM)
        XCTAssertNotNil(exporter.process?.wait(timeout: 10), "the exporter stops on SIGTERM")
        var logText = ""
        let down = TestPaths.eventually(timeout: 15) {
            logText = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            return logText.contains("\"host\": \"stor01\"") && logText.contains("\"to\": \"DOWN\"")
        }
        XCTAssertTrue(down, "a DOWN event for stor01 in the log:\n\(logText)")

        try exporter.start(["--port", String(port)])
        try tmux.send("r")  // poll now instead of waiting out the failing host's backoff
        let up = TestPaths.eventually(timeout: 15) {
            logText = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            // stor01's own recovery: a simulated host may recover first.
            return logText.split(separator: "\n").contains {
                $0.contains("\"host\": \"stor01\"") && $0.contains("\"from\": \"DOWN\", \"to\": \"OK\"")
            }
        }
        XCTAssertTrue(up, "an OK event after DOWN in the log:\n\(logText)")

        // Every line is one JSON object with the documented fields.
        let lines = logText.split(separator: "\n")
        XCTAssertGreaterThanOrEqual(lines.count, 7, "5 first polls, DOWN, OK:\n\(logText)")
        var stor01: [JSONValue] = []
        for line in lines {
            let event = try JSONParser.parse(String(line))
            XCTAssertEqual(event.objectValue?.keys, ["time", "host", "address", "from", "to", "cause", "kind"], String(line))
            if event["host"]?.stringValue == "stor01" { stor01.append(event) }
        }
        XCTAssertEqual(stor01.map { "\($0["from"]?.stringValue ?? "")→\($0["to"]?.stringValue ?? "")" }, ["WAIT→OK", "OK→DOWN", "DOWN→OK"])
        guard stor01.count == 3 else { return XCTFail("stor01's events:\n\(logText)") }
        XCTAssertEqual(stor01[1]["address"]?.stringValue, "127.0.0.1:\(port)")
        XCTAssertTrue(stor01[1]["cause"]?.stringValue?.hasPrefix("connection refused") ?? false, "\(stor01[1])")
        XCTAssertTrue(stor01[2]["cause"]?.stringValue?.contains("exporter restarted") ?? false, "\(stor01[2])")

        // The same events on screen, newest first.
        try tmux.send("e")
        let screen = tmux.waitFor("the events view") { $0.contains("DOWN→OK") && $0.contains("OK→DOWN") }
        let eventLines = screen.split(separator: "\n").filter { $0.contains("stor01") }
        XCTAssertEqual(eventLines.count, 3, screen)
        guard eventLines.count == 3 else { return }
        XCTAssertTrue(eventLines[0].contains("DOWN→OK") && eventLines[1].contains("OK→DOWN") && eventLines[2].contains("WAIT→OK"), screen)
        // Enter on the newest event opens stor01's detail, which lists its events too.
        try tmux.send("Home")
        try tmux.send("Enter")
        tmux.waitFor("stor01's detail with its events") { $0.contains("Events") && $0.contains("exporter restarted") && $0.contains("stor01") }
    }

    func test_grouping_by_orch_labels_folds_and_mouse_clicks_select_and_open() throws {
        guard TmuxSession.available else { throw XCTSkip("tmux is not installed (make test installs it)") }
        let sim = try SimulatedFleetHarness(count: 6, behaviour: "healthy")
        // The same fleet as `ceph orch host ls --format json` with two racks.
        let entries = sim.endpoints.enumerated().map { i, endpoint in
            "{\"addr\": \"\(endpoint)\", \"hostname\": \"node-\(i)\", \"labels\": [\"\(i < 4 ? "rack-a" : "rack-b")\"]}"
        }
        let hosts = sim.tempDir + "/orch.json"
        try ("[" + entries.joined(separator: ", ") + "]").write(toFile: hosts, atomically: true, encoding: .utf8)
        let cmd = "\(TestPaths.fleet) --hosts \(hosts) --config \(sim.configPath) --interval 1 --export-dir \(sim.tempDir); echo FLEET-EXITED=$?; sleep 60"
        let tmux = try TmuxSession(command: cmd, columns: 100, lines: 24, dir: sim.tempDir)
        tmux.waitFor("every host OK") { $0.contains("OK 6") }

        // g: group by label; the orch names win over the facts' names.
        try tmux.send("g")
        var screen = tmux.waitFor("groups by label") { $0.contains("group label") && $0.contains("▾ rack-b") }
        let table = rows(screen)
        XCTAssertTrue(table[0].hasPrefix("▾ rack-a  4 hosts  OK 4"), screen)
        XCTAssertTrue(table[1].hasPrefix("  node-0 "), screen)
        XCTAssertTrue(table[5].hasPrefix("▾ rack-b  2 hosts  OK 2"), screen)
        XCTAssertFalse(screen.contains(sim.names[0]), "the inventory's name is shown, not the facts':\n\(screen)")

        // A click on a host row selects it (the footer says which row), a double click opens it.
        try tmux.click(column: 4, line: 3 + 2)
        screen = tmux.waitFor("the click selects row 3") { self.footer($0).contains(" 3/8") }
        try tmux.wheel(down: true)
        screen = tmux.waitFor("the wheel moves three rows") { self.footer($0).contains(" 6/8") }
        try tmux.click(column: 4, line: 3 + 3, double: true)
        screen = tmux.waitFor("the detail of node-2") { $0.contains("Address") && $0.hasPrefix("node-2 ") }
        try tmux.send("Escape")
        tmux.waitFor("the table again") { $0.contains("group label") }

        // A double click on a group row folds it (Enter does the same).
        try tmux.click(column: 2, line: 3 + 5, double: true)
        screen = tmux.waitFor("rack-b folded") { $0.contains("▸ rack-b") }
        XCTAssertFalse(rows(screen).contains { $0.contains("node-4") }, screen)
        try tmux.send("Enter")
        tmux.waitFor("rack-b unfolded") { $0.contains("▾ rack-b") && $0.contains("node-5") }

        // g again: by fsid, then status, then none.
        try tmux.send("g")
        screen = tmux.waitFor("groups by fsid") { $0.contains("group fsid") }
        XCTAssertTrue(rows(screen)[0].hasPrefix("▾ "), screen)
        try tmux.send("g")
        screen = tmux.waitFor("groups by status") { $0.contains("group status") && $0.contains("▾ OK  6 hosts") }
        try tmux.send("g")
        screen = tmux.waitFor("no groups") { !$0.contains("↓  group ") }
        XCTAssertTrue(rows(screen)[0].hasPrefix("node-"), screen)

        // w writes the view as CSV and says where.
        try tmux.send("w")
        tmux.waitFor("the export prompt") { $0.contains("t text  c CSV") }
        try tmux.send("c")
        screen = tmux.waitFor("where the export went") { $0.contains("wrote 6 hosts to ") }
        let files = try FileManager.default.contentsOfDirectory(atPath: sim.tempDir).filter { $0.hasPrefix("fleet-hosts-") && $0.hasSuffix(".csv") }
        XCTAssertEqual(files.count, 1, screen)
        let csv = try String(contentsOfFile: sim.tempDir + "/" + (files.first ?? ""), encoding: .utf8)
        XCTAssertTrue(csv.hasPrefix("host,address,status,flapping,"), csv)
        XCTAssertEqual(csv.split(separator: "\n").count, 7, csv)

        // No key but q quits: Escape, Enter and friends leave the dashboard running.
        for key in ["Escape", "Enter", "BSpace", "e", "Escape", "?", "Escape", "x"] { try tmux.send(key) }
        try tmux.send("q")
        tmux.waitFor("the exit") { $0.contains("FLEET-EXITED=0") }
    }

    func test_no_mouse_leaves_clicks_to_the_terminal() throws {
        guard TmuxSession.available else { throw XCTSkip("tmux is not installed (make test installs it)") }
        let sim = try SimulatedFleetHarness(count: 6, behaviour: "healthy")
        let cmd = "\(TestPaths.fleet) --hosts \(sim.hostsPath) --config \(sim.configPath) --interval 1 --no-mouse; sleep 60"
        let tmux = try TmuxSession(command: cmd, columns: 100, lines: 24, dir: sim.tempDir)
        tmux.waitFor("every host OK") { $0.contains("OK 6") && self.footer($0).contains(" 1/6") }
        // Without mouse reporting the click is not a row selection; j then moves from the first row.
        try tmux.click(column: 4, line: 3 + 4)
        try tmux.send("j")
        let screen = tmux.waitFor("the cursor on row 2") { self.footer($0).contains(" 2/6") || self.footer($0).contains(" 6/6") }
        XCTAssertTrue(footer(screen).contains(" 2/6"), screen)
    }
}
