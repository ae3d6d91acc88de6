@testable import FleetTUI
import XCTest

/// The dashboard keeps these per host (10,000 hosts in 200 MiB): a field added or reordered
/// carelessly costs megabytes, so their sizes are checked here.
final class HostStateSizeTests: XCTestCase {
    func test_a_task_health_is_laid_out_without_padding_between_optionals() {
        XCTAssertLessThanOrEqual(MemoryLayout<TaskHealth>.stride, 168)
    }
}
