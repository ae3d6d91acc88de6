import Dispatch
import Synchronization
import XCTest

@testable import Common

final class ThreadConfinementTests: XCTestCase {
    func test_the_bound_thread_owns_it_and_another_thread_does_not() {
        let confinement = ThreadConfinement()
        confinement.bindToCurrentThread()
        XCTAssertTrue(confinement.isOnOwner())
        let elsewhere = Atomic<Int>(-1)
        let done = DispatchSemaphore(value: 0)
        XCTAssertTrue(NativeThread.spawn(name: "other") {
            elsewhere.store(confinement.isOnOwner() ? 1 : 0, ordering: .releasing)
            done.signal()
        })
        done.wait()
        XCTAssertEqual(elsewhere.load(ordering: .acquiring), 0)
    }

    func test_the_first_user_owns_an_unbound_one() {
        let confinement = ThreadConfinement()
        XCTAssertTrue(confinement.isOnOwner())
        XCTAssertTrue(confinement.isOnOwner())
    }
}
