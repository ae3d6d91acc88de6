import XCTest
@testable import FleetTUI

final class KeyHandlingTests: XCTestCase {
    private func table(rows: Int = 50, page: Int = 10) -> ViewState {
        var v = ViewState()
        v.rowCount = rows
        v.pageRows = page
        return v
    }

    func test_arrows_and_vi_keys_move_within_bounds() {
        var v = table()
        XCTAssertEqual(v.handle(.up), .none, "already at the top")
        XCTAssertEqual(v.handle(.down), .redraw)
        XCTAssertEqual(v.handle(.char("j")), .redraw)
        XCTAssertEqual(v.cursor, 2)
        XCTAssertNil(v.selectedHost, "the next layout picks the host under the cursor")
        XCTAssertEqual(v.handle(.char("k")), .redraw)
        XCTAssertEqual(v.cursor, 1)
    }

    func test_page_home_and_end_keys() {
        var v = table()
        _ = v.handle(.pageDown)
        XCTAssertEqual(v.cursor, 10)
        _ = v.handle(.end)
        XCTAssertEqual(v.cursor, 49)
        XCTAssertEqual(v.handle(.pageDown), .none)
        _ = v.handle(.pageUp)
        XCTAssertEqual(v.cursor, 39)
        _ = v.handle(.home)
        XCTAssertEqual(v.cursor, 0)
        _ = v.handle(.char("G"))
        XCTAssertEqual(v.cursor, 49)
        _ = v.handle(.char("g"))
        XCTAssertEqual(v.cursor, 49, "g groups the table; it does not move")
        XCTAssertEqual(v.groupBy, .label)
    }

    func test_moving_in_an_empty_table_does_nothing() {
        var v = table(rows: 0)
        XCTAssertEqual(v.handle(.down), .none)
        XCTAssertEqual(v.handle(.end), .none)
        XCTAssertEqual(v.handle(.enter), .none, "no host to show")
        XCTAssertEqual(v.mode, .table)
    }

    func test_s_cycles_the_sort_column_and_S_reverses() {
        var v = table()
        XCTAssertEqual(v.sort, .status)
        var seen: [SortColumn] = []
        for _ in 0..<5 {
            XCTAssertEqual(v.handle(.char("s")), .redraw)
            seen.append(v.sort)
        }
        XCTAssertEqual(seen, [.host, .age, .latency, .skew, .status])
        _ = v.handle(.char("S"))
        XCTAssertTrue(v.reversed)
        _ = v.handle(.char("s"))
        XCTAssertFalse(v.reversed, "a new column starts in its natural order")
    }

    func test_slash_edits_the_filter_live() {
        var v = table()
        _ = v.handle(.char("/"))
        XCTAssertTrue(v.isEditingFilter)
        for c in "node1x" { _ = v.handle(.char(c)) }
        XCTAssertEqual(v.filter, "node1x")
        XCTAssertEqual(v.handle(.backspace), .redraw)
        XCTAssertEqual(v.handle(.char("\u{7F}")), .redraw, "DEL from terminals without a backspace key")
        XCTAssertEqual(v.filter, "node")
        XCTAssertEqual(v.handle(.char("q")), .redraw, "q is text while editing, not quit")
        XCTAssertEqual(v.filter, "nodeq")
        _ = v.handle(.enter)
        XCTAssertFalse(v.isEditingFilter)
        XCTAssertEqual(v.filter, "nodeq", "Enter keeps the filter")
    }

    func test_escape_clears_the_filter() {
        var v = table()
        _ = v.handle(.char("/"))
        _ = v.handle(.char("a"))
        _ = v.handle(.escape)
        XCTAssertFalse(v.isEditingFilter)
        XCTAssertEqual(v.filter, "")

        v.filter = "kept"
        XCTAssertEqual(v.handle(.escape), .redraw, "Esc in the table also clears a kept filter")
        XCTAssertEqual(v.filter, "")
        XCTAssertEqual(v.handle(.escape), .none)
    }

    func test_enter_opens_detail_and_q_or_escape_go_back() {
        var v = table()
        v.detailScroll = 7
        XCTAssertEqual(v.handle(.enter), .redraw)
        XCTAssertEqual(v.mode, .detail)
        XCTAssertEqual(v.detailScroll, 0)
        XCTAssertEqual(v.handle(.char("q")), .redraw)
        XCTAssertEqual(v.mode, .table)
        _ = v.handle(.enter)
        _ = v.handle(.escape)
        XCTAssertEqual(v.mode, .table)
    }

    func test_q_in_the_table_quits() {
        var v = table()
        XCTAssertEqual(v.handle(.char("q")), .quit)
    }

    func test_detail_scrolls_within_its_lines() {
        var v = table()
        _ = v.handle(.enter)
        v.detailLineCount = 25
        v.textPage = 10
        XCTAssertEqual(v.handle(.up), .none)
        _ = v.handle(.down)
        XCTAssertEqual(v.detailScroll, 1)
        _ = v.handle(.end)
        XCTAssertEqual(v.detailScroll, 15)
        XCTAssertEqual(v.handle(.pageDown), .none)
        _ = v.handle(.home)
        XCTAssertEqual(v.detailScroll, 0)
    }

    func test_pause_refresh_and_interval_keys_return_actions() {
        var v = ViewState(intervalSecs: 5)
        XCTAssertEqual(v.handle(.char("p")), .pauseChanged(true))
        XCTAssertTrue(v.paused)
        XCTAssertEqual(v.handle(.char("p")), .pauseChanged(false))
        XCTAssertEqual(v.handle(.char("r")), .refreshNow)
        XCTAssertEqual(v.handle(.char("+")), .intervalChanged(10))
        XCTAssertEqual(v.handle(.char("-")), .intervalChanged(5))
        XCTAssertEqual(v.handle(.char("-")), .intervalChanged(3))
        v.intervalSecs = 1
        XCTAssertEqual(v.handle(.char("-")), .none, "1 s is the fastest")
        v.intervalSecs = 7
        XCTAssertEqual(v.handle(.char("+")), .intervalChanged(10), "an odd interval snaps to the next step")
        v.intervalSecs = 300
        XCTAssertEqual(v.handle(.char("+")), .none)
    }

    func test_help_opens_from_any_view_and_returns_there() {
        var v = table()
        XCTAssertEqual(v.handle(.char("?")), .redraw)
        XCTAssertEqual(v.mode, .help)
        XCTAssertEqual(v.handle(.char("x")), .none)
        XCTAssertEqual(v.handle(.char("q")), .redraw, "q leaves help, it does not quit")
        XCTAssertEqual(v.mode, .table)
        _ = v.handle(.enter)
        _ = v.handle(.char("?"))
        _ = v.handle(.escape)
        XCTAssertEqual(v.mode, .detail)
    }

    func test_resize_redraws_in_every_mode() {
        var v = table()
        XCTAssertEqual(v.handle(.resize), .redraw)
        v.mode = .help
        XCTAssertEqual(v.handle(.resize), .redraw)
    }

    func test_unknown_keys_do_nothing() {
        var v = table()
        XCTAssertEqual(v.handle(.char("z")), .none)
        XCTAssertEqual(v, {
            var t = table()
            t.cursor = 0
            return t
        }())
    }
}
