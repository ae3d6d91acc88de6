import XCTest
@testable import FleetTUI

final class ScratchPrint: XCTestCase {
    func test_print() throws {
        let ctx = RenderContext(now: Clock.now + 3)
        var fleet = try SampleFleet.make()
        var out = ""
        func dump(_ name: String, _ f: FleetState, _ v: ViewState, _ w: Int, _ h: Int) {
            let frame = DashboardLayout.render(f, view: v, size: TerminalSize(columns: w, lines: h), context: ctx)
            out += "@@@\(name)\n" + frame.grid.text() + "\n"
        }
        dump("40x15", fleet, ViewState(), 40, 15)
        var v = ViewState(); v.selectedHost = 1; v.mode = .detail
        dump("detail", fleet, v, 90, 30)
        v = ViewState(); v.mode = .help
        dump("help", fleet, v, 80, 24)
        fleet.fold(Poll.response(7, body: try MetadataBody.healthy(age: 1).bytes, at: Clock.now + 0.5, latency: 0.0008))
        dump("80x24", fleet, ViewState(), 80, 24)
        try out.write(toFile: "/tmp/fleet-snapshots.txt", atomically: true, encoding: .utf8)
    }
}
