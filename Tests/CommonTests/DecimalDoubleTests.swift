import XCTest
@testable import Common

/// `DecimalDouble` must give the very Double `strtod` gives (bit for bit, the sign of zero
/// included) wherever it answers: the parser takes its value instead of strtod's.
final class DecimalDoubleTests: XCTestCase {
    /// Checks one number text; returns whether the fast path answered.
    @discardableResult
    func assertSameAsStrtod(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> Bool {
        let bytes = Array(text.utf8)
        let fast = bytes.withUnsafeBufferPointer { DecimalDouble.value($0.baseAddress!, from: 0, to: $0.count) }
        guard let fast else { return false }
        guard let reference = Double(text) else {
            XCTFail("strtod refuses \(text)", file: file, line: line)
            return true
        }
        XCTAssertEqual(fast.bitPattern, reference.bitPattern, "\(text): \(fast) instead of \(reference)", file: file, line: line)
        return true
    }

    func test_edge_cases_match_strtod() {
        let texts = ["0.0", "-0.0", "0e5", "-0E-400", "0.000", "1.0", "-1.5", "0.1", "0.2", "0.3", "1e19", "1e-19",
                     "9999999999999999999.0", "9999999999999999999e19", "1.000000000000000000", "0.0000000000000000001",
                     "1796125765.2993164", "1796125765.299316", "0.05", "5.0", "123456789012345678.9",
                     "9007199254740993.0", "9007199254740993e0", "9007199254740995.0", "18014398509481985e0",
                     "1.7976931348623157e19", "2.2250738585072014e-19", "4.9e-19", "123e-2", "1E+2", "5e-1",
                     "18446744073709551615e0", "1844674407370955161.5", "0.5e-18", "12345678901234567890e0"]
        for text in texts { assertSameAsStrtod(text) }
        // Beyond 19 digits or an exponent past 19 it is strtod's job.
        for text in ["12345678901234567890.5", "1e20", "1e-20", "1.5e400", "0.00000000000000000001"] {
            XCTAssertFalse(assertSameAsStrtod(text), text)
        }
    }

    func test_random_decimals_match_strtod() {
        var rng = SystemRandomNumberGenerator()
        var answered = 0
        for _ in 0..<100_000 {
            let digitCount = Int.random(in: 1...20, using: &rng)
            var digits = String((0..<digitCount).map { _ in Character(String(Int.random(in: 0...9, using: &rng))) })
            if digits.count > 1, digits.first == "0", Bool.random(using: &rng) { digits.removeFirst() }
            let point = Int.random(in: 0...digits.count, using: &rng)
            var text = Bool.random(using: &rng) ? "-" : ""
            let integer = digits.prefix(point)
            text += integer.isEmpty ? "0" : String(integer.drop { $0 == "0" }.isEmpty ? "0" : integer.drop { $0 == "0" })
            if point < digits.count { text += "." + digits.dropFirst(point) }
            if Int.random(in: 0..<3, using: &rng) == 0 || point == digits.count {
                text += ["e", "E"].randomElement(using: &rng)! + ["", "+", "-"].randomElement(using: &rng)!
                text += String(Int.random(in: 0...25, using: &rng))
            }
            if assertSameAsStrtod(text) { answered += 1 }
        }
        // Most of them take the fast path (the test would prove nothing otherwise).
        XCTAssertGreaterThan(answered, 50_000)
    }

    /// Exactly half-way between two Doubles: ties go to the even one.
    func test_half_way_integers_round_to_even() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<50_000 {
            let base = UInt64.random(in: (1 << 53)...(UInt64(9_999_999_999_999_999_999) >> 1), using: &rng)
            let ulp = UInt64(1) << UInt64(64 - base.leadingZeroBitCount - 53)
            let halfWay = (base / ulp) * ulp + ulp / 2
            XCTAssertTrue(assertSameAsStrtod("\(halfWay).0"))
            XCTAssertTrue(assertSameAsStrtod("\(halfWay)e0"))
        }
    }

    /// Doubles as Swift and Python print them (the shortest text that reads back).
    func test_printed_doubles_match_strtod() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<100_000 {
            let d = Double.random(in: 1e-6...1e12, using: &rng)
            assertSameAsStrtod(d.description)
            assertSameAsStrtod((d / 1000).description)
        }
    }

    func test_the_parser_reads_fractions_as_strtod_does() throws {
        for text in ["1796125765.2993164", "-0.0", "0.05", "1e19", "12345678901234567890.5", "1.5e400"] {
            XCTAssertEqual(try JSONParser.parse(text).doubleValue?.bitPattern, Double(text)?.bitPattern, text)
        }
    }
}
