import XCTest

@testable import Common

/// The one small text toolkit: trimming, padding, fixed-point, seconds, hex, decimal parsing.
final class TextToolkitTests: XCTestCase {
    func test_fixed_rounds_like_printf_and_never_prints_negative_zero() {
        XCTAssertEqual(DecimalText.fixed(3.14159, 2), "3.14")
        XCTAssertEqual(DecimalText.fixed(0.25, 1), "0.2", "the binary value of 0.25 rounds half to even")
        XCTAssertEqual(DecimalText.fixed(-1.25, 1), "-1.2")
        XCTAssertEqual(DecimalText.fixed(-0.5, 1), "-0.5", "the sign of a value below one is kept")
        XCTAssertEqual(DecimalText.fixed(-0.04, 1), "0.0")
        XCTAssertEqual(DecimalText.fixed(1.5, 0), "2")
        XCTAssertEqual(DecimalText.fixed(.infinity, 1), "inf")
        XCTAssertEqual(DecimalText.fixed(.nan, 1), "nan")
    }

    func test_seconds_is_as_short_as_it_reads_exactly_to_the_millisecond() {
        let cases: [(Double, String)] = [(5, "5"), (0.25, "0.25"), (1.5, "1.5"), (0.0004, "0"), (300, "300"), (12.3456, "12.346")]
        for (value, text) in cases { XCTAssertEqual(DecimalText.seconds(value), text, "\(value)") }
    }

    func test_decimal_parsing_refuses_hex_infinities_and_junk() {
        for (text, value) in [("60", 60.0), ("0.5", 0.5), ("+2", 2), ("-1.5", -1.5), ("1e3", 1000), ("5.", 5), (".5", 0.5), ("2E-1", 0.2)] {
            XCTAssertEqual(DecimalText.parseDouble(text), value, text)
        }
        for text in ["0x10", "inf", "-inf", "nan", "infinity", "1e999", "", ".", "-", "e5", "1e", "1e+", "1.2.3", " 5", "5 ", "1_000", "٣"] {
            XCTAssertNil(DecimalText.parseDouble(text), text)
        }
        XCTAssertEqual(DecimalText.parseInt("42"), 42)
        XCTAssertEqual(DecimalText.parseInt("-7"), -7)
        for text in ["0x10", "1.0", "", "99999999999999999999", "4 2"] { XCTAssertNil(DecimalText.parseInt(text), text) }
    }

    func test_trimming_removes_unicode_white_space_at_both_ends_only() {
        XCTAssertEqual("  a b\r\n".trimmingWhitespace(), "a b")
        XCTAssertEqual("\t\u{0B}\u{0C}x\n".trimmingWhitespace(), "x")
        XCTAssertEqual("\u{00A0}é\u{2003}".trimmingWhitespace(), "é")
        XCTAssertEqual(" \n\t ".trimmingWhitespace(), "")
        XCTAssertEqual("abc"[...].trimmingWhitespace(), "abc")
    }

    func test_padding_and_hex() {
        XCTAssertEqual("7".leftPadded(to: 3), "007")
        XCTAssertEqual("1234".leftPadded(to: 2), "1234")
        XCTAssertEqual(String(5, zeroPaddedTo: 2), "05")
        XCTAssertEqual(String(-5, zeroPaddedTo: 3), "-005")
        XCTAssertEqual(HexText.lowercase([0x00, 0x0f, 0xa0, 0xff]), "000fa0ff")
        XCTAssertEqual(HexText.lowercase([0xde, 0xad], separator: ":"), "de:ad")
        XCTAssertEqual(HexText.lowercase([UInt8]()), "")
    }
}
