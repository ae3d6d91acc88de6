import XCTest

@testable import Common

final class TimerHeapTests: XCTestCase {
    func test_due_callbacks_come_out_in_deadline_order_and_cancelled_ones_never() {
        var heap = TimerHeap()
        var fired: [Int] = []
        let ids = [30, 10, 20, 40].map { d in heap.schedule(at: UInt64(d)) { fired.append(d) } }
        heap.cancel(ids[2])
        XCTAssertEqual(heap.nextDeadline(), 10)
        for cb in heap.popDue(now: 35) { cb() }
        XCTAssertEqual(fired, [10, 30])
        XCTAssertEqual(heap.nextDeadline(), 40)
    }
}
