import Common
import XCTest

@testable import FleetTUI

/// Every literal default in the fleet's option tables is read through the same rules as a given
/// value; `--stale-after` and the timeouts take decimal numbers only.
final class OptionTableTests: XCTestCase {
    func test_every_declared_default_parses_within_its_range() throws {
        let tables: [(String, [OptionSpec])] = [
            ("dashboard", DashboardCommand.options), ("check", CheckCommand.options), ("apply", ApplyCommand.options),
            ("rm", RemoveCommand.options), ("bootstrap", BootstrapCommand.options),
            ("config generate", ConfigCommand.generateOptions), ("config set", ConfigCommand.setOptions),
        ]
        for (command, options) in tables { XCTAssertEqual(OptionSpec.inconsistentDefaults(options), [], command) }
        XCTAssertNoThrow(try StaleAfter.parse(try ParsedArguments([], options: CheckCommand.options).stringValue("--stale-after")))
    }

    func test_stale_after_is_seconds_or_a_factor_decimal_and_finite() throws {
        XCTAssertEqual(try StaleAfter.parse("3x"), .factor(3))
        XCTAssertEqual(try StaleAfter.parse("60"), .seconds(60))
        XCTAssertEqual(try StaleAfter.parse("0.5x"), .factor(0.5))
        for bad in ["inf", "infx", "nan", "0x10", "-5", "0", "0x", "1e8", "2000x", "x", "", "5 s"] {
            XCTAssertThrowsError(try StaleAfter.parse(bad), bad)
        }
    }

    func test_timeout_in_hexadecimal_is_refused_not_read_as_16_seconds() throws {
        let parsed = try ParsedArguments(["--timeout", "0x10"], options: CheckCommand.options)
        XCTAssertThrowsError(try parsed.doubleValue("--timeout")) { error in
            XCTAssertEqual("\(error)", "--timeout: '0x10' is not a decimal number")
        }
    }
}
