import XCTest
@testable import Common

/// Below this many keys an object's duplicate check scans the hashes (at most 15 per key).
enum KeyHashBound {
    static let smallObjectProbes = 16 * 16
}

final class JSONTests: XCTestCase {
    func test_compact_uses_python_separators_and_keeps_key_order() {
        let v: JSONValue = ["b": 1, "a": [true, nil, 1.5], "c": "x"]
        XCTAssertEqual(JSONWriter.compactString(v), #"{"b": 1, "a": [true, null, 1.5], "c": "x"}"#)
    }
}

final class JSONParserTests: XCTestCase {
    private func object(keys: Int, _ key: (Int) -> String) -> [UInt8] {
        var text = "{"
        for i in 0..<keys { text += (i > 0 ? ", " : "") + "\"\(key(i))\": \(i)" }
        return Array((text + "}").utf8)
    }

    func test_fifty_thousand_distinct_keys_cost_linear_work() throws {
        var stats = JSONParseStatistics()
        let value = try JSONParser.parse(object(keys: 50_000) { "key-\($0)" }, statistics: &stats)
        XCTAssertEqual(value.objectValue?.count, 50_000)
        XCTAssertEqual(stats.objectKeys, 50_000)
        // A scan of every earlier key (the old duplicate check) would be 1.25 billion probes.
        XCTAssertLessThan(stats.hashProbes, 2 * 50_000 + KeyHashBound.smallObjectProbes)
        XCTAssertLessThan(stats.keyComparisons, 10, "distinct keys meet only on a 64-bit hash collision")
    }

    func test_fifty_thousand_repeats_of_one_key_cost_one_comparison_each() throws {
        var stats = JSONParseStatistics()
        let value = try JSONParser.parse(object(keys: 50_000) { _ in "same" }, statistics: &stats)
        XCTAssertEqual(value.objectValue?.keys, ["same"])
        XCTAssertEqual(value["same"], 49_999)
        XCTAssertEqual(stats.keyComparisons, 49_999)
        XCTAssertEqual(stats.hashProbes, 49_999)
    }

    func test_duplicates_are_found_in_large_objects_too() throws {
        var keys = (0..<100).map { "k\($0)" }
        keys += ["k3", "k77", "\\u006b50"]  // the last spells k50 with an escape
        let value = try JSONParser.parse(object(keys: keys.count) { keys[$0] })
        XCTAssertEqual(value.objectValue?.count, 100)
        XCTAssertEqual(value["k3"], 100)
        XCTAssertEqual(value["k77"], 101)
        XCTAssertEqual(value["k50"], 102)
        XCTAssertEqual(value.objectValue?.keys.prefix(4), ["k0", "k1", "k2", "k3"])
    }

    func test_duplicate_keys_keep_the_first_position_and_the_last_value() throws {
        let v = try JSONParser.parse(#"{"a": 1, "b": 2, "a": 3}"#)
        XCTAssertEqual(v.objectValue?.keys, ["a", "b"])
        XCTAssertEqual(v["a"], 3)
    }

    func test_escaped_and_plain_spellings_of_a_key_are_the_same_key() throws {
        let v = try JSONParser.parse(#"{"a": 1, "\u0061": 2}"#)
        XCTAssertEqual(v.objectValue?.count, 1)
        XCTAssertEqual(v["a"], 2)
    }

    func test_keys_are_compared_byte_for_byte_like_python_not_by_unicode_equivalence() throws {
        // "é" precomposed and "e" + combining acute are equal Swift Strings but distinct JSON keys.
        let v = try JSONParser.parse("{\"\u{E9}\": 1, \"e\u{301}\": 2}")
        XCTAssertEqual(v.objectValue?.count, 2)
        XCTAssertEqual(v["\u{E9}"], 1)
        XCTAssertEqual(v["e\u{301}"], 2)
    }

    func test_invalid_UTF8_in_a_string_is_refused_at_its_byte() {
        // The fuzz finding: two different invalid spellings must not decode into one key.
        let finding: [UInt8] = Array(#"{""#.utf8) + [0xDB] + Array(#"a": 1, ""#.utf8) + [0xFF] + Array(#"a": 2}"#.utf8)
        XCTAssertThrowsError(try JSONParser.parse(finding)) {
            XCTAssertEqual($0 as? JSONParseError, JSONParseError(offset: 2, reason: "invalid UTF-8 in string (byte 0xdb)"))
        }
        let bad: [(String, [UInt8])] = [
            ("stray continuation byte", [0x80]), ("overlong slash", [0xC0, 0xAF]), ("overlong 3-byte", [0xE0, 0x80, 0x80]),
            ("UTF-16 surrogate", [0xED, 0xA0, 0x80]), ("past U+10FFFF", [0xF4, 0x90, 0x80, 0x80]), ("lead byte F5", [0xF5]),
            ("truncated at the end", [0xE2, 0x82]), ("truncated before ASCII", [0xE2, 0x82, 0x41]),
        ]
        for (what, bytes) in bad {
            XCTAssertThrowsError(try JSONParser.parse([0x22, 0x41] + bytes + [0x22]), what) {
                XCTAssertEqual(($0 as? JSONParseError)?.offset, 2, what)
            }
        }
        XCTAssertThrowsError(try JSONParser.parse([0xDB])) {
            XCTAssertEqual(($0 as? JSONParseError)?.reason, "unexpected byte 0xdb", "outside strings too")
        }
    }

    func test_well_formed_UTF8_of_every_length_is_kept() throws {
        for text in ["é", "€", "\u{10348}", "\u{10FFFF}", "a\u{7F}b", "\u{FFFD}"] {
            XCTAssertEqual(try JSONParser.parse("[\"\(text)\"]"), .array([.string(text)]), text)
        }
    }

    func test_local_tool_output_has_invalid_UTF8_replaced_before_the_strict_parse() throws {
        let bytes: [UInt8] = Array(#"{"model": ""#.utf8) + [0xE9] + Array(#"cran", "a": 1}"#.utf8)
        XCTAssertThrowsError(try JSONParser.parse(bytes))
        let value = try JSONParser.parse(replacingInvalidUTF8: bytes)
        XCTAssertEqual(value["model"], .string("\u{FFFD}cran"))
        XCTAssertEqual(String(decoding: JSONWriter.compact(value), as: UTF8.self), #"{"model": "\ufffdcran", "a": 1}"#)
    }

    func test_round_trip_keeps_order_types_and_escapes() throws {
        let text = #"{"z": [1, 2.5, -3e-05, true, false, null], "é": "line\nbreak \"q\" \ud83d\ude00", "n": {}}"#
        let v = try JSONParser.parse(text)
        XCTAssertEqual(try JSONParser.parse(JSONWriter.compact(v)), v)
        XCTAssertEqual(v.objectValue?.keys, ["z", "é", "n"])
        XCTAssertEqual(v["é"]?.stringValue, "line\nbreak \"q\" 😀")
    }

    func test_malformed_documents_report_the_offset() {
        for bad in ["", "{", "[1,]", #"{"a" 1}"#, "01", "1 2", #""\x""#, "[" + String(repeating: "[", count: 300)] {
            XCTAssertThrowsError(try JSONParser.parse(bad), bad)
        }
        XCTAssertThrowsError(try JSONParser.parse("[1, @]")) { XCTAssertEqual(($0 as? JSONParseError)?.offset, 4) }
    }
}

final class JSONNumberTests: XCTestCase {
    func test_integers_of_every_length_keep_their_value_and_type() throws {
        for text in ["0", "-0", "7", "-42", "274877906944", "999999999999999999", "-999999999999999999",
                     "9223372036854775807", "-9223372036854775808"] {
            XCTAssertEqual(try JSONParser.parse(text), .int(Int64(text)!), text)
        }
        XCTAssertEqual(try JSONParser.parse("99999999999999999999"), .double(1e20), "too large for Int64: a double")
        XCTAssertEqual(try JSONParser.parse("1.5e3"), .double(1500))
        XCTAssertEqual(try JSONParser.parse("-0.25"), .double(-0.25))
    }
}
