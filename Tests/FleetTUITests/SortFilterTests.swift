import XCTest
@testable import FleetTUI

final class SortFilterTests: XCTestCase {
    private func names(_ fleet: FleetState, _ view: ViewState) -> [String] {
        RowOrder.compute(fleet, sort: view.sort, reversed: view.reversed, filter: view.filter, names: HostNames(fleet))
            .map { fleet.hosts[$0].displayName }
    }

    func test_default_sort_is_status_worst_first_then_name() throws {
        let fleet = try SampleFleet.make()
        XCTAssertEqual(names(fleet, ViewState()), [
            "ceph-node03",  // DOWN
            "ceph-node04",  // AUTH
            "ceph-node05",  // TLS
            "ceph-node06",  // BAD
            "ceph-node02",  // DEGRADED
            "ceph-node07",  // DEGRADED (stale)
            "ceph-node08",  // WAIT
            "ceph-node01",  // OK
        ])
    }

    func test_reverse_puts_the_best_first() throws {
        var view = ViewState()
        view.reversed = true
        XCTAssertEqual(names(try SampleFleet.make(), view).first, "ceph-node01")
    }

    func test_sort_by_host_age_latency_and_skew() throws {
        var fleet = FleetState(hosts: testHosts(["b", "a", "c"]))
        fleet.fold(Poll.response(0, body: try MetadataBody.healthy(age: 10).bytes, latency: 0.3, exporterNow: Clock.now - 5))
        fleet.fold(Poll.response(1, body: try MetadataBody.healthy(age: 2).bytes, latency: 0.1))
        fleet.fold(Poll.response(2, body: try MetadataBody.healthy(age: 40).bytes, latency: 0.2, exporterNow: Clock.now + 100))
        var view = ViewState()
        view.sort = .host
        XCTAssertEqual(names(fleet, view), ["a", "b", "c"])
        view.sort = .age
        XCTAssertEqual(names(fleet, view), ["c", "b", "a"])
        view.sort = .latency
        XCTAssertEqual(names(fleet, view), ["b", "c", "a"])
        view.sort = .skew
        XCTAssertEqual(names(fleet, view), ["c", "b", "a"])
        view.reversed = true
        XCTAssertEqual(names(fleet, view), ["a", "b", "c"])
    }

    func test_filter_matches_name_address_or_status_case_insensitively() throws {
        let fleet = try SampleFleet.make()
        var view = ViewState()
        view.filter = "NODE0"
        XCTAssertEqual(names(fleet, view).count, 8)
        view.filter = "node01"
        XCTAssertEqual(names(fleet, view), ["ceph-node01"])
        view.filter = "10.0.0.3"
        XCTAssertEqual(names(fleet, view), ["ceph-node03"])
        view.filter = "deg"
        XCTAssertEqual(names(fleet, view), ["ceph-node02", "ceph-node07"])
        view.filter = "  tls "
        XCTAssertEqual(names(fleet, view), ["ceph-node05"])
        view.filter = "zzz"
        XCTAssertEqual(names(fleet, view), [])
    }

    func test_cache_reuses_the_order_until_the_fleet_or_view_changes() throws {
        var fleet = try SampleFleet.make()
        var cache = LayoutCache()
        var view = ViewState()
        XCTAssertEqual(cache.rows(fleet, view).first, 2)
        fleet.fold(Poll.response(2, body: try MetadataBody.healthy().bytes))
        XCTAssertEqual(cache.rows(fleet, view).first, 3, "a new generation re-sorts")
        view.reversed = true
        XCTAssertEqual(cache.rows(fleet, view).first, 2, "ceph-node03 is now OK: the best, first when reversed")
    }

    func test_selection_follows_the_host_when_the_order_changes() throws {
        var fleet = try SampleFleet.make()
        var view = ViewState()
        view.selectedHost = 0  // ceph-node01, last row, picked by the operator
        view.followsTopRow = false
        var frame = DashboardLayout.render(fleet, view: view, size: TerminalSize(columns: 120, lines: 30),
                                           context: RenderContext(now: Clock.now))
        XCTAssertEqual(frame.view.cursor, 7)
        fleet.fold(Poll.failure(0, .refused("x")))
        frame = DashboardLayout.render(fleet, view: frame.view, size: TerminalSize(columns: 120, lines: 30),
                                       context: RenderContext(now: Clock.now))
        XCTAssertEqual(frame.view.selectedHost, 0)
        XCTAssertEqual(frame.view.cursor, 0, "DOWN and named ceph-node01: first")
    }

    func test_an_untouched_cursor_stays_on_the_top_row_when_the_order_changes() throws {
        var fleet = try SampleFleet.make()
        var frame = DashboardLayout.render(fleet, view: ViewState(), size: TerminalSize(columns: 120, lines: 30),
                                           context: RenderContext(now: Clock.now))
        let firstHost = frame.view.selectedHost
        XCTAssertEqual(frame.view.cursor, 0)
        fleet.fold(Poll.failure(0, .refused("x")))
        frame = DashboardLayout.render(fleet, view: frame.view, size: TerminalSize(columns: 120, lines: 30),
                                       context: RenderContext(now: Clock.now))
        XCTAssertEqual(frame.view.cursor, 0)
        XCTAssertEqual(frame.view.selectedHost, 0, "the newly DOWN host is now the top row and selected")
        XCTAssertNotEqual(firstHost, 0)
    }
}
