import Common
import XCTest

@testable import ExporterDaemon

/// Every literal default in the exporter's option tables is read through the same rules as a
/// given value, so a default outside its own range (help and behaviour drifting apart) fails here.
final class OptionTableTests: XCTestCase {
    func test_every_declared_default_parses_within_its_range() throws {
        let tables: [(String, [OptionSpec])] = [
            ("run", RunCommand.options), ("deploy", DeployCommand.options),
            ("rm-daemon", RemoveDaemonCommand.options), ("simulate", SimulateCommand.options),
        ]
        for (command, options) in tables { XCTAssertEqual(OptionSpec.inconsistentDefaults(options), [], command) }
    }

    func test_run_reads_the_declared_defaults() throws {
        let settings = try RunCommand.makeSettings(try ParsedArguments(["--fsid", "abc", "--id", "x"], options: RunCommand.options))
        XCTAssertEqual(settings.port, 9443)
        XCTAssertEqual(settings.instance.dataDir, "/var/lib/ceph")
        XCTAssertEqual(settings.restartPolicy, .onFailure)
        XCTAssertEqual(settings.backoff.baseSecs, 10)
        XCTAssertEqual(settings.schedules.map(\.intervalSecs), [5, 20, 20], "each task's own interval")
        XCTAssertEqual(settings.schedules.map(\.timeoutSecs), [20, 80, 80])
    }
}
