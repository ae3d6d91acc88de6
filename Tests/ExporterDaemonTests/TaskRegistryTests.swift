import Common
import XCTest

@testable import ExporterDaemon

final class TaskRegistryTests: XCTestCase {
    /// The fleet reads `TaskCatalog.standard`; the daemon runs `TaskRegistry.make`: they must agree.
    func test_the_registry_runs_exactly_the_standard_catalog_in_its_order() {
        let tasks = TaskRegistry.make(root: SystemRoot("/nonexistent"), dataDir: "/nonexistent", cephVolume: nil)
        XCTAssertEqual(TaskRegistry.catalog(of: tasks), TaskCatalog.standard)
        XCTAssertEqual(tasks.map(\.name), [.host, .daemons, .disks])
    }
}
