import XCTest
@testable import Common

/// A fixed-seed generator (SplitMix64) so every fuzz run sees the same inputs.
typealias SeededGenerator = SeededRandom

/// Feeds `bytes` in pieces of `pieceSize` (0 = all at once) and drains `next()` after each
/// piece, stopping at the first error, as a connection handler would.
func requestResults(_ bytes: [UInt8], pieceSize: Int = 0, limits: HTTPLimits = .default) -> [HTTPParseResult] {
    var parser = HTTPRequestParser(limits: limits)
    var results: [HTTPParseResult] = []
    for piece in pieces(of: bytes, size: pieceSize) {
        parser.append(piece)
        while let result = parser.next() {
            results.append(result)
            if case .error = result { return results }
        }
    }
    return results
}

/// Like `requestResults`, then `finishAtEOF()` when `closeAtEnd`.
func responseResults(_ bytes: [UInt8], pieceSize: Int = 0, limits: HTTPResponseLimits = .default,
                     closeAtEnd: Bool = true) -> [HTTPResponseParseResult] {
    var parser = HTTPResponseParser(limits: limits)
    var results: [HTTPResponseParseResult] = []
    for piece in pieces(of: bytes, size: pieceSize) {
        parser.append(piece)
        while let result = parser.next() {
            results.append(result)
            if case .error = result { return results }
        }
    }
    if closeAtEnd {
        while let result = parser.finishAtEOF() {
            results.append(result)
            if case .error = result { break }
        }
    }
    return results
}

func pieces(of bytes: [UInt8], size: Int) -> [[UInt8]] {
    guard size > 0, !bytes.isEmpty else { return [bytes] }
    return stride(from: 0, to: bytes.count, by: size).map { Array(bytes[$0..<min($0 + size, bytes.count)]) }
}

extension String {
    var bytes: [UInt8] { Array(utf8) }
}

final class HTTPParserFuzzTests: XCTestCase {
    private let requestSeeds: [[UInt8]] = [
        "GET /v1/metadata HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer abc\r\n\r\n".bytes,
        "GET / HTTP/1.0\nConnection: keep-alive\n\nGET /x HTTP/1.1\r\n\r\n".bytes,
        "POST /a HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc".bytes,
        "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".bytes,
    ]

    private let responseSeeds: [[UInt8]] = [
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello".bytes,
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n0\r\nT: v\r\n\r\n".bytes,
        "HTTP/1.0 200 OK\r\nContent-type: application/json\r\n\r\n{\"a\": 1}".bytes,
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n".bytes,
    ]

    /// Flips, inserts, deletes, duplicates and truncates bytes of a valid message.
    private func mutate(_ seed: [UInt8], using rng: inout SeededGenerator) -> [UInt8] {
        var bytes = seed
        let interesting: [UInt8] = [0x00, 0x09, 0x0A, 0x0D, 0x20, 0x3A, 0x3B, 0x7F, 0xFF, 0x30, 0x66]
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &rng)
            switch Int.random(in: 0..<6, using: &rng) {
            case 0 where !bytes.isEmpty: bytes[position] = UInt8.random(in: 0...255, using: &rng)
            case 1: bytes.insert(interesting.randomElement(using: &rng) ?? 0, at: position)
            case 2 where !bytes.isEmpty: bytes.remove(at: position)
            case 3: bytes.insert(contentsOf: bytes[position...].prefix(Int.random(in: 1...40, using: &rng)), at: position)
            case 4: bytes = Array(bytes.prefix(position))
            default: bytes.insert(contentsOf: repeatElement(UInt8(ascii: "A"), count: Int.random(in: 1...600, using: &rng)), at: position)
            }
        }
        return bytes
    }

    func test_mutated_requests_never_crash_and_stay_within_the_buffer_limit() {
        var rng = SeededGenerator(seed: 0x5EED_0001)
        let limits = HTTPLimits(maxRequestLineBytes: 256, maxHeaderBlockBytes: 512, maxHeaderFields: 8)
        var requestsSeen = 0
        var statusesSeen: Set<Int> = []
        for round in 0..<3000 {
            let seed = requestSeeds[round % requestSeeds.count]
            let input = mutate(seed, using: &rng)
            var parser = HTTPRequestParser(limits: limits)
            var offset = 0
            var outcomes = 0
            feeding: while offset < input.count {
                let size = Int.random(in: 1...64, using: &rng)
                parser.append(Array(input[offset..<min(offset + size, input.count)]))
                offset += size
                while let result = parser.next() {
                    outcomes += 1
                    if case .error(let error) = result {
                        XCTAssertTrue([400, 413, 414, 431, 505].contains(error.status), "round \(round): \(error)")
                        statusesSeen.insert(error.status)
                        break feeding
                    }
                    requestsSeen += 1
                    XCTAssertLessThan(outcomes, 1000, "round \(round): next() keeps producing results")
                }
                XCTAssertLessThanOrEqual(parser.bufferedByteCount, limits.maxBufferedBytes, "round \(round)")
            }
            let wholeAtOnce = requestResults(input, limits: limits)
            let byteAtATime = requestResults(input, pieceSize: 1, limits: limits)
            XCTAssertEqual(wholeAtOnce, byteAtATime, "round \(round): feeding granularity changed the outcome")
        }
        // The mutations must reach both the accepting paths and every refusal, or this proves little.
        XCTAssertGreaterThan(requestsSeen, 500)
        XCTAssertEqual(statusesSeen, [400, 413, 414, 431, 505])
    }

    func test_mutated_responses_never_crash_and_stay_within_the_limits() {
        var rng = SeededGenerator(seed: 0x5EED_0002)
        let limits = HTTPResponseLimits(maxHeadBytes: 512, maxHeaderFields: 8, maxBodyBytes: 1024, maxChunkLineBytes: 64)
        var responsesSeen = 0
        var errorKindsSeen: Set<String> = []
        for round in 0..<3000 {
            let seed = responseSeeds[round % responseSeeds.count]
            let input = mutate(seed, using: &rng)
            var parser = HTTPResponseParser(limits: limits)
            var offset = 0
            var failed = false
            feeding: while offset < input.count {
                let size = Int.random(in: 1...64, using: &rng)
                parser.append(Array(input[offset..<min(offset + size, input.count)]))
                offset += size
                while let result = parser.next() {
                    switch result {
                    case .response(_, let body):
                        XCTAssertLessThanOrEqual(body.count, limits.maxBodyBytes, "round \(round)")
                        responsesSeen += 1
                    case .error(let error):
                        errorKindsSeen.insert(String(String(describing: error).prefix(12)))
                        failed = true
                        break feeding
                    }
                }
                XCTAssertLessThanOrEqual(parser.bufferedByteCount, limits.maxBufferedBytes, "round \(round)")
                XCTAssertLessThanOrEqual(parser.bufferedBodyByteCount, limits.maxBodyBytes, "round \(round)")
            }
            if !failed {
                var closes = 0
                while let result = parser.finishAtEOF() {
                    closes += 1
                    if case .error = result { break }
                    responsesSeen += 1
                    XCTAssertLessThan(closes, 100, "round \(round): finishAtEOF() keeps producing results")
                }
            }
            let wholeAtOnce = responseResults(input, limits: limits)
            let byteAtATime = responseResults(input, pieceSize: 1, limits: limits)
            XCTAssertEqual(wholeAtOnce, byteAtATime, "round \(round): feeding granularity changed the outcome")
        }
        XCTAssertGreaterThan(responsesSeen, 500, "\(responsesSeen)")
        XCTAssertGreaterThan(errorKindsSeen.count, 4, "\(errorKindsSeen)")
    }

    /// Random bytes are refused with a status the server knows how to send, the same whatever the
    /// pieces they arrive in, without either parser keeping more than its limits allow.
    func test_random_bytes_are_refused_the_same_way_in_any_pieces_within_the_limits() {
        var rng = SeededGenerator(seed: 0x5EED_0003)
        let requestLimits = HTTPLimits(maxRequestLineBytes: 128, maxHeaderBlockBytes: 256, maxHeaderFields: 8)
        let responseLimits = HTTPResponseLimits(maxHeadBytes: 256, maxHeaderFields: 8, maxBodyBytes: 512, maxChunkLineBytes: 32)
        var requestsAccepted = 0, requestsRefused = 0, responsesRefused = 0, inputs = 0
        for round in 0..<1000 {
            let input = (0..<Int.random(in: 1...300, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let pieceSize = Int.random(in: 1...7, using: &rng)
            inputs += 1

            let requests = requestResults(input, limits: requestLimits)
            XCTAssertEqual(requestResults(input, pieceSize: pieceSize, limits: requestLimits), requests, "round \(round)")
            for result in requests {
                switch result {
                case .request: requestsAccepted += 1
                case .error(let error):
                    XCTAssertTrue([400, 413, 414, 431, 505].contains(error.status), "round \(round): \(error)")
                    requestsRefused += 1
                }
            }
            var requestParser = HTTPRequestParser(limits: requestLimits)
            for piece in pieces(of: input, size: pieceSize) {
                requestParser.append(piece)
                while let result = requestParser.next() { if case .error = result { break } }
                XCTAssertLessThanOrEqual(requestParser.bufferedByteCount, requestLimits.maxBufferedBytes, "round \(round)")
            }

            let responses = responseResults(input, limits: responseLimits)
            XCTAssertEqual(responseResults(input, pieceSize: pieceSize, limits: responseLimits), responses, "round \(round)")
            for result in responses {
                switch result {
                case .response(_, let body): XCTAssertLessThanOrEqual(body.count, responseLimits.maxBodyBytes, "round \(round)")
                case .error: responsesRefused += 1
                }
            }
        }
        // Random bytes are never a request: each is refused, or (with no line end within the
        // limits yet) still waits for more. Closed at the end, every response is refused.
        XCTAssertEqual(requestsAccepted, 0)
        XCTAssertGreaterThan(requestsRefused, inputs / 2, "\(requestsRefused) of \(inputs)")
        XCTAssertEqual(responsesRefused, inputs)
    }
}
