import Common
@testable import FleetTUI
import XCTest

/// The dashboard keeps these per host (10,000 hosts in 200 MiB): a field added or reordered
/// carelessly, or a copy where a share would do, costs megabytes, so they are checked here.
final class HostStateSizeTests: XCTestCase {
    func test_a_task_health_is_laid_out_without_padding_between_optionals() {
        XCTAssertLessThanOrEqual(MemoryLayout<TaskHealth>.stride, 168)
    }

    func test_the_observation_shares_the_task_array_of_the_sample_it_saw() {
        let tasks = [TaskName.daemons, .disks, .host].map {
            TaskHealth(task: $0, state: .active, ageSecs: 1, intervalSecs: 20, isStale: false, scrapeTimestamp: 100,
                       scrapeDurationSecs: 0.1, recentErrors: [], scrapeErrorCount: 0, hasData: true,
                       detail: TaskDetail(restarts: 0))
        }
        let sample = HostSample(status: .ok, startedAt: 100, latencySecs: 0.01, httpStatus: 200, skewSecs: 0,
                                tasks: tasks, error: nil)
        let (observation, _) = EventDerivation.step(HostObservation(), .init(host: 0, sample: sample, exporterStartedAt: 50))
        XCTAssertEqual(observation.tasks, tasks)
        let kept = observation.tasks.withUnsafeBufferPointer { $0.baseAddress }
        let shown = sample.tasks.withUnsafeBufferPointer { $0.baseAddress }
        XCTAssertEqual(kept, shown, "the observation keeps the sample's array, not a copy")
    }
}
