import XCTest
@testable import Common

final class HTTPResponseParserTests: XCTestCase {
    private let notFoundPhrase = "Valid URLs are: /v1/metadata, /v1/metadata/health, /v1/metadata/disks, /v1/metadata/daemons, /v1/metadata/host"

    private func responses(_ text: String, closeAtEnd: Bool = true, limits: HTTPResponseLimits = .default,
                           file: StaticString = #filePath, line: UInt = #line) -> [(head: HTTPResponseHead, body: String)] {
        responseResults(text.bytes, limits: limits, closeAtEnd: closeAtEnd).compactMap { result in
            switch result {
            case .response(let head, let body): return (head, String(decoding: body, as: UTF8.self))
            case .error(let error): XCTFail("unexpected error: \(error)", file: file, line: line); return nil
            }
        }
    }

    private func only(_ text: String, closeAtEnd: Bool = true, file: StaticString = #filePath, line: UInt = #line) -> (head: HTTPResponseHead, body: String)? {
        let all = responses(text, closeAtEnd: closeAtEnd, file: file, line: line)
        XCTAssertEqual(all.count, 1, "expected one response", file: file, line: line)
        return all.first
    }

    private func error(_ text: String, closeAtEnd: Bool = true, limits: HTTPResponseLimits = .default,
                       file: StaticString = #filePath, line: UInt = #line) -> HTTPResponseParseError? {
        let results = responseResults(text.bytes, limits: limits, closeAtEnd: closeAtEnd)
        guard case .error(let error)? = results.last else {
            XCTFail("expected an error, got \(results)", file: file, line: line)
            return nil
        }
        return error
    }

    // MARK: - Framing

    func test_Content_Length_body_is_read_exactly_and_the_connection_stays_usable() {
        let response = only("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 8\r\n\r\n{\"a\": 1}", closeAtEnd: false)
        XCTAssertEqual(response?.head.status, 200)
        XCTAssertEqual(response?.head.reason, "OK")
        XCTAssertEqual(response?.head.header("content-type"), "application/json")
        XCTAssertEqual(response?.body, "{\"a\": 1}")
        XCTAssertEqual(response?.head.keepAlive, true)
    }

    func test_body_waits_for_all_its_bytes() {
        var parser = HTTPResponseParser()
        parser.append("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n01234".bytes)
        XCTAssertNil(parser.next())
        XCTAssertEqual(parser.bufferedBodyByteCount, 5)
        parser.append("56789".bytes)
        guard case .response(_, let body)? = parser.next() else { return XCTFail("expected the response") }
        XCTAssertEqual(String(decoding: body, as: UTF8.self), "0123456789")
        XCTAssertTrue(parser.isIdle)
    }

    func test_chunked_body_with_extensions_and_trailers_is_decoded() {
        let text = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5;name=value;q=\"a b\"\r\nhello\r\n19 \r\n, chunked world, 25 bytes\r\n0\r\nX-Checksum: abc\r\nX-Other:  2 \r\n\r\n"
        let response = only(text, closeAtEnd: false)
        XCTAssertEqual(response?.body, "hello, chunked world, 25 bytes")
        XCTAssertEqual(response?.head.trailers.map(\.name), ["X-Checksum", "X-Other"])
        XCTAssertEqual(response?.head.trailers.map(\.value), ["abc", "2"])
        XCTAssertEqual(response?.head.keepAlive, true)
    }

    func test_chunked_body_with_bare_LF_and_upper_case_hex_is_decoded() {
        let response = only("HTTP/1.1 200 OK\nTransfer-Encoding: gzip, Chunked\n\nA\n0123456789\n000\n\n", closeAtEnd: false)
        XCTAssertEqual(response?.body, "0123456789")
    }

    func test_HTTP_1_0_without_length_reads_until_the_connection_closes() {
        let pacific = "HTTP/1.0 200 OK\r\nServer: BaseHTTP/0.6 Python/3.8.10\r\nDate: Wed, 25 Nov 2026 00:25:31 GMT\r\n"
            + "Content-type: application/json\r\n\r\n{\"started_epoch_secs\": 1.5}"
        var parser = HTTPResponseParser()
        parser.append(pacific.bytes)
        XCTAssertNil(parser.next(), "the body is not complete until EOF")
        guard case .response(let head, let body)? = parser.finishAtEOF() else { return XCTFail("expected the response at EOF") }
        XCTAssertEqual(head.version, .http1_0)
        XCTAssertEqual(head.header("Date").flatMap(HTTPDate.parse), 1_795_566_331)
        XCTAssertEqual(String(decoding: body, as: UTF8.self), "{\"started_epoch_secs\": 1.5}")
        XCTAssertFalse(head.keepAlive)
        XCTAssertNil(parser.finishAtEOF(), "nothing more after the close")
    }

    func test_Connection_close_without_length_reads_until_EOF() {
        let response = only("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nline one\r\nline two")
        XCTAssertEqual(response?.body, "line one\r\nline two")
        XCTAssertEqual(response?.head.keepAlive, false)
    }

    func test_HTTP_1_1_without_length_is_also_delimited_by_close_and_not_reusable() {
        let response = only("HTTP/1.1 200 OK\r\n\r\nabc")
        XCTAssertEqual(response?.body, "abc")
        XCTAssertEqual(response?.head.keepAlive, false)
    }

    func test_204_and_304_have_no_body_and_the_next_response_follows() {
        let all = responses("HTTP/1.1 204 No Content\r\nContent-Length: 7\r\n\r\nHTTP/1.1 304 Not Modified\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", closeAtEnd: false)
        XCTAssertEqual(all.map(\.head.status), [204, 304, 200])
        XCTAssertEqual(all.map(\.body), ["", "", "ok"])
    }

    func test_Pacific_204_with_a_stray_body_is_not_reusable_and_the_stray_bytes_are_not_a_response() {
        var parser = HTTPResponseParser()
        parser.append("HTTP/1.0 204 No Content\r\nContent-type: application/json\r\n\r\n{}".bytes)
        guard case .response(let head, let body)? = parser.next() else { return XCTFail("expected the 204") }
        XCTAssertEqual(head.status, 204)
        XCTAssertEqual(body, [])
        XCTAssertFalse(head.keepAlive, "an HTTP/1.0 response without keep-alive must not be reused")
    }

    func test_interim_1xx_responses_are_skipped() {
        let response = only("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx", closeAtEnd: false)
        XCTAssertEqual(response?.head.status, 200)
        XCTAssertNil(response?.head.header("Link"))
        XCTAssertEqual(response?.body, "x")
    }

    func test_101_Switching_Protocols_is_an_error() {
        XCTAssertEqual(error("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n"), .unexpectedStatus(101))
    }

    func test_custom_reason_phrase_is_kept_and_a_missing_one_is_empty() {
        let response = only("HTTP/1.0 404 \(notFoundPhrase)\r\nContent-Length: 2\r\n\r\n{}")
        XCTAssertEqual(response?.head.reason, notFoundPhrase)
        XCTAssertEqual(only("HTTP/1.1 500\r\nContent-Length: 0\r\n\r\n", closeAtEnd: false)?.head.reason, "")
        XCTAssertEqual(only("HTTP/1.1 500 \r\nContent-Length: 0\r\n\r\n", closeAtEnd: false)?.head.reason, "")
    }

    func test_folded_response_header_is_joined_to_the_previous_value() {
        let response = only("HTTP/1.1 200 OK\r\nX-Long: first\r\n  second\r\nContent-Length: 0\r\n\r\n", closeAtEnd: false)
        XCTAssertEqual(response?.head.header("X-Long"), "first second")
    }

    // MARK: - Keep-alive

    func test_keep_alive_follows_version_and_Connection() {
        XCTAssertEqual(only("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", closeAtEnd: false)?.head.keepAlive, false)
        XCTAssertEqual(only("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n", closeAtEnd: false)?.head.keepAlive, true)
        XCTAssertEqual(only("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", closeAtEnd: false)?.head.keepAlive, false)
        XCTAssertEqual(only("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", closeAtEnd: false)?.head.keepAlive, true)
    }

    func test_Transfer_Encoding_with_Content_Length_uses_chunked_but_is_not_reusable() {
        let response = only("HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n", closeAtEnd: false)
        XCTAssertEqual(response?.body, "ab")
        XCTAssertEqual(response?.head.keepAlive, false)
    }

    func test_non_chunked_Transfer_Encoding_reads_until_EOF() {
        let response = only("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nzzz")
        XCTAssertEqual(response?.body, "zzz")
        XCTAssertEqual(response?.head.keepAlive, false)
    }

    // MARK: - Round trips

    func test_writer_output_parses_back_to_the_same_response() {
        let cases: [(HTTPResponse, Bool)] = [
            (HTTPResponse(status: 200, headers: [("Content-type", "application/json")], body: Array("{\"x\": [1, 2]}".utf8)), true),
            (HTTPResponse(status: 404, reason: notFoundPhrase, headers: [("Content-type", "application/json")], body: Array("{}".utf8)), true),
            (HTTPResponse(status: 204, headers: [("Content-type", "application/json")]), true),
            (HTTPResponse(status: 401, headers: [("Content-Type", "text/html;charset=utf-8")], body: Array("<p>no</p>".utf8)), false),
            (HTTPResponse(status: 206, body: (0..<70_000).map { UInt8($0 % 251) }), true),
        ]
        var stream: [UInt8] = []
        for (response, keepAlive) in cases {
            HTTPResponseWriter.append(response, keepAlive: keepAlive, date: HTTPDate.format(epochSeconds: 1_795_568_523), to: &stream)
        }
        for pieceSize in [0, 1, 1000] {
            let results = responseResults(stream, pieceSize: pieceSize, closeAtEnd: false)
            XCTAssertEqual(results.count, cases.count, "piece size \(pieceSize)")
            for (result, (response, keepAlive)) in zip(results, cases) {
                guard case .response(let head, let body) = result else { return XCTFail("\(result)") }
                XCTAssertEqual(head.status, response.status)
                XCTAssertEqual(head.reason, response.reason ?? HTTPStatus.reason(for: response.status))
                XCTAssertEqual(head.keepAlive, keepAlive)
                XCTAssertEqual(head.header("Date").flatMap(HTTPDate.parse), 1_795_568_523)
                XCTAssertEqual(body, HTTPStatus.forbidsBody(response.status) ? [] : response.body)
                for field in response.headers { XCTAssertEqual(head.header(field.name), field.value) }
            }
        }
    }

    // MARK: - Byte-at-a-time

    func test_byte_at_a_time_feeding_gives_the_same_results_as_all_at_once() {
        let inputs = [
            "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;e\r\nxyz\r\n0\r\nT: 1\r\n\r\n",
            "HTTP/1.0 200 OK\n\nclose-delimited",
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 404 Custom words here\r\nContent-Length: 0\r\n\r\n",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcd\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\ncut",
        ]
        for input in inputs {
            let whole = responseResults(input.bytes)
            XCTAssertFalse(whole.isEmpty, input)
            for size in [1, 2, 5, 13] {
                XCTAssertEqual(responseResults(input.bytes, pieceSize: size), whole, "piece size \(size) for \(input.prefix(40))")
            }
        }
    }

    // MARK: - Limits

    func test_head_over_the_limit_is_an_error_before_it_ends() {
        var parser = HTTPResponseParser(limits: HTTPResponseLimits(maxHeadBytes: 100))
        parser.append("HTTP/1.1 200 OK\r\nX: ".bytes)
        parser.append(Array(repeating: UInt8(ascii: "v"), count: 200))
        XCTAssertEqual(parser.next(), .error(.headTooLarge(limit: 100)))
        XCTAssertEqual(error("HTTP/1.1 200 OK\r\nX: " + String(repeating: "v", count: 70_000) + "\r\n\r\n"), .headTooLarge(limit: 65_536))
    }

    func test_too_many_header_fields_is_an_error() {
        let fields = (0..<3).map { "X-\($0): v\r\n" }.joined()
        XCTAssertEqual(error("HTTP/1.1 200 OK\r\n\(fields)\r\n", limits: HTTPResponseLimits(maxHeaderFields: 2)), .tooManyHeaderFields(limit: 2))
    }

    func test_Content_Length_over_the_body_limit_is_refused_before_the_body_arrives() {
        var parser = HTTPResponseParser(limits: HTTPResponseLimits(maxBodyBytes: 10))
        parser.append("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n".bytes)
        XCTAssertEqual(parser.next(), .error(.bodyTooLarge(limit: 10)))
        XCTAssertEqual(error("HTTP/1.1 200 OK\r\nContent-Length: 33554433\r\n\r\n"), .bodyTooLarge(limit: 32 * 1024 * 1024))
    }

    func test_chunked_and_close_delimited_bodies_over_the_limit_are_errors() {
        let limits = HTTPResponseLimits(maxBodyBytes: 10)
        XCTAssertEqual(error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\n012345\r\n5\r\n", limits: limits), .bodyTooLarge(limit: 10))
        XCTAssertEqual(error("HTTP/1.0 200 OK\r\n\r\n0123456789A", limits: limits), .bodyTooLarge(limit: 10))
        XCTAssertEqual(responseResults("HTTP/1.0 200 OK\r\n\r\n0123456789".bytes, limits: limits).count, 1, "exactly the limit is fine")
    }

    func test_overlong_chunk_size_line_is_an_error() {
        let limits = HTTPResponseLimits(maxChunkLineBytes: 16)
        XCTAssertEqual(error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;" + String(repeating: "e", count: 20), closeAtEnd: false, limits: limits),
                       .invalidChunk("chunk-size line longer than 16 bytes"))
    }

    // MARK: - Limits on what a flooding server controls

    func test_up_to_the_limit_of_interim_responses_are_skipped_and_one_more_is_an_error() {
        let limits = HTTPResponseLimits(maxInterimResponses: 3)
        let interim = String(repeating: "HTTP/1.1 100 Continue\r\n\r\n", count: 3)
        let final = "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx"
        for size in [0, 1, 5] {
            let ok = responseResults((interim + final).bytes, pieceSize: size, limits: limits, closeAtEnd: false)
            XCTAssertEqual(ok.count, 1, "split \(size)")
            guard case .response(let head, _)? = ok.first else { return XCTFail("split \(size): \(ok)") }
            XCTAssertEqual(head.status, 200)
            let flood = String(repeating: "HTTP/1.1 100 Continue\r\n\r\n", count: 50)
            XCTAssertEqual(responseResults(flood.bytes, pieceSize: size, limits: limits, closeAtEnd: false),
                           [.error(.tooManyInterimResponses(limit: 3))], "split \(size)")
        }
    }

    func test_the_interim_count_starts_again_for_each_response_on_the_connection() {
        let limits = HTTPResponseLimits(maxInterimResponses: 2)
        let one = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 102 Processing\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n"
        XCTAssertEqual(responseResults((one + one + one).bytes, limits: limits, closeAtEnd: false).count, 3)
    }

    func test_chunk_extensions_are_limited_in_total_per_response() {
        let limits = HTTPResponseLimits(maxChunkExtensionBytes: 100)
        let ext = ";" + String(repeating: "e", count: 39)  // 40 bytes per chunk line after the size
        let two = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\(ext)\r\na\r\n1\(ext)\r\nb\r\n0\r\n\r\n"
        XCTAssertEqual(responses(two, closeAtEnd: false, limits: limits).first?.body, "ab")
        var flood = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        for _ in 0..<10 { flood += "1\(ext)\r\nx\r\n" }
        for size in [0, 1, 9] {
            XCTAssertEqual(responseResults(flood.bytes, pieceSize: size, limits: limits, closeAtEnd: false),
                           [.error(.chunkExtensionsTooLarge(limit: 100))], "split \(size)")
        }
        // The budget is per response: the next response on the connection has its own.
        XCTAssertEqual(responseResults((two + two + two).bytes, limits: limits, closeAtEnd: false).count, 3)
    }

    func test_one_byte_chunks_with_4_KB_extensions_are_cut_off_by_default() {
        var flood = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        let chunk = "1;" + String(repeating: "x", count: 4000) + "\r\nA\r\n"
        for _ in 0..<100 { flood += chunk }
        let results = responseResults(flood.bytes, pieceSize: 512, closeAtEnd: false)
        XCTAssertEqual(results, [.error(.chunkExtensionsTooLarge(limit: HTTPResponseLimits.default.maxChunkExtensionBytes))])
    }

    func test_a_response_is_limited_in_total_bytes_including_framing() {
        // 10 chunks of 1 byte: body 10 bytes, 60 bytes of chunk framing.
        var text = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        for _ in 0..<10 { text += "1\r\nz\r\n" }
        text += "0\r\n\r\n"
        let total = text.utf8.count
        XCTAssertEqual(responseResults(text.bytes, limits: HTTPResponseLimits(maxResponseBytes: total), closeAtEnd: false).count, 1,
                       "exactly the limit is fine")
        for size in [0, 1, 4] {
            XCTAssertEqual(responseResults(text.bytes, pieceSize: size, limits: HTTPResponseLimits(maxResponseBytes: total - 1), closeAtEnd: false),
                           [.error(.responseTooLarge(limit: total - 1))], "split \(size)")
        }
        // Interim responses count against the response they precede; the next one starts at 0.
        let interim = "HTTP/1.1 100 Continue\r\n\r\n"
        let small = "HTTP/1.1 204 No Content\r\n\r\n"
        let limit = interim.utf8.count + small.utf8.count
        XCTAssertEqual(responseResults((interim + small + interim + small).bytes, limits: HTTPResponseLimits(maxResponseBytes: limit),
                                       closeAtEnd: false).count, 2)
        XCTAssertEqual(responseResults((interim + interim + small).bytes, limits: HTTPResponseLimits(maxResponseBytes: limit),
                                       closeAtEnd: false), [.error(.responseTooLarge(limit: limit))])
    }

    func test_a_close_delimited_body_is_held_to_the_total_too() {
        let text = "HTTP/1.0 200 OK\r\n\r\n" + String(repeating: "b", count: 50)
        let limits = HTTPResponseLimits(maxResponseBytes: text.utf8.count - 1)
        XCTAssertEqual(responseResults(text.bytes, limits: limits), [.error(.responseTooLarge(limit: text.utf8.count - 1))])
        XCTAssertEqual(responseResults(text.bytes, limits: HTTPResponseLimits(maxResponseBytes: text.utf8.count)).count, 1)
    }

    func test_the_default_total_is_twice_the_body_limit() {
        XCTAssertEqual(HTTPResponseLimits(maxBodyBytes: 8 << 20).maxResponseBytes, 16 << 20)
        XCTAssertEqual(HTTPResponseLimits(maxBodyBytes: Int.max).maxResponseBytes, Int.max)
    }

    func test_flood_errors_name_the_limit() {
        XCTAssertEqual(HTTPResponseParseError.tooManyInterimResponses(limit: 10).description,
                       "the server sent more than 10 informational (1xx) responses before the final one")
        XCTAssertTrue(HTTPResponseParseError.chunkExtensionsTooLarge(limit: 16384).description.contains("16384 bytes of chunk extensions"))
        XCTAssertTrue(HTTPResponseParseError.responseTooLarge(limit: 99).description.contains("more than 99 bytes for one response"))
    }

    // MARK: - Truncation and malformed input

    func test_truncated_responses_are_errors_at_EOF() {
        XCTAssertEqual(error("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123"), .truncated("after 4 of 10 body bytes"))
        XCTAssertEqual(error("HTTP/1.1 200 OK\r\nContent-Le"), .truncated("in the middle of the response head"))
        XCTAssertEqual(error("HTT"), .truncated("in the middle of the response head"))
        XCTAssertEqual(error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab"), .truncated("inside a chunked body, after 2 bytes"))
        XCTAssertEqual(error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n"), .truncated("inside a chunked body, after 0 bytes"))
    }

    func test_clean_close_between_responses_is_not_an_error() {
        var parser = HTTPResponseParser()
        XCTAssertNil(parser.finishAtEOF())
        parser.append("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".bytes)
        XCTAssertNotNil(parser.next())
        XCTAssertNil(parser.finishAtEOF())
    }

    func test_finishAtEOF_returns_a_complete_buffered_response_first() {
        var parser = HTTPResponseParser()
        parser.append("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nA".bytes)
        guard case .response(_, let body)? = parser.finishAtEOF() else { return XCTFail("expected the buffered response") }
        XCTAssertEqual(body, [UInt8(ascii: "A")])
        XCTAssertNil(parser.finishAtEOF())
    }

    func test_malformed_status_lines_and_versions_are_errors() {
        for line in ["HTTP/1.1 20 OK", "HTTP/1.1 2000 OK", "HTTP/1.1 abc OK", "ICY 200 OK", "HTTP/1.1  200 OK", "HTTP/1.1 099 Low", "HTTP/1.1 600 High",
                     "HTTP/1.1 200 O\u{1}K"] {
            guard case .malformedStatusLine? = error(line + "\r\n\r\n") else { return XCTFail(line) }
        }
        XCTAssertEqual(error("HTTP/2 200 OK\r\n\r\n"), .unsupportedVersion("HTTP/2"))
        XCTAssertEqual(error("HTTP/2.0 200 OK\r\n\r\n"), .unsupportedVersion("HTTP/2.0"))
    }

    func test_bad_framing_is_an_error() {
        XCTAssertEqual(error("HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n"), .invalidContentLength("Content-Length \"1x\" is not a decimal byte count"))
        guard case .invalidContentLength? = error("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab") else { return XCTFail() }
        XCTAssertEqual(error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"), .invalidChunk("chunk-size line does not start with a hex size"))
        XCTAssertEqual(error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n"), .invalidChunk("chunk data is longer than its declared size"))
        XCTAssertEqual(error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\rX"), .invalidChunk("chunk data is not followed by CRLF"))
        XCTAssertEqual(error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1000000000000000\r\n"), .invalidChunk("chunk size is too large"))
        XCTAssertEqual(error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2 x\r\n"), .invalidChunk("unexpected character after the chunk size"))
    }

    func test_bad_header_lines_are_errors_with_their_line_number() {
        XCTAssertEqual(error("HTTP/1.1 200 OK\r\nA: 1\r\nBroken\r\n\r\n"), .invalidHeaderField(line: 3, "has no colon"))
        XCTAssertEqual(error("HTTP/1.1 200 OK\r\n folded-first\r\n\r\n"), .invalidHeaderField(line: 2, "starts with whitespace but follows no field"))
    }

    func test_errors_are_final() {
        var parser = HTTPResponseParser()
        parser.append("nonsense\r\n".bytes)
        let first = parser.next()
        parser.append("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".bytes)
        XCTAssertEqual(parser.next(), first)
        XCTAssertEqual(parser.finishAtEOF(), first)
        XCTAssertEqual(parser.bufferedByteCount, 0)
    }

    func test_error_descriptions_name_the_problem() {
        XCTAssertEqual(HTTPResponseParseError.bodyTooLarge(limit: 10).description, "response body exceeds 10 bytes")
        XCTAssertEqual(HTTPResponseParseError.truncated("after 4 of 10 body bytes").description, "connection closed early: after 4 of 10 body bytes")
        XCTAssertEqual(HTTPResponseParseError.unexpectedStatus(101).description, "unexpected status 101 Switching Protocols (it was not requested)")
    }
}
