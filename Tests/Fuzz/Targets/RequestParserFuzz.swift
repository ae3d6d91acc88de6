import Common

/// The exporter's request parser, fed as a connection would feed it.
enum RequestParserFuzz {
    static let target = FuzzTarget(name: "request-parser", run: run, brokenInput: [0] + Array("GET\r\n\r\n".utf8))

    static let statuses: Set<Int> = [400, 413, 414, 431, 505]

    @Sendable static func run(_ data: [UInt8]) -> FuzzOutcome {
        let input = FuzzInput(data)
        let limits = input.smallLimits
            ? HTTPLimits(maxRequestLineBytes: 64, maxHeaderBlockBytes: 256, maxHeaderFields: 4) : .default
        let fed = results(input.payload, pieceSize: input.pieceSize, limits: limits)
        if case .broken(let why) = fed { return .invariantBroken(why) }
        // How the bytes arrive must not change what is parsed.
        let whole = results(input.payload, pieceSize: 0, limits: limits)
        guard whole == fed else { return .invariantBroken("pieces of \(input.pieceSize) bytes parse differently from the whole input") }
        guard case .parsed(let all) = fed else { return .invariantBroken("unreachable") }
        if case .error(let e) = all.last {
            guard statuses.contains(e.status) else { return .invariantBroken("unexpected status \(e.status) for \(e)") }
            guard !e.logSummary.utf8.contains(where: { $0 < 0x20 || $0 >= 0x7F }) else {
                return .invariantBroken("log summary carries raw bytes: \(e.logSummary)")
            }
            return .rejected(e.description)
        }
        return .value("\(all.count) requests")
    }

    enum Fed: Equatable {
        case parsed([HTTPParseResult])
        case broken(String)
    }

    static func results(_ bytes: [UInt8], pieceSize: Int, limits: HTTPLimits) -> Fed {
        var parser = HTTPRequestParser(limits: limits)
        var out: [HTTPParseResult] = []
        for piece in FuzzInput.pieces(bytes, size: pieceSize) {
            parser.append(Array(piece))
            while let result = parser.next() {
                out.append(result)
                if case .error = result { return .parsed(out) }
                // Each request needs at least "A / HTTP/1.1\r\n\r\n"-like bytes: more results
                // than input bytes means next() repeats itself.
                if out.count > bytes.count { return .broken("next() returned more results than input bytes") }
            }
            if parser.bufferedByteCount > limits.maxBufferedBytes {
                return .broken("buffered \(parser.bufferedByteCount) bytes, limit \(limits.maxBufferedBytes)")
            }
        }
        return .parsed(out)
    }
}
