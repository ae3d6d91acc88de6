import XCTest

@testable import Common

/// One declaration carries an option's name, default, range and help; the parser applies them.
final class ArgumentParserTests: XCTestCase {
    let options: [OptionSpec] = [
        .value("--timeout", name: "SECS", help: "deadline", default: "2", range: 0.05...600),
        .value("--port", name: "PORT", help: "port", default: "9443", range: 1...65535),
        .value("--id", name: "ID", help: "daemon id", defaultHelp: "the short host name"),
        .value("--warn", name: "SECS", help: "warning age", range: 0...100),
        .flag("--json", help: "print JSON"),
    ]

    func test_an_absent_option_reads_as_its_declared_default() throws {
        let p = try ParsedArguments([], options: options)
        XCTAssertEqual(try p.doubleValue("--timeout"), 2)
        XCTAssertEqual(try p.intValue("--port"), 9443)
        XCTAssertFalse(p.given("--port"))
        XCTAssertNil(p.string("--id"), "a default decided at run time is the caller's")
        XCTAssertNil(try p.double("--warn"))
        XCTAssertThrowsError(try p.doubleValue("--warn"))
    }

    func test_given_values_override_and_are_checked_against_the_declared_range() throws {
        let p = try ParsedArguments(["--timeout", "0.5", "--port=8443"], options: options)
        XCTAssertEqual(try p.doubleValue("--timeout"), 0.5)
        XCTAssertEqual(try p.intValue("--port"), 8443)
        XCTAssertTrue(p.given("--port"))
        XCTAssertThrowsError(try ParsedArguments(["--port", "70000"], options: options).intValue("--port")) { error in
            XCTAssertEqual("\(error)", "--port: 70000 is out of range 1-65535")
        }
        XCTAssertThrowsError(try ParsedArguments(["--timeout", "0.01"], options: options).doubleValue("--timeout")) { error in
            XCTAssertEqual("\(error)", "--timeout: 0.01 is out of range 0.05-600")
        }
    }

    func test_numbers_are_decimal_only_and_finite() throws {
        for bad in ["0x10", "inf", "nan", "1e999", "16s", " 16"] {
            XCTAssertThrowsError(try ParsedArguments(["--timeout", bad], options: options).doubleValue("--timeout"), bad) { error in
                XCTAssertTrue("\(error)".hasPrefix("--timeout: '\(bad)' is not a decimal number"), "\(error)")
            }
        }
        XCTAssertThrowsError(try ParsedArguments(["--port", "0x10"], options: options).intValue("--port"))
        XCTAssertEqual(try ParsedArguments(["--timeout", "1e1"], options: options).doubleValue("--timeout"), 10)
    }

    func test_a_default_outside_its_own_range_is_reported() {
        XCTAssertEqual(OptionSpec.inconsistentDefaults(options), [])
        let bad: [OptionSpec] = [.value("--n", name: "N", help: "n", default: "0", range: 1...9),
                                 .value("--x", name: "X", help: "x", default: "0x10", range: 0...99)]
        XCTAssertEqual(OptionSpec.inconsistentDefaults(bad), ["--n 0", "--x 0x10"])
    }

    func test_help_prints_the_declared_default_and_range() {
        let help = HelpText.render(usage: "x [options]", summary: "s", options: options)
        XCTAssertTrue(help.contains("deadline (default: 2; 0.05-600)"), help)
        XCTAssertTrue(help.contains("daemon id (default: the short host name)"), help)
        XCTAssertTrue(help.contains("warning age (0-100)"), help)
        XCTAssertTrue(help.contains("print JSON\n"), help)
    }
}
