import XCTest
@testable import Common

final class HTTPResponseWriterTests: XCTestCase {
    private let date = "Wed, 25 Nov 2026 01:02:03 GMT"
    private let notFoundPhrase = "Valid URLs are: /v1/metadata, /v1/metadata/health, /v1/metadata/disks, /v1/metadata/daemons, /v1/metadata/host"

    private func text(_ response: HTTPResponse, keepAlive: Bool = true, date: String? = nil,
                      version: HTTPVersion = .http1_1) -> String {
        String(decoding: HTTPResponseWriter.serialize(response, keepAlive: keepAlive, date: date ?? self.date, version: version), as: UTF8.self)
    }

    func test_200_is_written_with_date_fields_length_connection_and_body_in_that_order() {
        let response = HTTPResponse(status: 200, headers: [("Server", "cephadm-exporter"), ("Content-type", "application/json")],
                                    body: Array(#"{"a": 1}"#.utf8))
        XCTAssertEqual(text(response), "HTTP/1.1 200 OK\r\nDate: \(date)\r\nServer: cephadm-exporter\r\n"
            + "Content-type: application/json\r\nContent-Length: 8\r\nConnection: keep-alive\r\n\r\n{\"a\": 1}")
    }

    func test_Connection_close_is_written_when_not_keeping_alive() {
        XCTAssertEqual(text(HTTPResponse(status: 401), keepAlive: false),
                       "HTTP/1.1 401 Unauthorized\r\nDate: \(date)\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
    }

    func test_404_carries_the_custom_reason_phrase_and_json_body() {
        let body = Array(JSONWriter.compactString(["message": .string(notFoundPhrase)]).utf8)
        let response = HTTPResponse(status: 404, reason: notFoundPhrase, headers: [("Content-type", "application/json")], body: body)
        XCTAssertEqual(text(response), "HTTP/1.1 404 \(notFoundPhrase)\r\nDate: \(date)\r\nContent-type: application/json\r\n"
            + "Content-Length: \(body.count)\r\nConnection: keep-alive\r\n\r\n" + String(decoding: body, as: UTF8.self))
    }

    func test_204_has_no_body_and_no_Content_Length_even_if_one_is_given() {
        let response = HTTPResponse(status: 204, headers: [("Content-type", "application/json")], body: Array("{}".utf8))
        XCTAssertEqual(text(response), "HTTP/1.1 204 No Content\r\nDate: \(date)\r\nContent-type: application/json\r\nConnection: keep-alive\r\n\r\n")
    }

    func test_304_and_1xx_have_no_body_and_no_Content_Length() {
        XCTAssertEqual(text(HTTPResponse(status: 304, body: [1, 2])), "HTTP/1.1 304 Not Modified\r\nDate: \(date)\r\nConnection: keep-alive\r\n\r\n")
        XCTAssertEqual(text(HTTPResponse(status: 100, body: [1])), "HTTP/1.1 100 Continue\r\nDate: \(date)\r\nConnection: keep-alive\r\n\r\n")
    }

    func test_CR_LF_and_control_bytes_in_reason_and_fields_become_spaces() {
        let response = HTTPResponse(status: 501, reason: "Unsupported method ('X\r\nSet-Cookie: a')",
                                    headers: [("X-Note", "one\r\ntwo\0")])
        XCTAssertEqual(text(response, keepAlive: false), "HTTP/1.1 501 Unsupported method ('X  Set-Cookie: a')\r\nDate: \(date)\r\n"
            + "X-Note: one  two \r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
    }

    func test_caller_framing_fields_are_dropped_so_they_are_never_doubled() {
        let response = HTTPResponse(status: 200, headers: [("content-length", "99"), ("Connection", "close"), ("DATE", "x"),
                                                           ("Transfer-Encoding", "chunked"), ("X-Kept", "1")], body: [0x41])
        XCTAssertEqual(text(response), "HTTP/1.1 200 OK\r\nDate: \(date)\r\nX-Kept: 1\r\nContent-Length: 1\r\nConnection: keep-alive\r\n\r\nA")
    }

    func test_Date_is_left_out_when_not_given_and_the_version_can_be_1_0() {
        let bytes = HTTPResponseWriter.serialize(HTTPResponse(status: 500), keepAlive: false, date: nil, version: .http1_0)
        XCTAssertEqual(String(decoding: bytes, as: UTF8.self),
                       "HTTP/1.0 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
    }

    func test_a_30KB_body_is_copied_intact_after_the_head() {
        var rng = SeededGenerator(seed: 42)
        let body = (0..<30_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let bytes = HTTPResponseWriter.serialize(HTTPResponse(status: 200, body: body), keepAlive: true, date: date)
        let head = "HTTP/1.1 200 OK\r\nDate: \(date)\r\nContent-Length: 30000\r\nConnection: keep-alive\r\n\r\n"
        XCTAssertEqual(bytes.count, head.utf8.count + 30_000)
        XCTAssertEqual(Array(bytes.prefix(head.utf8.count)), Array(head.utf8))
        XCTAssertEqual(Array(bytes.suffix(30_000)), body)
    }

    func test_append_adds_to_an_existing_buffer() {
        var out = Array("previous".utf8)
        HTTPResponseWriter.append(HTTPResponse(status: 200, body: [0x42]), keepAlive: true, date: nil, to: &out)
        XCTAssertEqual(String(decoding: out, as: UTF8.self), "previousHTTP/1.1 200 OK\r\nContent-Length: 1\r\nConnection: keep-alive\r\n\r\nB")
    }

    func test_reason_table_has_standard_phrases_and_class_fallbacks() {
        XCTAssertEqual(HTTPStatus.reason(for: 200), "OK")
        XCTAssertEqual(HTTPStatus.reason(for: 206), "Partial Content")
        XCTAssertEqual(HTTPStatus.reason(for: 501), "Not Implemented")
        XCTAssertEqual(HTTPStatus.reason(for: 431), "Request Header Fields Too Large")
        XCTAssertEqual(HTTPStatus.reason(for: 499), "Client Error")
        XCTAssertEqual(HTTPStatus.reason(for: 599), "Server Error")
        XCTAssertTrue(HTTPStatus.forbidsBody(204))
        XCTAssertTrue(HTTPStatus.forbidsBody(304))
        XCTAssertTrue(HTTPStatus.forbidsBody(103))
        XCTAssertFalse(HTTPStatus.forbidsBody(200))
        XCTAssertFalse(HTTPStatus.forbidsBody(404))
    }
}
