import Common
import XCTest
@testable import FleetTUI

/// Keys and mouse actions of the events view, grouping, export and the address column, run
/// through the layout as the dashboard does (key -> ViewState -> render -> next key).
final class DashboardKeysTests: XCTestCase {
    private let size = TerminalSize(columns: 100, lines: 20)

    private func step(_ fleet: FleetState, _ view: inout ViewState, _ keys: Key...) -> [ViewAction] {
        var actions: [ViewAction] = []
        view = DashboardLayout.render(fleet, view: view, size: size, context: RenderContext(now: StoryFleet.end)).view
        for key in keys {
            actions.append(view.handle(key))
            view = DashboardLayout.render(fleet, view: view, size: size, context: RenderContext(now: StoryFleet.end)).view
        }
        return actions
    }

    private func click(_ y: Int, double: Bool = false) -> Key {
        .mouse(MouseEvent(kind: double ? .doubleClick : .click, x: 3, y: y))
    }

    func test_no_key_but_q_ever_quits_and_q_quits_only_from_the_table() throws {
        let fleet = try StoryFleet.make()
        var keys: [Key] = [.up, .down, .pageUp, .pageDown, .home, .end, .enter, .escape, .backspace, .resize,
                           click(4), click(4, double: true), .mouse(MouseEvent(kind: .wheelDown, x: 0, y: 5))]
        for scalar in (0x20 as UInt32)...0x7E { keys.append(.char(Character(Unicode.Scalar(scalar)!))) }
        keys += [.char("\u{1B}"), .char("\u{7F}"), .char("é"), .char("東")]
        let modes: [(String, (inout ViewState) -> Void)] = [
            ("table", { _ in }), ("detail", { $0.mode = .detail }), ("events", { $0.mode = .events }),
            ("help", { $0.mode = .help }), ("filter", { $0.isEditingFilter = true }),
            ("events filter", { $0.mode = .events; $0.isEditingFilter = true }), ("export prompt", { $0.isChoosingExport = true }),
            ("grouped", { $0.groupBy = .label }),
        ]
        for (name, setUp) in modes {
            for key in keys {
                var v = ViewState()
                setUp(&v)
                let action = step(fleet, &v, key).first
                let quits = name == "table" || name == "grouped" ? key == .char("q") : false
                XCTAssertEqual(action == .quit, quits, "\(key) in \(name)")
            }
        }
    }

    func test_e_opens_the_events_list_and_enter_opens_the_events_host_and_escape_comes_back() throws {
        let fleet = try StoryFleet.make()
        var v = ViewState()
        XCTAssertEqual(step(fleet, &v, .char("e")), [.redraw])
        XCTAssertEqual(v.mode, .events)
        XCTAssertEqual(v.pageEvents.first?.host, 0)
        _ = step(fleet, &v, .down, .down)
        XCTAssertEqual(v.events.cursor, 2)
        XCTAssertEqual(v.selectedEvent, fleet.events.total - 3)
        _ = step(fleet, &v, .enter)
        XCTAssertEqual(v.mode, .detail)
        XCTAssertEqual(v.detailHost, 6, "the third newest event is ceph-node07's clock jump")
        _ = step(fleet, &v, .escape)
        XCTAssertEqual(v.mode, .events, "back where the detail was opened from")
        XCTAssertEqual(v.events.cursor, 2)
        _ = step(fleet, &v, .char("q"))
        XCTAssertEqual(v.mode, .table)
    }

    func test_the_events_filter_is_its_own_and_the_selection_stays_on_its_event_as_new_ones_arrive() throws {
        var fleet = try StoryFleet.make()
        var v = ViewState()
        v.filter = "node0"
        _ = step(fleet, &v, .char("e"), .char("/"), .char("d"), .char("o"), .char("w"), .char("n"), .enter)
        XCTAssertEqual(v.eventFilter, "down")
        XCTAssertEqual(v.filter, "node0", "the table's filter is untouched")
        XCTAssertEqual(v.events.rowCount, 3, "OK→DOWN, WAIT→DOWN, and DOWN→OK")
        _ = step(fleet, &v, .down)
        let selected = v.selectedEvent
        fleet.fold(Poll.failure(4, .refused("down again"), at: StoryFleet.end + 1))
        _ = step(fleet, &v)
        XCTAssertEqual(v.selectedEvent, selected)
        XCTAssertEqual(v.events.cursor, 2, "one newer event above it now")
    }

    func test_g_cycles_grouping_and_enter_on_a_group_row_folds_it() throws {
        let fleet = try StoryFleet.make()
        var v = ViewState()
        var seen: [GroupBy] = []
        for _ in 0..<4 {
            _ = step(fleet, &v, .char("g"))
            seen.append(v.groupBy)
        }
        XCTAssertEqual(seen, [.label, .fsid, .status, .none])
        _ = step(fleet, &v, .char("g"), .home)
        XCTAssertEqual(v.selectedGroup, "osd")
        XCTAssertNil(v.selectedHost, "a group header is selected")
        XCTAssertEqual(v.rowCount, 14, "4 groups, 10 host rows (two of the 8 hosts are in two groups)")
        XCTAssertEqual(step(fleet, &v, .enter), [.redraw])
        XCTAssertEqual(v.mode, .table)
        XCTAssertEqual(v.rowCount, 12, "osd folded")
        _ = step(fleet, &v, .enter)
        XCTAssertEqual(v.rowCount, 14, "and unfolded")
        _ = step(fleet, &v, .down, .enter)
        XCTAssertEqual(v.mode, .detail)
        XCTAssertEqual(v.detailHost, 5, "ceph-node06 is the worst osd host")
    }

    func test_a_host_in_two_groups_keeps_the_selected_row() throws {
        let fleet = try StoryFleet.make()
        var v = ViewState()
        v.groupBy = .label
        _ = step(fleet, &v, .home, .down, .down)
        XCTAssertEqual(v.selectedHost, 1)
        XCTAssertEqual(v.selectedGroup, "osd")
        _ = step(fleet, &v, .down, .down, .down, .down)
        XCTAssertEqual(v.selectedHost, 1, "ceph-node02 again, in rack1")
        XCTAssertEqual(v.selectedGroup, "rack1")
        XCTAssertEqual(v.cursor, 6)
        _ = step(fleet, &v)
        XCTAssertEqual(v.cursor, 6, "the next frame does not jump back to the first row with the host")
    }

    func test_a_click_on_a_column_title_sorts_by_it_and_a_second_click_reverses() throws {
        let fleet = try StoryFleet.make()
        var v = ViewState()
        _ = step(fleet, &v)
        let titleLine = DashboardLayout.headerLines - 1
        let latency = try XCTUnwrap(v.sortTitles.first { $0.sort == .latency })
        XCTAssertEqual(step(fleet, &v, .mouse(MouseEvent(kind: .click, x: latency.columns.lowerBound, y: titleLine))), [.redraw])
        XCTAssertEqual(v.sort, .latency)
        XCTAssertFalse(v.reversed)
        let frame = DashboardLayout.render(fleet, view: v, size: size, context: RenderContext(now: StoryFleet.end))
        XCTAssertTrue(frame.grid.rows[titleLine].text.contains("LAT/p95↓"), frame.grid.rows[titleLine].text)
        _ = step(fleet, &v, .mouse(MouseEvent(kind: .click, x: latency.columns.upperBound - 1, y: titleLine)))
        XCTAssertTrue(v.reversed, "the same title again reverses")
        _ = step(fleet, &v, .mouse(MouseEvent(kind: .click, x: 0, y: titleLine)))
        XCTAssertEqual(v.sort, .host)
        XCTAssertFalse(v.reversed)
        XCTAssertEqual(v.cursor, 0, "a title is not a row")
        let error = try XCTUnwrap(v.sortTitles.map(\.columns.upperBound).max())
        XCTAssertEqual(step(fleet, &v, .mouse(MouseEvent(kind: .click, x: error + 5, y: titleLine))), [.none],
                       "a title that does not sort (the error column) does nothing")
    }

    func test_clicks_select_double_clicks_open_and_the_wheel_moves() throws {
        let fleet = try StoryFleet.make()
        var v = ViewState()
        _ = step(fleet, &v, click(DashboardLayout.headerLines + 2))
        XCTAssertEqual(v.cursor, 2)
        XCTAssertEqual(v.selectedHost, 4, "third row: ceph-node05 (TLS)")
        XCTAssertEqual(step(fleet, &v, click(0)), [.none], "the header is not a row")
        XCTAssertEqual(step(fleet, &v, click(19)), [.none], "below the last row")
        _ = step(fleet, &v, .mouse(MouseEvent(kind: .wheelDown, x: 0, y: 5)))
        XCTAssertEqual(v.cursor, 5)
        _ = step(fleet, &v, .mouse(MouseEvent(kind: .wheelUp, x: 0, y: 5)), .mouse(MouseEvent(kind: .wheelUp, x: 0, y: 5)))
        XCTAssertEqual(v.cursor, 0)
        _ = step(fleet, &v, click(DashboardLayout.headerLines + 4, double: true))
        XCTAssertEqual(v.mode, .detail)
        XCTAssertEqual(v.detailHost, 1, "fifth row: ceph-node02")
        _ = step(fleet, &v, .mouse(MouseEvent(kind: .wheelDown, x: 0, y: 5)))
        XCTAssertEqual(v.detailScroll, 3, "the wheel scrolls the detail")

        v = ViewState()
        _ = step(fleet, &v, .char("e"), click(EventsLayout.titleLines + 1, double: true))
        XCTAssertEqual(v.mode, .detail)
        XCTAssertEqual(v.detailHost, 7, "second newest event: ceph-node08's first poll")
    }

    func test_a_double_click_is_two_clicks_on_one_line_within_the_interval() {
        var t = ClickTracker()
        XCTAssertEqual(t.click(x: 1, y: 5, at: 10).kind, .click)
        XCTAssertEqual(t.click(x: 9, y: 5, at: 10.3).kind, .doubleClick)
        XCTAssertEqual(t.click(x: 1, y: 5, at: 10.4).kind, .click, "a third click starts over")
        XCTAssertEqual(t.click(x: 1, y: 6, at: 10.5).kind, .click, "another line")
        XCTAssertEqual(t.click(x: 1, y: 6, at: 11.0).kind, .click, "too late")
        XCTAssertEqual(t.click(x: 1, y: 6, at: 10.9).kind, .click, "time going backwards is not a double click")
    }

    func test_a_toggles_the_address_column() throws {
        let fleet = try StoryFleet.make()
        var v = ViewState()
        _ = step(fleet, &v, .char("a"))
        XCTAssertTrue(v.showAddress)
        let grid = DashboardLayout.render(fleet, view: v, size: size, context: RenderContext(now: StoryFleet.end)).grid
        XCTAssertTrue(grid.rows[2].text.hasPrefix("HOST        ADDRESS          STATUS"), grid.rows[2].text)
        XCTAssertTrue(grid.rows[3].text.hasPrefix("ceph-node03 10.0.0.3:9443    DOWN"), grid.rows[3].text)
    }

    func test_w_asks_text_or_csv_and_any_other_key_cancels() throws {
        let fleet = try StoryFleet.make()
        var v = ViewState()
        XCTAssertEqual(step(fleet, &v, .char("w")), [.redraw])
        let grid = DashboardLayout.render(fleet, view: v, size: size, context: RenderContext(now: StoryFleet.end)).grid
        XCTAssertEqual(grid.text().split(separator: "\n").last, "write this view as: t text  c CSV  (any other key cancels)")
        XCTAssertEqual(step(fleet, &v, .char("c")), [.export(.csv)])
        XCTAssertEqual(step(fleet, &v, .char("w"), .char("t")), [.redraw, .export(.text)])
        XCTAssertEqual(step(fleet, &v, .char("w"), .char("q")), [.redraw, .redraw], "q cancels the prompt, it does not quit")
        XCTAssertEqual(v.notice, "export cancelled")
        XCTAssertEqual(step(fleet, &v, .char("z")), [.redraw], "the next key clears the notice")
        XCTAssertNil(v.notice)
    }
}
