import XCTest
@testable import Common

final class HTTPRequestParserTests: XCTestCase {
    private func onlyRequest(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> HTTPRequestHead? {
        let results = requestResults(text.bytes)
        guard results.count == 1, case .request(let head) = results[0] else {
            XCTFail("expected one request, got \(results)", file: file, line: line)
            return nil
        }
        return head
    }

    private func error(_ text: String, limits: HTTPLimits = .default, file: StaticString = #filePath, line: UInt = #line) -> HTTPParseError? {
        let results = requestResults(text.bytes, limits: limits)
        guard case .error(let error)? = results.last else {
            XCTFail("expected an error, got \(results)", file: file, line: line)
            return nil
        }
        return error
    }

    private func status(_ text: String, limits: HTTPLimits = .default, file: StaticString = #filePath, line: UInt = #line) -> Int? {
        error(text, limits: limits, file: file, line: line)?.status
    }

    // MARK: - Well-formed requests

    func test_get_is_parsed_into_method_target_version_and_trimmed_headers_in_order() {
        let head = onlyRequest("GET /v1/metadata HTTP/1.1\r\nHost: node1:9443\r\nAuthorization:  Bearer tok \t\r\nAccept:*/*\r\n\r\n")
        XCTAssertEqual(head?.method, "GET")
        XCTAssertEqual(head?.target, "/v1/metadata")
        XCTAssertEqual(head?.version, .http1_1)
        XCTAssertEqual(head?.headers.map(\.name), ["Host", "Authorization", "Accept"])
        XCTAssertEqual(head?.headers.map(\.value), ["node1:9443", "Bearer tok", "*/*"])
    }

    func test_target_is_kept_byte_for_byte_with_query_and_double_slash() {
        XCTAssertEqual(onlyRequest("GET //v1/metadata?x=1&y=%20 HTTP/1.1\r\n\r\n")?.target, "//v1/metadata?x=1&y=%20")
        XCTAssertEqual(onlyRequest("OPTIONS * HTTP/1.1\r\n\r\n")?.target, "*")
    }

    func test_header_lookup_is_case_insensitive_and_the_first_field_wins() {
        let head = onlyRequest("GET / HTTP/1.1\r\nx-trace: first\r\nX-TRACE: second\r\nauthorization: Bearer t\r\n\r\n")
        XCTAssertEqual(head?.header("X-Trace"), "first")
        XCTAssertEqual(head?.header("Authorization"), "Bearer t")
        XCTAssertNil(head?.header("Host"))
    }

    func test_a_second_Authorization_or_Host_field_is_refused_with_400() {
        XCTAssertEqual(error("GET / HTTP/1.1\r\nauthorization: Bearer first\r\nAUTHORIZATION: Bearer second\r\n\r\n"),
                       .duplicateField("Authorization"))
        XCTAssertEqual(error("GET / HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer t\r\nhost: b\r\n\r\n"), .duplicateField("Host"))
        XCTAssertEqual(HTTPParseError.duplicateField("Authorization").status, 400)
        XCTAssertEqual(HTTPParseError.duplicateField("Authorization").description, "more than one Authorization header field")
    }

    func test_up_to_the_limit_of_empty_lines_before_a_request_are_skipped_and_one_more_is_400() {
        let limits = HTTPLimits(maxEmptyLinesBeforeRequest: 3)
        XCTAssertEqual(requestResults("\r\n\n\r\nGET /x HTTP/1.1\r\n\r\n".bytes, limits: limits), [.request(HTTPRequestHead(method: "GET", target: "/x", version: .http1_1))])
        XCTAssertEqual(error("\r\n\r\n\n\r\nGET /x HTTP/1.1\r\n\r\n", limits: limits), .tooManyEmptyLines(limit: 3))
        XCTAssertEqual(HTTPParseError.tooManyEmptyLines(limit: 3).status, 400)
        // The count starts again for each request of a pipeline.
        let pipelined = "\r\n\r\n\r\nGET /a HTTP/1.1\r\n\r\n\r\n\r\n\r\nGET /b HTTP/1.1\r\n\r\n"
        XCTAssertEqual(requestResults(pipelined.bytes, limits: limits).count, 2)
        XCTAssertEqual(requestResults(pipelined.bytes, pieceSize: 1, limits: limits).count, 2)
    }

    func test_no_stream_of_bytes_takes_more_than_maxRequestBytes_before_an_answer() {
        // Endless header lines after the most empty lines allowed; an endless request line;
        // endless field values: each is answered (refused) within the per-request total.
        let limits = HTTPLimits(maxRequestLineBytes: 100, maxHeaderBlockBytes: 300, maxHeaderFields: 100, maxEmptyLinesBeforeRequest: 4)
        let streams: [[UInt8]] = [
            Array(("\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\n" + String(repeating: "X-A: b\r\n", count: 200)).utf8),
            Array(("GET /" + String(repeating: "a", count: 1000)).utf8),
            Array(("\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\nX-Long: " + String(repeating: "v", count: 1000)).utf8),
        ]
        for (i, stream) in streams.enumerated() {
            var parser = HTTPRequestParser(limits: limits)
            var fed = 0
            var result: HTTPParseResult?
            while result == nil, fed < stream.count {
                parser.append([stream[fed]])
                fed += 1
                result = parser.next()
            }
            guard case .error? = result else { return XCTFail("stream \(i): \(String(describing: result))") }
            XCTAssertLessThanOrEqual(fed, limits.maxRequestBytes, "stream \(i)")
        }
    }

    func test_a_stream_of_CRLFs_is_refused_after_the_limit_whatever_the_split() {
        let flood = Array(repeating: "\r\n".bytes, count: 100).flatMap { $0 }
        for size in [0, 1, 3, 7] {
            XCTAssertEqual(requestResults(flood, pieceSize: size), [.error(.tooManyEmptyLines(limit: HTTPLimits.default.maxEmptyLinesBeforeRequest))])
        }
    }

    func test_unknown_methods_are_parsed_so_the_server_can_answer_501() {
        XCTAssertEqual(onlyRequest("PATCH /v1/metadata HTTP/1.1\r\n\r\n")?.method, "PATCH")
        XCTAssertEqual(onlyRequest("M-SEARCH * HTTP/1.1\r\n\r\n")?.method, "M-SEARCH")
    }

    func test_bare_LF_line_endings_are_accepted() {
        let head = onlyRequest("GET /a HTTP/1.1\nHost: x\n\n")
        XCTAssertEqual(head?.target, "/a")
        XCTAssertEqual(head?.header("Host"), "x")
    }

    func test_missing_Host_on_HTTP_1_1_is_accepted() {
        XCTAssertEqual(onlyRequest("GET / HTTP/1.1\r\n\r\n")?.headers.count, 0)
    }

    func test_empty_lines_before_the_request_line_are_ignored() {
        XCTAssertEqual(onlyRequest("\r\n\n\r\nGET /x HTTP/1.1\r\n\r\n")?.target, "/x")
    }

    func test_zero_Content_Length_is_not_a_body() {
        XCTAssertEqual(onlyRequest("GET / HTTP/1.1\r\nContent-Length: 0\r\n\r\n")?.header("content-length"), "0")
    }

    func test_later_HTTP_1_minor_versions_are_accepted_as_1_x() {
        XCTAssertEqual(onlyRequest("GET / HTTP/1.2\r\n\r\n")?.version, HTTPVersion(major: 1, minor: 2))
    }

    func test_header_values_may_be_empty_and_keep_inner_spaces_and_obs_text() {
        let head = onlyRequest("GET / HTTP/1.1\r\nX-Empty:\r\nX-Inner: a  b\tc\r\nX-Latin: caf\u{E9}\r\n\r\n")
        XCTAssertEqual(head?.header("X-Empty"), "")
        XCTAssertEqual(head?.header("X-Inner"), "a  b\tc")
        XCTAssertEqual(head?.header("X-Latin"), "caf\u{E9}")
    }

    // MARK: - Incremental feeding and pipelining

    func test_incomplete_head_asks_for_more_bytes() {
        var parser = HTTPRequestParser()
        parser.append("GET / HTTP/1.1\r\nHost: x\r\n".bytes)
        XCTAssertNil(parser.next())
        parser.append("\r".bytes)
        XCTAssertNil(parser.next())
        parser.append("\n".bytes)
        XCTAssertEqual(parser.next(), .request(HTTPRequestHead(method: "GET", target: "/", version: .http1_1, headers: [("Host", "x")])))
        XCTAssertNil(parser.next())
        XCTAssertTrue(parser.isIdle)
    }

    func test_pipelined_requests_come_out_in_order_and_the_partial_third_waits() {
        var parser = HTTPRequestParser()
        parser.append("GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\nConnection: close\r\n\r\nGET /3 HT".bytes)
        guard case .request(let first)? = parser.next(), case .request(let second)? = parser.next() else {
            return XCTFail("expected two requests")
        }
        XCTAssertEqual([first.target, second.target], ["/1", "/2"])
        XCTAssertEqual([first.keepAlive, second.keepAlive], [true, false])
        XCTAssertNil(parser.next())
        XCTAssertEqual(parser.bufferedByteCount, "GET /3 HT".utf8.count)
        XCTAssertFalse(parser.isIdle)
        parser.append("TP/1.1\r\n\r\n".bytes)
        guard case .request(let third)? = parser.next() else { return XCTFail("expected the third request") }
        XCTAssertEqual(third.target, "/3")
    }

    func test_many_pipelined_requests_in_one_read_are_all_returned() {
        let burst = String(repeating: "GET /v1/metadata/health HTTP/1.1\r\nHost: h\r\n\r\n", count: 500)
        let results = requestResults(burst.bytes)
        XCTAssertEqual(results.count, 500)
        XCTAssertTrue(results.allSatisfy { if case .request(let head) = $0 { return head.target == "/v1/metadata/health" } else { return false } })
    }

    func test_raw_pointer_append_matches_array_append() {
        let text = "GET /p HTTP/1.0\r\nConnection: keep-alive\r\n\r\n".bytes
        var parser = HTTPRequestParser()
        text.withUnsafeBytes { parser.append($0) }
        XCTAssertEqual(parser.next(), requestResults(text).first)
    }

    func test_byte_at_a_time_feeding_gives_the_same_results_as_all_at_once() {
        let inputs = [
            "GET /a HTTP/1.1\r\nHost: x\r\nX: 1\r\n\r\nGET /b HTTP/1.0\r\n\r\n",
            "GET /a HTTP/1.1\nHost: x\n\n\nGET /b HTTP/1.1\n\n",
            "GET / HTTP/1.1\r\nBad Header: x\r\n\r\n",
            "GET / HTTP/1.1\r\nContent-Length: 4\r\n\r\nbody",
            "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
            "GET /" + String(repeating: "a", count: 9000) + " HTTP/1.1\r\n\r\n",
            "GET / HTTP/1.1\r\nX: " + String(repeating: "b", count: 17000) + "\r\n\r\n",
        ]
        for input in inputs {
            let whole = requestResults(input.bytes)
            XCTAssertFalse(whole.isEmpty, input)
            for size in [1, 2, 3, 7, 64] {
                XCTAssertEqual(requestResults(input.bytes, pieceSize: size), whole, "piece size \(size) for \(input.prefix(40))")
            }
        }
    }

    // MARK: - Keep-alive

    func test_HTTP_1_1_keeps_alive_unless_Connection_close() {
        XCTAssertEqual(onlyRequest("GET / HTTP/1.1\r\n\r\n")?.keepAlive, true)
        XCTAssertEqual(onlyRequest("GET / HTTP/1.1\r\nConnection: close\r\n\r\n")?.keepAlive, false)
        XCTAssertEqual(onlyRequest("GET / HTTP/1.1\r\nConnection: Upgrade, CLOSE\r\n\r\n")?.keepAlive, false)
        XCTAssertEqual(onlyRequest("GET / HTTP/1.1\r\nConnection: keep-alive\r\nConnection: close\r\n\r\n")?.keepAlive, false)
        XCTAssertEqual(onlyRequest("GET / HTTP/1.1\r\nConnection: closed\r\n\r\n")?.keepAlive, true)
    }

    func test_HTTP_1_0_keeps_alive_only_when_asked() {
        XCTAssertEqual(onlyRequest("GET / HTTP/1.0\r\n\r\n")?.keepAlive, false)
        XCTAssertEqual(onlyRequest("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n")?.keepAlive, true)
        XCTAssertEqual(onlyRequest("GET / HTTP/1.0\r\nConnection: TE ,keep-alive \r\n\r\n")?.keepAlive, true)
        XCTAssertEqual(onlyRequest("GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n")?.keepAlive, false)
    }

    // MARK: - Limits

    func test_request_line_of_exactly_the_limit_is_accepted() {
        let target = "/" + String(repeating: "a", count: 8192 - "GET  HTTP/1.1".utf8.count - 1)
        let line = "GET \(target) HTTP/1.1"
        XCTAssertEqual(line.utf8.count, 8192)
        XCTAssertEqual(onlyRequest(line + "\r\n\r\n")?.target, target)
    }

    func test_request_line_over_the_limit_is_414() {
        let line = "GET /" + String(repeating: "a", count: 8192) + " HTTP/1.1"
        XCTAssertEqual(error(line + "\r\n\r\n"), .requestLineTooLong(limit: 8192))
        XCTAssertEqual(status(line + "\r\n\r\n"), 414)
    }

    func test_request_line_over_the_limit_is_refused_before_its_line_ending_arrives() {
        var parser = HTTPRequestParser()
        parser.append(Array(repeating: UInt8(ascii: "A"), count: 8192))
        XCTAssertNil(parser.next(), "8192 bytes may still be a valid line")
        parser.append("\r".bytes)
        XCTAssertNil(parser.next(), "a trailing CR may be the start of CRLF")
        parser.append("A".bytes)
        XCTAssertEqual(parser.next(), .error(.requestLineTooLong(limit: 8192)))
        XCTAssertEqual(parser.bufferedByteCount, 0, "the refused bytes are released")
    }

    func test_header_block_over_the_limit_is_431() {
        let big = "X-Big: " + String(repeating: "b", count: 16 * 1024) + "\r\n"
        XCTAssertEqual(error("GET / HTTP/1.1\r\n" + big + "\r\n"), .headerBlockTooLarge(limit: 16 * 1024))
    }

    func test_header_block_of_exactly_the_limit_is_accepted() {
        let field = "X: " + String(repeating: "v", count: 16 * 1024 - 5) + "\r\n"
        XCTAssertEqual(field.utf8.count, 16 * 1024)
        XCTAssertEqual(onlyRequest("GET / HTTP/1.1\r\n" + field + "\r\n")?.headers.count, 1)
    }

    func test_header_block_over_the_limit_is_refused_before_the_line_ends() {
        var parser = HTTPRequestParser()
        parser.append("GET / HTTP/1.1\r\nX: ".bytes)
        parser.append(Array(repeating: UInt8(ascii: "v"), count: 16 * 1024))
        XCTAssertEqual(parser.next(), .error(.headerBlockTooLarge(limit: 16 * 1024)))
    }

    func test_more_than_100_header_fields_is_431_and_100_are_accepted() {
        let hundred = (1...100).map { "X-\($0): v\r\n" }.joined()
        XCTAssertEqual(onlyRequest("GET / HTTP/1.1\r\n" + hundred + "\r\n")?.headers.count, 100)
        XCTAssertEqual(error("GET / HTTP/1.1\r\n" + hundred + "X-101: v\r\n\r\n"), .tooManyHeaderFields(limit: 100))
        XCTAssertEqual(HTTPParseError.tooManyHeaderFields(limit: 100).status, 431)
    }

    func test_custom_limits_are_honoured() {
        let limits = HTTPLimits(maxRequestLineBytes: 20, maxHeaderBlockBytes: 30, maxHeaderFields: 2)
        XCTAssertEqual(status("GET /0123456789abcdef HTTP/1.1\r\n\r\n", limits: limits), 414)
        XCTAssertEqual(error("GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", limits: limits), .tooManyHeaderFields(limit: 2))
        XCTAssertEqual(requestResults("GET / HTTP/1.1\r\nA: 0123456789012345678901234\r\n\r\n".bytes, limits: limits).count, 1,
                       "30 bytes is exactly the limit")
        XCTAssertEqual(error("GET / HTTP/1.1\r\nA: 01234567890123456789012345\r\n\r\n", limits: limits), .headerBlockTooLarge(limit: 30))
    }

    func test_buffer_never_exceeds_the_limits_under_an_endless_header_stream() {
        var parser = HTTPRequestParser()
        parser.append("GET / HTTP/1.1\r\n".bytes)
        var refused = false
        for index in 0..<10_000 {
            parser.append("X-\(index): some value\r\n".bytes)
            if case .error(let error)? = parser.next() {
                XCTAssertEqual(error.status, 431)
                refused = true
                break
            }
            XCTAssertLessThanOrEqual(parser.bufferedByteCount, HTTPLimits.default.maxBufferedBytes)
        }
        XCTAssertTrue(refused)
    }

    // MARK: - Bodies

    func test_a_request_body_is_413() {
        XCTAssertEqual(error("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello"), .bodyNotAccepted(method: "POST", detail: "Content-Length: 5"))
        XCTAssertEqual(status("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"), 413)
        XCTAssertEqual(status("GET / HTTP/1.1\r\nContent-Length: 0\r\nTransfer-Encoding: identity\r\n\r\n"), 413)
        XCTAssertEqual(HTTPParseError.bodyNotAccepted(method: "PUT", detail: "x").reason, "Content Too Large")
    }

    func test_bad_or_conflicting_Content_Length_is_400() {
        XCTAssertEqual(status("GET / HTTP/1.1\r\nContent-Length: abc\r\n\r\n"), 400)
        XCTAssertEqual(status("GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n"), 400)
        XCTAssertEqual(status("GET / HTTP/1.1\r\nContent-Length:\r\n\r\n"), 400)
        XCTAssertEqual(status("GET / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n"), 400)
        XCTAssertEqual(error("GET / HTTP/1.1\r\nContent-Length: 0\r\nContent-Length: 2\r\n\r\n"),
                       .invalidContentLength("conflicting Content-Length values 0 and 2"))
        XCTAssertEqual(status("GET / HTTP/1.1\r\nContent-Length: 0, 1\r\n\r\n"), 400)
        // An empty element of the list, first or last, is not a byte count.
        XCTAssertEqual(status("GET / HTTP/1.1\r\nContent-Length: 3,\r\n\r\nabc"), 400)
        XCTAssertEqual(status("GET / HTTP/1.1\r\nContent-Length: , 3\r\n\r\nabc"), 400)
    }

    func test_repeated_identical_Content_Length_is_413_not_400() {
        XCTAssertEqual(status("GET / HTTP/1.1\r\nContent-Length: 3, 3\r\nContent-Length: 3\r\n\r\nabc"), 413)
    }

    // MARK: - Malformed input

    func test_malformed_request_lines_are_400() {
        for line in ["GET", "GET /", "GET  / HTTP/1.1", "GET / HTTP/1.1 extra", "GET / http/1.1", "GET / HTTP/1.",
                     "GET / HTTP/1.1x", "G(T / HTTP/1.1", " GET / HTTP/1.1", "GET /a\u{7F} HTTP/1.1", "GET /\u{E9} HTTP/1.1",
                     "GET /a\tb HTTP/1.1", "GET / HTTP/1.1 ", "GET / HTTP/11.1", "GET / HTTP"] {
            XCTAssertEqual(status(line + "\r\n\r\n"), 400, line)
        }
    }

    func test_bad_header_syntax_is_400_with_the_line_number() {
        XCTAssertEqual(error("GET / HTTP/1.1\r\nHost: x\r\nNoColon\r\n\r\n"), .invalidHeaderField(line: 3, "has no colon"))
        XCTAssertEqual(error("GET / HTTP/1.1\r\nHost : x\r\n\r\n"), .invalidHeaderField(line: 2, "has whitespace before the colon"))
        XCTAssertEqual(error("GET / HTTP/1.1\r\n: x\r\n\r\n"), .invalidHeaderField(line: 2, "has an empty field name"))
        XCTAssertEqual(status("GET / HTTP/1.1\r\nX(y): x\r\n\r\n"), 400)
        XCTAssertEqual(status("GET / HTTP/1.1\r\nX: a\u{1}b\r\n\r\n"), 400)
        XCTAssertEqual(status("GET / HTTP/1.1\r\nX: a\rb\r\n\r\n"), 400, "a bare CR inside a line")
        XCTAssertEqual(status("GET / HTTP/1.1\r\nX: a\0\r\n\r\n"), 400)
    }

    func test_obsolete_line_folding_is_400() {
        XCTAssertEqual(error("GET / HTTP/1.1\r\nX: a\r\n  continued\r\n\r\n"),
                       .invalidHeaderField(line: 3, "starts with whitespace (obsolete line folding is not accepted)"))
        XCTAssertEqual(status("GET / HTTP/1.1\r\n\tX: a\r\n\r\n"), 400)
    }

    func test_HTTP_2_preface_and_unknown_versions_are_505() {
        XCTAssertEqual(error("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), .unsupportedVersion("HTTP/2.0"))
        for version in ["HTTP/2", "HTTP/3", "HTTP/3.0", "HTTP/0.9", "HTTP/1"] {
            XCTAssertEqual(status("GET / \(version)\r\n\r\n"), 505, version)
        }
        XCTAssertEqual(HTTPParseError.unsupportedVersion("HTTP/3").reason, "HTTP Version Not Supported")
    }

    func test_errors_are_final_and_later_bytes_are_ignored() {
        var parser = HTTPRequestParser()
        parser.append("BAD\r\n".bytes)
        let first = parser.next()
        XCTAssertEqual(first?.isError, true)
        parser.append("GET / HTTP/1.1\r\n\r\n".bytes)
        XCTAssertEqual(parser.next(), first)
        XCTAssertEqual(parser.bufferedByteCount, 0)
        XCTAssertFalse(parser.isIdle)
    }

    func test_error_descriptions_say_what_was_wrong() {
        XCTAssertEqual(HTTPParseError.requestLineTooLong(limit: 8192).description, "request line is longer than 8192 bytes")
        XCTAssertEqual(HTTPParseError.invalidHeaderField(line: 3, "has no colon").description,
                       "invalid header field on line 3 of the request: has no colon")
        XCTAssertEqual(HTTPParseError.malformedRequestLine("x").reason, "Bad Request")
        XCTAssertEqual(HTTPParseError.bodyNotAccepted(method: "POST", detail: "Content-Length: 5").description,
                       "request bodies are not accepted (POST with Content-Length: 5)")
        XCTAssertEqual(HTTPParseError.headerBlockTooLarge(limit: 1).reason, "Request Header Fields Too Large")
        XCTAssertEqual(HTTPParseError.requestLineTooLong(limit: 1).reason, "URI Too Long")
    }
}

extension HTTPParseResult {
    var isError: Bool { if case .error = self { return true } else { return false } }
}
