import Common

/// The fleet's response parser, fed as the poller would feed it, then closed.
enum ResponseParserFuzz {
    static let target = FuzzTarget(name: "response-parser", run: run,
                                   brokenInput: [0] + Array("HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n".utf8))

    @Sendable static func run(_ data: [UInt8]) -> FuzzOutcome {
        let input = FuzzInput(data)
        let limits = input.smallLimits
            ? HTTPResponseLimits(maxHeadBytes: 256, maxHeaderFields: 4, maxBodyBytes: 512, maxChunkLineBytes: 32) : .default
        let fed = results(input.payload, pieceSize: input.pieceSize, limits: limits)
        if case .broken(let why) = fed { return .invariantBroken(why) }
        let whole = results(input.payload, pieceSize: 0, limits: limits)
        guard whole == fed else { return .invariantBroken("pieces of \(input.pieceSize) bytes parse differently from the whole input") }
        guard case .parsed(let all) = fed else { return .invariantBroken("unreachable") }
        if case .error(let e) = all.last { return .rejected(e.description) }
        return .value("\(all.count) responses")
    }

    enum Fed: Equatable {
        case parsed([HTTPResponseParseResult])
        case broken(String)
    }

    static func results(_ bytes: [UInt8], pieceSize: Int, limits: HTTPResponseLimits) -> Fed {
        var parser = HTTPResponseParser(limits: limits)
        var out: [HTTPResponseParseResult] = []
        func take(_ result: HTTPResponseParseResult) -> Fed? {
            out.append(result)
            if case .error = result { return .parsed(out) }
            if case .response(_, let body) = result, body.count > limits.maxBodyBytes {
                return .broken("body of \(body.count) bytes, limit \(limits.maxBodyBytes)")
            }
            if out.count > bytes.count + 1 { return .broken("more results than input bytes") }
            return nil
        }
        for piece in FuzzInput.pieces(bytes, size: pieceSize) {
            parser.append(Array(piece))
            while let result = parser.next() {
                if let done = take(result) { return done }
            }
            if parser.bufferedByteCount > limits.maxBufferedBytes {
                return .broken("buffered \(parser.bufferedByteCount) bytes, limit \(limits.maxBufferedBytes)")
            }
            if parser.bufferedBodyByteCount > limits.maxBodyBytes {
                return .broken("buffered body of \(parser.bufferedBodyByteCount) bytes, limit \(limits.maxBodyBytes)")
            }
        }
        while let result = parser.finishAtEOF() {
            if let done = take(result) { return done }
        }
        return .parsed(out)
    }
}
