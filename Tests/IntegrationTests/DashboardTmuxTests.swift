import Foundation
import XCTest

/// The dashboard as a user sees it: in tmux against a simulated fleet.
final class DashboardTmuxTests: XCTestCase {
    func test_dashboard_shows_counts_and_rows_and_reacts_to_keys() throws {
        guard TmuxSession.available else { throw XCTSkip("tmux is not installed (make test installs it)") }
        let sim = try SimulatedFleetHarness(count: 12, seed: 9)
        let expectedAuth = sim.count(of: "wrong-token")
        XCTAssertGreaterThan(expectedAuth, 0, "seed 9 gives a host with the wrong token, for the filter below")
        let cmd = "\(TestPaths.fleet) --hosts \(sim.hostsPath) --config \(sim.configPath) --interval 1; echo FLEET-EXITED=$?; sleep 60"
        let tmux = try TmuxSession(command: cmd, dir: sim.tempDir)

        // Header counts and one row per host once every host has answered.
        var screen = tmux.waitFor("the first full sweep") { $0.contains("AUTH \(expectedAuth)") && $0.contains("sweep ") && !$0.contains("WAIT") }
        XCTAssertTrue(screen.contains("HOST"), screen)
        let firstRowStatus = screen.split(separator: "\n")[3]
        XCTAssertFalse(firstRowStatus.contains(" OK "), "worst status sorts first by default:\n\(screen)")
        // Names from facts: a host that answered shows the hostname its facts report, not its address.
        let healthy = try XCTUnwrap(sim.behaviours.firstIndex(of: "healthy"))
        screen = tmux.waitFor("the names from facts") { $0.contains(sim.names[healthy] + " ") }
        XCTAssertFalse(tableRows(screen).contains { $0.contains(sim.endpoints[healthy]) }, screen)

        // Sort by host name.
        try tmux.send("s")
        screen = tmux.waitFor("sort by host") { $0.contains("sort host") }
        let shownNames = tableRows(screen).map { String($0.split(separator: " ").first ?? "") }
        XCTAssertEqual(shownNames, shownNames.sorted { $0.lowercased() < $1.lowercased() }, screen)
        XCTAssertEqual(shownNames.count, 12, screen)

        // Filter on a status: only AUTH rows remain.
        try tmux.send("/")
        try tmux.send("-l", "AUTH")
        try tmux.send("Enter")
        screen = tmux.waitFor("filtered rows") { $0.contains("filter \"AUTH\"") }
        let rows = tableRows(screen)
        XCTAssertEqual(rows.count, expectedAuth, screen)
        XCTAssertTrue(rows.allSatisfy { $0.contains("AUTH") }, screen)
        try tmux.send("Escape")
        screen = tmux.waitFor("the filter cleared") { !$0.contains("filter \"") && self.tableRows($0).count == 12 }

        // Detail view of the selected host, and back.
        try tmux.send("Home")
        try tmux.send("Enter")
        screen = tmux.waitFor("the detail view") { $0.contains("Address") && $0.contains("Esc back") }
        try tmux.send("Escape")
        tmux.waitFor("the table again") { $0.contains("STATUS") }

        // Help, and back.
        try tmux.send("?")
        tmux.waitFor("the help view") { $0.lowercased().contains("keys") && $0.contains("quit") }
        try tmux.send("Escape")
        tmux.waitFor("the table again") { $0.contains("STATUS") }

        // A narrow terminal re-lays the table out.
        try tmux.resize(columns: 60, lines: 20)
        screen = tmux.waitFor("the narrow layout") { s in
            s.split(separator: "\n").allSatisfy { $0.count <= 60 } && s.contains(sim.names[healthy])
        }
        try tmux.resize(columns: 120, lines: 32)

        // q quits, and the shell prompt comes back to a normal screen.
        try tmux.send("q")
        screen = tmux.waitFor("the exit") { $0.contains("FLEET-EXITED=0") }
        XCTAssertFalse(screen.contains("STATUS"), "the dashboard must leave the terminal as it found it:\n\(screen)")
    }

    /// Every poll keeps only a summary of each host; opening the detail view asks that host at
    /// once and shows its facts, long before the next poll (the interval here is a minute).
    func test_the_detail_view_asks_the_exporter_for_the_facts_when_it_opens() throws {
        guard TmuxSession.available else { throw XCTSkip("tmux is not installed (make test installs it)") }
        let sim = try SimulatedFleetHarness(count: 1, behaviour: "healthy")
        let cmd = "\(TestPaths.fleet) --hosts \(sim.hostsPath) --config \(sim.configPath) --interval 60; sleep 60"
        let tmux = try TmuxSession(command: cmd, dir: sim.tempDir)
        tmux.waitFor("the dashboard") { $0.contains("STATUS") }
        try tmux.send("r")
        var screen = tmux.waitFor("the first poll") { $0.contains("OK 1") && $0.contains(sim.names[0] + " ") }
        XCTAssertFalse(screen.contains("Hardware"), screen)
        try tmux.send("Enter")
        screen = tmux.waitFor("the facts in the detail view", timeout: 20) { $0.contains("Esc back") && $0.contains("Hardware") }
        XCTAssertTrue(screen.contains("CPU"), screen)
        XCTAssertFalse(screen.contains("asking the exporter"), screen)
    }

    /// The host rows of a table screen: below the three header lines, above the footer.
    func tableRows(_ screen: String) -> [Substring] {
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
        // The footer is the last line with text (capture-pane may end with empty lines).
        guard let footer = lines.lastIndex(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }), footer > 3 else { return [] }
        return lines[3..<footer].filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
    }

    func test_sigterm_restores_the_terminal() throws {
        guard TmuxSession.available else { throw XCTSkip("tmux is not installed (make test installs it)") }
        let sim = try SimulatedFleetHarness(count: 2, behaviour: "healthy")
        let cmd = "\(TestPaths.fleet) --hosts \(sim.hostsPath) --config \(sim.configPath) & P=$!; sleep 2; kill -TERM $P; wait $P; echo FLEET-EXITED=$?; stty -a | grep -o ' echo ' ; echo STTY-DONE; sleep 60"
        let tmux = try TmuxSession(command: cmd, dir: sim.tempDir)
        // Wait for stty's answer too: under load the capture can come between the two lines.
        let screen = tmux.waitFor("the exit after SIGTERM", timeout: 15) { $0.contains("STTY-DONE") }
        XCTAssertTrue(screen.contains("FLEET-EXITED=0"), screen)
        XCTAssertTrue(screen.split(separator: "\n").contains { $0.trimmingCharacters(in: .whitespaces) == "echo" }, "echo must be back on after the dashboard exits:\n\(screen)")
    }

    func test_without_a_terminal_the_dashboard_says_so_and_exits_2() throws {
        let sim = try SimulatedFleetHarness(count: 1, behaviour: "healthy")
        let r = try sim.fleet(["--hosts", sim.hostsPath, "--config", sim.configPath])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("the dashboard needs a terminal"), r.stderr)
        XCTAssertTrue(r.stderr.contains("fleet check"), r.stderr)
    }

    func test_status_cells_are_coloured_by_threshold_and_no_color_turns_colours_off() throws {
        guard TmuxSession.available else { throw XCTSkip("tmux is not installed (make test installs it)") }
        let sim = try SimulatedFleetHarness(count: 12, seed: 9)
        XCTAssertGreaterThan(sim.count(of: "wrong-token"), 0)
        let base = "\(TestPaths.fleet) --hosts \(sim.hostsPath) --config \(sim.configPath) --interval 1"
        let green = "\u{1B}[32m", red = "\u{1B}[31m"

        let coloured = try TmuxSession(command: base, dir: sim.tempDir)
        coloured.waitFor("every host answered") { !$0.contains("WAIT") && $0.contains("AUTH") }
        let escaped = try coloured.run(["capture-pane", "-p", "-e"])
        let authRow = try XCTUnwrap(escaped.split(separator: "\n").first { $0.contains("AUTH ") && $0.contains("127.0.0.1:") })
        XCTAssertTrue(authRow.contains(red), "AUTH is drawn in red: \(authRow.debugDescription)")
        let okRow = try XCTUnwrap(escaped.split(separator: "\n").last {
            $0.contains("OK ") && $0.contains("ceph-") && !$0.contains("AUTH") && !$0.contains("DEGRADED")
        })
        XCTAssertTrue(okRow.contains(green), "OK is drawn in green: \(okRow.debugDescription)")
        // Per cell, not per row: the host name of an OK row is not green.
        XCTAssertFalse(okRow.hasPrefix(green), okRow.debugDescription)

        let mono = try TmuxSession(command: base + " --no-color", dir: sim.tempDir)
        mono.waitFor("every host answered") { !$0.contains("WAIT") && $0.contains("AUTH") }
        let plain = try mono.run(["capture-pane", "-p", "-e"])
        for colour in 31...36 { XCTAssertFalse(plain.contains("\u{1B}[\(colour)m"), "--no-color must not colour (\(colour))") }
    }
}
