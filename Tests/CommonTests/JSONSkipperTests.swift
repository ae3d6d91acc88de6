import Foundation
import XCTest
@testable import Common

/// The skipper must accept exactly what the parser accepts: the metadata skimmer validates
/// `data` with it, so any disagreement would change a host's verdict.
final class JSONSkipperTests: XCTestCase {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz").appendingPathComponent("corpus")

    /// True when the skipper takes the whole input as one JSON document.
    static func skips(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { buf in
            var s = JSONSkipper(buf, at: 0)
            s.skipWhitespace()
            guard s.skipValue(depth: 0) else { return false }
            s.skipWhitespace()
            return s.pos == buf.count
        }
    }

    static func parses(_ bytes: [UInt8]) -> Bool { (try? JSONParser.parse(bytes)) != nil }

    func assertAgree(_ text: String, file: StaticString = #filePath, line: UInt = #line) {
        assertAgree(Array(text.utf8), file: file, line: line)
    }

    func assertAgree(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(Self.skips(bytes), Self.parses(bytes),
                       "skipper and parser disagree on \(String(decoding: bytes.prefix(120), as: UTF8.self).debugDescription)",
                       file: file, line: line)
    }

    func test_valid_documents_are_skipped_whole() {
        for text in [#"{}"#, #"[]"#, #" { "a" : [1, -2.5e+3, true, false, null, "x\n\"\u00e9"] } "#, "0", "-0", "1.5E-7",
                     #""lone \udc00 and \ud800 surrogates""#, #""pair \ud83d\ude00""#, "\"\u{7F}\"", #"[[[]], {"k": {}}]"#,
                     #"{"a": 1, "a": 2}"#, "\"a long string of more than eight bytes with an escape \\t in the middle\""] {
            XCTAssertTrue(Self.skips(Array(text.utf8)), text)
            assertAgree(text)
        }
    }

    func test_invalid_documents_are_refused() {
        for text in [#"{"a": 1,}"#, #"[1, 2,]"#, "01", "-", "1.", "1e", "1e+", ".5", "+1", "tru", "nul", "fals", "falsy",
                     #"{"a" 1}"#, #"{1: 2}"#, #"["unterminated]"#, "\"tab\tinside\"", #""bad \x escape""#, #""\u12G4""#,
                     #""\ud800\u0041""#, #""\ud800\u12"#, "[1 2]", "{} {}", "", "   ", #"{"a": [}"#, #"[}"#, #"{]"#,
                     "\"\\", "\"abc\\u00", "[", "{\"a\":"] {
            XCTAssertFalse(Self.skips(Array(text.utf8)), text)
            assertAgree(text)
        }
    }

    func test_invalid_utf8_and_nul_bytes_agree_with_the_parser() {
        assertAgree([0x22, 0xC3, 0x28, 0x22])
        assertAgree([0x22, 0xFF, 0xFE, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x22])
        assertAgree([0x22, 0x00, 0x22])
        assertAgree([0x22, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x1F, 0x22])
    }

    func test_nesting_is_limited_as_in_the_parser() {
        for depth in [JSONParser.maxDepth - 1, JSONParser.maxDepth, JSONParser.maxDepth + 1] {
            let arrays = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            assertAgree(arrays)
            let objects = String(repeating: #"{"k":"#, count: depth) + "1" + String(repeating: "}", count: depth)
            assertAgree(objects)
            // A scalar at the limit counts as a level, as the parser counts it.
            assertAgree(String(repeating: "[", count: depth) + "1" + String(repeating: "]", count: depth))
        }
        XCTAssertTrue(Self.skips(Array((String(repeating: "[", count: 255) + String(repeating: "]", count: 255)).utf8)))
        XCTAssertFalse(Self.skips(Array((String(repeating: "[", count: 257) + String(repeating: "]", count: 257)).utf8)))
    }

    func test_the_json_fuzz_corpus_agrees() throws {
        let dir = Self.corpus.appendingPathComponent("json-parser")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        XCTAssertGreaterThan(names.count, 5)
        for name in names {
            assertAgree(Array(try Data(contentsOf: dir.appendingPathComponent(name))))
        }
    }

    /// Every string length around the 8-byte word boundary, with the special byte at each place.
    func test_strings_across_word_boundaries_agree() {
        for length in 0..<20 {
            for special in [UInt8(ascii: "\""), UInt8(ascii: "\\"), 0x1F, 0x20, 0x7F, 0x80] {
                for at in 0...length {
                    var body = [UInt8(ascii: "\"")] + [UInt8](repeating: UInt8(ascii: "a"), count: length) + [UInt8(ascii: "\"")]
                    body.insert(special, at: 1 + at)
                    assertAgree(body)
                }
            }
        }
    }

    func test_mutated_documents_agree() throws {
        let seed = Array(#"{"s": "text with \"escapes\" and \u00e9", "n": [0, -1.25e-3, 12345678901234567890], "b": [true, false, null], "o": {"deep": [[{}]]}}"#.utf8)
        var state: UInt64 = 7
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(max(1, bound)))
        }
        let interesting = Array("{}[]\",:0123456789-+.eE\\/ubfnrtu".utf8) + [0, 0x1F, 0x7F, 0xC3, 0xFF]
        for _ in 0..<5000 {
            var body = seed
            for _ in 0..<(1 + next(3)) {
                switch next(3) {
                case 0: body[next(body.count)] = interesting[next(interesting.count)]
                case 1: body.insert(interesting[next(interesting.count)], at: next(body.count))
                default: body.remove(at: next(body.count))
                }
                if body.isEmpty { body = seed }
            }
            assertAgree(body)
        }
    }

    /// Keys of every length around the sixteen-byte look, with every spacing around the colon
    /// and after the comma: the skipper agrees with the parser and captures the member asked for.
    func test_members_of_every_key_length_and_spacing_agree_and_are_captured() {
        for length in 0..<36 {
            let key = String((0..<length).map { Character(Unicode.Scalar(UInt8(ascii: "a") + UInt8($0 % 26))) })
            for colon in [": ", ":", " : ", ":\t", ":  ", ": \n"] {
                for comma in [", ", ",", " ,\n  "] {
                    let text = #"{"first": 1"# + comma + "\"" + key + "\"" + colon + #""value""# + comma + #""z""# + colon + "[1]}"
                    let bytes = Array(text.utf8)
                    assertAgree(bytes)
                    let captured: [String] = bytes.withUnsafeBufferPointer { buf in
                        var skipper = JSONSkipper(buf, at: 0)
                        var captures: [JSONSkipper.Capture] = []
                        guard skipper.skipValue(depth: 0, capturing: JSONKeySet([key, "z"]), into: &captures) else { return [] }
                        return captures.map { "\($0.key)=" + String(decoding: buf[$0.value], as: UTF8.self) }
                    }
                    XCTAssertEqual(captured, [#"0="value""#, "1=[1]"], text.debugDescription)
                }
            }
        }
    }

    /// A key spelled with an escape is captured under its decoded text.
    func test_escaped_keys_are_captured_decoded() {
        let bytes = Array(#"{"h\u006fstname": "x", "hostname2": 1}"#.utf8)
        let captured: [Int] = bytes.withUnsafeBufferPointer { buf in
            var skipper = JSONSkipper(buf, at: 0)
            var captures: [JSONSkipper.Capture] = []
            XCTAssertTrue(skipper.skipValue(depth: 0, capturing: JSONKeySet(["hostname"]), into: &captures))
            return captures.map(\.key)
        }
        XCTAssertEqual(captured, [0])
    }
}
