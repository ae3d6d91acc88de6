import Dispatch
import XCTest

@testable import Common
@testable import ExporterDaemon

/// A scrape's context reaches the commands it runs (the runner itself is tested in CommonTests).
final class ScrapeContextCommandTests: XCTestCase {
    private let runner = CommandRunner(searchPath: "/usr/bin:/bin")

    func test_cancelling_the_scrape_kills_its_running_command() throws {
        let context = ScrapeContext(timeoutSecs: 60)
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(200)) { context.cancel() }
        XCTAssertThrowsError(try runner.run(["sleep", "60"], context: context)) { error in
            XCTAssertEqual(error as? CommandError, .cancelled(command: "sleep 60"))
            XCTAssertEqual("\(error)", "`sleep 60` was killed because the scrape was cancelled")
        }
    }

    func test_the_scrape_deadline_limits_a_command_without_its_own_timeout() throws {
        let context = ScrapeContext(timeoutSecs: 0.3)
        XCTAssertThrowsError(try runner.run(["sleep", "60"], context: context)) { error in
            guard case .timedOut? = error as? CommandError else { return XCTFail("\(error)") }
        }
    }
}
