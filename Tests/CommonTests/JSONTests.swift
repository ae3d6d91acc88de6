import XCTest
@testable import Common

final class JSONTests: XCTestCase {
    func test_compact_uses_python_separators_and_keeps_key_order() {
        let v: JSONValue = ["b": 1, "a": [true, nil, 1.5], "c": "x"]
        XCTAssertEqual(JSONWriter.compactString(v), #"{"b": 1, "a": [true, null, 1.5], "c": "x"}"#)
    }
}
