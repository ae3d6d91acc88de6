import XCTest
@testable import Common

final class UntrustedTextTests: XCTestCase {
    func test_printable_ascii_passes_through_unchanged() {
        XCTAssertEqual(UntrustedText.escape("GET /v1/metadata HTTP/1.1", limit: 100), "GET /v1/metadata HTTP/1.1")
    }

    func test_control_bytes_are_escaped_so_no_line_can_be_forged() {
        let forged = "x\r\n2026-01-01 INFO fake\u{1B}[2J\u{0}\u{7}\u{7F}"
        let escaped = UntrustedText.escape(forged, limit: 200)
        XCTAssertEqual(escaped, #"x\x0d\x0a2026-01-01 INFO fake\x1b[2J\x00\x07\x7f"#)
        XCTAssertFalse(escaped.utf8.contains { $0 < 0x20 || $0 >= 0x7F })
    }

    func test_non_ascii_is_escaped_bytewise_in_logs() {
        XCTAssertEqual(UntrustedText.escape("é\u{202E}", limit: 100), #"\xc3\xa9\xe2\x80\xae"#)
        XCTAssertEqual(UntrustedText.escape(bytes: [0x41, 0xFF, 0xC3], limit: 100), #"A\xff\xc3"#)
    }

    func test_backslash_is_doubled_in_logs_so_an_escape_cannot_be_faked() {
        XCTAssertEqual(UntrustedText.escape(#"a\x1b"#, limit: 100), #"a\\x1b"#)
    }

    func test_output_is_cut_at_the_limit_without_splitting_an_escape() {
        XCTAssertEqual(UntrustedText.escape(String(repeating: "a", count: 1000), limit: 10), "aaaaaaaaaa...")
        // "ab" fits, "\x1b" (4 characters) would end at 6 > 5: it is left out whole.
        XCTAssertEqual(UntrustedText.escape("ab\u{1B}cd", limit: 5), "ab...")
        XCTAssertEqual(UntrustedText.escape("abc", limit: 0), "...")
        XCTAssertEqual(UntrustedText.escape(bytes: [UInt8](repeating: 0, count: 1_000_000), limit: 40).count, 43)
    }

    func test_terminal_alphabet_keeps_printable_unicode_and_escapes_controls_and_format_characters() {
        let text = "Intel® Xeon\u{1B}[31m\u{9B}\u{202E}\\"
        XCTAssertEqual(UntrustedText.escape(text, limit: 100, alphabet: .printableUnicode),
                       #"Intel® Xeon\x1b[31m\x9b\u{202e}\"#)
        XCTAssertEqual(UntrustedText.escape(String(repeating: "é", count: 300), limit: 240, alphabet: .printableUnicode).count, 241)
    }

    func test_terminal_escaping_twice_reads_the_same() {
        for text in ["a\u{1B}b\\c\u{202E}", String(repeating: "\u{7}x", count: 100)] {
            let once = UntrustedText.escape(text, limit: 50, alphabet: .printableUnicode)
            XCTAssertEqual(UntrustedText.escape(once, limit: 50, alphabet: .printableUnicode), once)
        }
    }
}
