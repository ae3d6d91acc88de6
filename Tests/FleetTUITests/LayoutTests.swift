import Common
import XCTest
@testable import FleetTUI

final class LayoutTests: XCTestCase {
    private let context = RenderContext(now: Clock.now + 3)

    private func render(_ fleet: FleetState, _ view: ViewState = ViewState(), _ columns: Int, _ lines: Int) -> RenderedFrame {
        let frame = DashboardLayout.render(fleet, view: view, size: TerminalSize(columns: columns, lines: lines), context: context)
        assertFits(frame.grid)
        return frame
    }

    /// Every frame: exactly `lines` rows, none wider than `columns`, cell widths honest.
    private func assertFits(_ grid: ScreenGrid, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(grid.rows.count, grid.size.lines, file: file, line: line)
        for (n, row) in grid.rows.enumerated() {
            XCTAssertLessThanOrEqual(row.width, grid.size.columns, "row \(n): \(row.text)", file: file, line: line)
            for cell in row.cells {
                XCTAssertEqual(cell.width, DisplayWidth.of(cell.text), file: file, line: line)
            }
        }
    }

    private func assertSnapshot(_ grid: ScreenGrid, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        let actual = grid.text()
        guard actual != expected else { return }
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        var diff = ""
        for i in 0..<max(a.count, e.count) {
            let al = i < a.count ? String(a[i]) : "<none>"
            let el = i < e.count ? String(e[i]) : "<none>"
            if al != el { diff += "line \(i + 1):\n  expected: \(el)\n  actual:   \(al)\n" }
        }
        XCTFail("snapshot differs:\n\(diff)\nfull actual:\n\(actual)", file: file, line: line)
    }

    private func completedFleet() throws -> FleetState {
        var fleet = try SampleFleet.make()
        fleet.fold(Poll.response(7, body: try MetadataBody.healthy(age: 1, facts: Fixture.facts(try Fixture.rhelFacts(), named: "ceph-node08")).bytes, at: Clock.now + 0.5, latency: 0.0008))
        return fleet
    }

    func test_table_at_120x30() throws {
        var view = ViewState()
        view.cursor = 1
        let frame = render(try SampleFleet.make(), view, 120, 30)
        assertSnapshot(frame.grid, """
            prod-east  fsid dbb88f95-1cd6-482a-a735-23c832ee7795  8 hosts                                              ?:help q:quit
            OK 1  DEGRADED 2  DOWN 1  AUTH 1  TLS 1  BAD 1  WAIT 1  every 5s
            HOST        STATUS↓   DAEMONS   DISKS     FACTS     LAT/p95     SKEW   ERROR
            ceph-node03 DOWN      -         -         -         -                - connection refused: connect 10.0.0.3:9443: Conne…
            ceph-node04 AUTH      -         -         -         3.0ms/3.0ms  +0.5s HTTP 401: the exporter rejected the token
            ceph-node05 TLS       -         -         -         -                - TLS: certificate verify failed
            ceph-node06 BAD       -         -         -         6.0ms/6.0ms  +0.5s metadata body is not JSON: invalid JSON at byte …
            ceph-node02 DEGRADED  ● 8s      ✖ stopped ● 8s        12ms/12ms  +1.5s disks inactive (disks: RuntimeError exception: F…
            ceph-node07 DEGRADED  ● 1m      ● 1m      ● 4s      250ms/250ms   -40s daemons data 1m old; disks data 1m old
            ceph-node08 WAIT      -         -         -         -                -
            ceph-node01 OK        ● 5s      ● 5s      ● 5s      4.0ms/4.0ms  +0.5s


















            sort status ↓  2/8                                                     / filter  s sort  g group  e events  Enter detail
            """)
        XCTAssertEqual(frame.view.selectedHost, 3, "cursor 1 is ceph-node04")
    }

    func test_table_at_80x24_after_a_full_sweep() throws {
        let frame = render(try completedFleet(), ViewState(), 80, 24)
        assertSnapshot(frame.grid, """
            prod-east  fsid dbb88f95-1cd6-482a-a735-23c832ee7795  8 hosts      ?:help q:quit
            OK 2  DEGRADED 2  DOWN 1  AUTH 1  TLS 1  BAD 1   sweep 0.5s  16 polls/s  ▇
            HOST        STATUS↓   DAEMONS   DISKS     FACTS     LAT/p95     ERROR
            ceph-node03 DOWN      -         -         -         -           connection refu…
            ceph-node04 AUTH      -         -         -         3.0ms/3.0ms HTTP 401: the e…
            ceph-node05 TLS       -         -         -         -           TLS: certificat…
            ceph-node06 BAD       -         -         -         6.0ms/6.0ms metadata body i…
            ceph-node02 DEGRADED  ● 8s      ✖ stopped ● 8s        12ms/12ms disks inactive …
            ceph-node07 DEGRADED  ● 1m      ● 1m      ● 4s      250ms/250ms daemons data 1m…
            ceph-node01 OK        ● 5s      ● 5s      ● 5s      4.0ms/4.0ms
            ceph-node08 OK        ● 3s      ● 3s      ● 3s      0.8ms/0.8ms












            sort status ↓  1/8             / filter  s sort  g group  e events  Enter detail
            """)
    }

    func test_table_at_40x15_keeps_status_and_task_glyphs() throws {
        let frame = render(try SampleFleet.make(), ViewState(), 40, 15)
        assertSnapshot(frame.grid, """
            prod-east  fsid dbb88f95…  8 hosts
            OK 1 DEG 2 DOWN 1 AUTH 1 TLS 1 BAD 1
            HOST        STATUS↓   DMN   DSK   FCT
            ceph-node03 DOWN      -     -     -
            ceph-node04 AUTH      -     -     -
            ceph-node05 TLS       -     -     -
            ceph-node06 BAD       -     -     -
            ceph-node02 DEGRADED  ● 8s  ✖     ● 8s
            ceph-node07 DEGRADED  ● 1m  ● 1m  ● 4s
            ceph-node08 WAIT      -     -     -
            ceph-node01 OK        ● 5s  ● 5s  ● 5s



            sort status ↓  1/8              e events
            """)
    }

    func test_detail_view_of_a_degraded_host() throws {
        var view = ViewState()
        view.selectedHost = 1
        view.mode = .detail
        let frame = render(try SampleFleet.make(), view, 90, 30)
        assertSnapshot(frame.grid, """
            ceph-node02  ceph-node02:9443  DEGRADED                                Esc back  ↑↓ scroll
            Poll      HTTP 206  latency 12ms (p50 12ms, p95 12ms over 1)  clock skew +1.5s
                      polled 22:23:20, 1 poll, 0 failed in a row, last success 22:23:20
            Problem   disks inactive (disks: RuntimeError exception: Failed command: /usr/bin/podman …
            Address   ceph-node02:9443
            Latency   █  12ms over 1 poll
            Data age  █  5s over 1 poll

            Events    22:23:20 WAIT→DEGRADED  disks inactive (disks: RuntimeError exception: Failed c…

            Exporter  started 22:13:20 (up 10m)  http_server active  no task_detail (Pacific)
            Errors    disks stopped at 2023/11/14 22:20:01

            Tasks     TASK    STATE    AGE   EVERY SCRAPED  TOOK   RESTARTS FAILS LAST OK  ERRORS
                      daemons active   8s    20s   22:23:16 0.8s   -        -     -        0
                      disks   inactive -     20s   -        -      -        -     -        1
                      host    active   8s    5s    22:23:16 4ms    -        -     -        0
            Scraping  disks: RuntimeError exception: Failed command: /usr/bin/podman run ceph-volume

            Host      ceph-node02 · Red Hat Enterprise Linux 8.3 (Ootpa) · kernel 4.18.0-240.10.1.el8…
            Hardware  Ceph Servers Inc StorageHeavy
            CPU       Intel® Xeon® Processor E5-2698 v3 · 2 sockets × 16 cores · 64 threads · load 0.…
            Memory    31.4 GiB total · 18.6 GiB available · up 9d
            Disks     4 HDD (16.0TB) · 2 flash (4.0TB)
            NICs      3 physical
                      eth0  10.7.17.1/24  1000Mb/s  mtu 9000  up
                      eth1  10.7.18.1/24  1000Mb/s  mtu 9000  up
                      eth2  10.7.19.1/24  1000Mb/s  mtu 1500  up
            Security  SELinux: Enabled(enforcing, targeted)
            lines 1-28 of 30                                              w export  q/Esc back  ? help
            """)
        XCTAssertEqual(frame.view.detailLineCount, 30)
    }

    func test_help_view() throws {
        var view = ViewState()
        view.mode = .help
        let frame = render(try SampleFleet.make(), view, 80, 24)
        assertSnapshot(frame.grid, """
            fleet — keys
            Table
             ↑ ↓  j k        move the selection
             PgUp PgDn       move a page
             Home End  G     first / last row
             Enter           details of the selected host; on a group row: fold / unfold it
             s  S            sort by the next column (status, host, age, latency, skew) / r…
             /               filter by name, address or status (Enter keeps, Esc clears)
             g               group by: none, label, fsid, status
             a               show / hide the ADDRESS column
             e               events: every status change, newest first
             w               write this view to a file: t text, c CSV
             p               pause or resume polling
             + -             poll less or more often
             r               poll every host now
             ?               this help
             q               quit (the only key that does)
            Events
             ↑ ↓ PgUp PgDn   move
             Enter           details of the event's host (Esc comes back here)
             /               filter by host, address, status or cause
             w               write the listed events to a file
             q  Esc  e       back to the table
            lines 1-22 of 42  ↑↓ scroll                                           q/Esc back
            """)
    }

    // MARK: - Styles and behaviour

    private func cell(_ row: ScreenRow, containing text: String) -> ScreenCell? {
        row.cells.first { $0.text.contains(text) }
    }

    func test_rows_are_coloured_by_status_and_threshold() throws {
        let grid = render(try SampleFleet.make(), ViewState(), 120, 30).grid
        let down = grid.rows[3], degraded = grid.rows[7], stale = grid.rows[8], ok = grid.rows[10]
        XCTAssertEqual(cell(down, containing: "DOWN")?.style.role, .crit)
        XCTAssertEqual(cell(down, containing: "connection refused")?.style.role, .crit)
        XCTAssertEqual(cell(degraded, containing: "DEGRADED")?.style.role, .warn)
        XCTAssertEqual(cell(degraded, containing: "✖ stopped")?.style.role, .crit)
        XCTAssertEqual(cell(degraded, containing: "disks inactive")?.style.role, .warn)
        XCTAssertEqual(cell(stale, containing: "● 1m")?.style.role, .warn, "older than 3 x 20 s")
        XCTAssertEqual(cell(stale, containing: "● 4s")?.style.role, .ok)
        XCTAssertEqual(cell(stale, containing: "-40s")?.style.role, .crit, "skew beyond 30 s")
        XCTAssertEqual(cell(ok, containing: "OK")?.style.role, .ok)
        XCTAssertEqual(cell(ok, containing: "● 5s")?.style.role, .ok)
        XCTAssertEqual(cell(grid.rows[2], containing: "HOST")?.style, CellStyle(role: .header, bold: true))
    }

    func test_selected_row_is_reversed_across_the_whole_width() throws {
        var view = ViewState()
        view.cursor = 2
        let grid = render(try SampleFleet.make(), view, 120, 30).grid
        let selected = grid.rows[3 + 2]
        XCTAssertEqual(selected.width, 120)
        XCTAssertTrue(selected.cells.allSatisfy { $0.style.reverse })
        XCTAssertEqual(cell(selected, containing: "TLS")?.style.role, .crit)
        XCTAssertFalse(grid.rows[3].cells.contains { $0.style.reverse })
    }

    func test_ages_keep_growing_between_polls_and_turn_yellow_when_stale() throws {
        let fleet = try SampleFleet.make()
        let later = DashboardLayout.render(fleet, view: ViewState(), size: TerminalSize(columns: 120, lines: 30),
                                           context: RenderContext(now: Clock.now + 20)).grid
        let ok = later.rows[10]
        XCTAssertTrue(ok.text.contains("● 22s"), ok.text)
        // daemons and disks refresh every 20 s (stale after 60 s); host every 5 s (stale after 15 s).
        XCTAssertEqual(ok.cells.filter { $0.text.contains("● 22s") }.map(\.style.role), [.ok, .ok, .warn])
    }

    func test_filter_editing_shows_in_the_footer_and_narrows_the_rows() throws {
        var view = ViewState()
        _ = view.handle(.char("/"))
        for c in "node0" { _ = view.handle(.char(c)) }
        _ = view.handle(.char("1"))
        let frame = render(try SampleFleet.make(), view, 80, 12)
        XCTAssertEqual(frame.view.rowCount, 1)
        XCTAssertTrue(frame.grid.rows[3].text.hasPrefix("ceph-node01 OK"))
        XCTAssertEqual(frame.grid.text().split(separator: "\n", omittingEmptySubsequences: false).last,
                       "filter: node01_  (1/8)  Enter keep  Esc clear")

        view.filter = "nothing-like-this"
        let empty = render(try SampleFleet.make(), view, 80, 12)
        XCTAssertEqual(empty.grid.rows[3].text, "no host matches the filter")
        XCTAssertNil(empty.view.selectedHost)
    }

    func test_paused_is_shown_in_the_title() throws {
        var view = ViewState()
        view.paused = true
        let grid = render(try SampleFleet.make(), view, 120, 10).grid
        XCTAssertEqual(cell(grid.rows[0], containing: "PAUSED")?.style, CellStyle(role: .warn, bold: true, reverse: true))
    }

    func test_scrolling_keeps_the_cursor_visible() throws {
        let many = (1...40).map { String(format: "host-%02d", $0) }
        let fleet = FleetState(hosts: testHosts(many))
        var view = ViewState()
        var frame = render(fleet, view, 80, 14)  // 10 table rows
        XCTAssertEqual(frame.view.pageRows, 10)
        view = frame.view
        _ = view.handle(.end)
        frame = render(fleet, view, 80, 14)
        XCTAssertEqual(frame.view.cursor, 39)
        XCTAssertEqual(frame.view.scroll, 30)
        XCTAssertTrue(frame.grid.rows[3].text.hasPrefix("host-31"))
        XCTAssertTrue(frame.grid.rows[12].text.hasPrefix("host-40"))
        XCTAssertTrue(frame.grid.rows[13].text.contains("40/40"))
        view = frame.view
        _ = view.handle(.pageUp)
        frame = render(fleet, view, 80, 14)
        XCTAssertEqual(frame.view.cursor, 29)
        XCTAssertEqual(frame.view.scroll, 29)
    }

    func test_detail_scroll_moves_the_window_and_the_footer_says_where() throws {
        var view = ViewState()
        view.selectedHost = 1
        view.mode = .detail
        var frame = render(try SampleFleet.make(), view, 90, 12)
        XCTAssertEqual(frame.view.textPage, 10)
        view = frame.view
        _ = view.handle(.end)
        frame = render(try SampleFleet.make(), view, 90, 12)
        XCTAssertEqual(frame.view.detailScroll, 20)
        XCTAssertTrue(frame.grid.rows[11].text.hasPrefix("lines 21-30 of 30"), frame.grid.rows[11].text)
        XCTAssertTrue(frame.grid.rows[1].text.hasPrefix("CPU       Intel"), frame.grid.rows[1].text)
    }

    func test_detail_of_a_host_never_answered_says_so() throws {
        var view = ViewState()
        view.selectedHost = 7
        view.mode = .detail
        let text = render(try SampleFleet.make(), view, 80, 10).grid.text()
        XCTAssertTrue(text.contains("Poll      not polled yet"), text)
        XCTAssertTrue(text.contains("No metadata received from this exporter yet."), text)
    }

    func test_detail_after_a_failure_keeps_the_last_facts() throws {
        var fleet = try SampleFleet.make()
        fleet.fold(Poll.failure(0, .timeout("no answer in 2s"), at: Clock.now + 5))
        var view = ViewState()
        view.selectedHost = 0
        view.mode = .detail
        let text = render(fleet, view, 100, 40).grid.text()
        XCTAssertTrue(text.contains("Problem   timeout: no answer in 2s"), text)
        XCTAssertTrue(text.contains("The data below is from the last successful poll."), text)
        XCTAssertTrue(text.contains("Host      ceph-node01 · Red Hat Enterprise Linux 8.3"), text)
    }

    func test_a_tiny_terminal_gets_a_message_not_a_crash() throws {
        let frame = render(try SampleFleet.make(), ViewState(), 19, 5)
        XCTAssertEqual(frame.grid.text(), "terminal too small\n\n\n\n")
    }

    func test_columns_drop_in_order_as_the_terminal_narrows() {
        func titles(_ width: Int) -> [String] {
            TableColumns.fit(width: width, longestName: 11).columns.map(\.column.title)
        }
        XCTAssertEqual(titles(200), ["HOST", "STATUS", "DAEMONS", "DISKS", "FACTS", "LAT/p95", "SKEW", "ERROR"])
        XCTAssertEqual(titles(80), ["HOST", "STATUS", "DAEMONS", "DISKS", "FACTS", "LAT/p95", "ERROR"])
        XCTAssertEqual(titles(70), ["HOST", "STATUS", "DAEMONS", "DISKS", "FACTS", "ERROR"])
        XCTAssertEqual(titles(63), ["HOST", "STATUS", "DAEMONS", "DISKS", "FACTS", "LAT/p95"])
        XCTAssertEqual(titles(55), ["HOST", "STATUS", "DAEMONS", "DISKS", "FACTS"])
        XCTAssertEqual(titles(40), ["HOST", "STATUS", "DMN", "DSK", "FCT"])
        XCTAssertEqual(titles(30), ["HOST", "STATUS", "DMN", "DSK"])
        XCTAssertEqual(titles(20), ["HOST", "STATUS"])
        for width in 1...200 {
            let cols = TableColumns.fit(width: width, longestName: 11).columns
            let total = cols.reduce(0) { $0 + $1.width } + cols.count - 1
            XCTAssertLessThanOrEqual(total, max(width, 1), "width \(width)")
        }
    }

    func test_long_and_wide_host_names_are_truncated_by_display_width() throws {
        let names = ["ストレージノード-01.東京.example", String(repeating: "very-long-name-", count: 4),
                     "a" + String(repeating: "東京", count: 6)]
        var fleet = FleetState(hosts: testHosts(names))
        fleet.fold(Poll.failure(0, .refused("x")))
        fleet.fold(Poll.failure(2, .refused("x")))
        // 60 columns: the name column gets 20 (the task columns keep their words). DOWN first, by name.
        let grid = render(fleet, ViewState(), 60, 8).grid
        // A wide character that does not fit leaves one column of padding, not a broken glyph.
        XCTAssertEqual(grid.rows[3].cells[0].text, "a東京東京東京東京東…")
        XCTAssertEqual(grid.rows[3].cells[0].width, 20)
        XCTAssertEqual(grid.rows[4].cells[0].text, "ストレージノード-01…")
        XCTAssertEqual(grid.rows[4].cells[0].width, 20)
        XCTAssertEqual(grid.rows[5].cells[0].text, "very-long-name-very…")
        // Wide terminals give names up to 28 columns.
        let wide = render(fleet, ViewState(), 140, 8).grid
        XCTAssertEqual(wide.rows[4].cells[0].text, "ストレージノード-01.東京.ex…")
        XCTAssertEqual(wide.rows[4].cells[0].width, 28)
    }

    func test_display_width_counts_wide_and_zero_width_characters() {
        XCTAssertEqual(DisplayWidth.of("abc"), 3)
        XCTAssertEqual(DisplayWidth.of("● ✖ … ▲ ↓"), 9)
        XCTAssertEqual(DisplayWidth.of("東京"), 4)
        XCTAssertEqual(DisplayWidth.of("e\u{301}"), 1)
        XCTAssertEqual(DisplayWidth.of("🚀"), 2)
        XCTAssertEqual(DisplayWidth.truncate("東京都", to: 4), "東…")
        XCTAssertEqual(DisplayWidth.fit("ab", to: 4, alignRight: true), "  ab")
        var line = RowBuilder(width: 40)
        line.add("a\u{1B}[31mb\u{9B}c\u{202E}d")
        XCTAssertEqual(line.row.cells.map(\.text), [#"a\x1b[31mb\x9bc\u{202e}d"#], "a cell never carries a control character")
    }

    func test_five_thousand_hosts_lay_out_only_the_visible_rows() throws {
        let names = (0..<5000).map { "ceph-\($0)" }
        var fleet = FleetState(hosts: testHosts(names))
        let body = try MetadataBody.healthy().bytes
        for i in stride(from: 0, to: 5000, by: 7) { fleet.fold(Poll.response(i, body: body, latency: 0.001 * Double(i % 50))) }
        for i in stride(from: 3, to: 5000, by: 11) { fleet.fold(Poll.failure(i, .timeout("x"))) }
        var cache = LayoutCache()
        var view = ViewState()
        var frame = DashboardLayout.render(fleet, view: view, size: TerminalSize(columns: 120, lines: 40), context: context,
                                           cache: &cache)
        assertFits(frame.grid)
        XCTAssertEqual(frame.view.rowCount, 5000)
        XCTAssertEqual(frame.grid.rows.count, 40)
        XCTAssertTrue(frame.grid.rows[3].text.contains("DOWN"))
        view = frame.view
        _ = view.handle(.end)
        frame = DashboardLayout.render(fleet, view: view, size: TerminalSize(columns: 120, lines: 40), context: context,
                                       cache: &cache)
        XCTAssertEqual(frame.view.scroll, 5000 - 36)
        XCTAssertTrue(frame.grid.rows[38].text.contains("OK"), frame.grid.rows[38].text)
    }

    func test_detail_shows_supervisor_task_detail_when_the_exporter_sends_it() throws {
        var body = try MetadataBody.healthy()
        body.taskDetail = ["host": ["interval_secs": 10, "restarts": 2, "consecutive_failures": 0,
                                    "last_success_epoch_secs": .double(Clock.now - 2)],
                           "daemons": ["interval_secs": 30, "restarts": 0, "consecutive_failures": 3,
                                       "last_success_epoch_secs": nil],
                           "disks": ["interval_secs": 60, "restarts": 0, "consecutive_failures": 0,
                                     "last_success_epoch_secs": .double(Clock.now - 2)]]
        var fleet = FleetState(hosts: testHosts(["ours"]))
        fleet.fold(Poll.response(0, body: body.bytes))
        var view = ViewState()
        view.mode = .detail
        let text = render(fleet, view, 100, 20).grid.text()
        XCTAssertTrue(text.contains("supervisor details: yes"), text)
        XCTAssertTrue(text.contains("daemons active   5s    30s   22:23:18 0.8s   0        3     -        0"), text)
        XCTAssertTrue(text.contains("host    active   5s    10s   22:23:18 4ms    2        0     22:23:18 0"), text)
    }
}
