/// Incremental response parser for one client connection (keep-alive, one request in flight).
///
/// Feed received bytes with `append`, call `next()` until it returns nil, and when the peer
/// closes call `finishAtEOF()`: that completes a body delimited by the close (Pacific's
/// exporter answers HTTP/1.0 without Content-Length) or reports a truncated response.
/// Interim 1xx responses are skipped. Errors are final; the connection must be dropped.
/// Outside the body, at most `limits.maxBufferedBytes` stay buffered after `next()` returns nil.
public struct HTTPResponseParser: Sendable {
    public let limits: HTTPResponseLimits

    private var input = HTTPInputBuffer()
    private var phase = Phase.statusLine
    private var failure: HTTPResponseParseError?

    // The response being assembled.
    private var version = HTTPVersion.http1_1
    private var status = 0
    private var reason = ""
    private var headers: [HTTPHeaderField] = []
    private var trailers: [HTTPHeaderField] = []
    private var sectionBytes = 0
    private var keepAlive = true
    private var body: [UInt8] = []
    /// Bytes still expected: of a Content-Length body, or of the current chunk.
    private var remaining = 0
    private var declaredLength = 0
    // Per-response budgets against a server that never finishes: interim responses seen, chunk
    // extension bytes seen, and `input.consumed` when this response's first byte was taken.
    private var interimResponses = 0
    private var chunkExtensionBytes = 0
    private var responseStart = 0

    private enum Phase {
        case statusLine, headers, lengthBody, chunkSize, chunkData, chunkDataEnd, trailers, untilEOF
    }

    public init(limits: HTTPResponseLimits = .default) {
        self.limits = limits
    }

    /// Bytes received and not yet consumed (body bytes move out of this buffer as they arrive).
    public var bufferedByteCount: Int { input.count }

    /// Body bytes of the response in progress.
    public var bufferedBodyByteCount: Int { body.count }

    /// True between responses with nothing buffered: closing now loses nothing.
    public var isIdle: Bool { failure == nil && phase == .statusLine && input.isEmpty }

    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard failure == nil else { return }
        // Bytes of a body of known length go straight to the body when nothing is buffered
        // before them: one copy per byte instead of two (a metadata body is tens of KB).
        var rest = bytes
        if phase == .lengthBody, remaining > 0, input.isEmpty {
            let direct = min(remaining, rest.count)
            body.append(contentsOf: UnsafeRawBufferPointer(rebasing: rest[..<direct]))
            remaining -= direct
            input.countTakenOutside(direct)
            rest = UnsafeRawBufferPointer(rebasing: rest[direct...])
        }
        if !rest.isEmpty { input.append(rest) }
    }

    public mutating func append(_ bytes: [UInt8]) {
        guard failure == nil else { return }
        input.append(bytes)
    }

    /// The next complete response, an error, or nil when more bytes (or EOF) are needed.
    public mutating func next() -> HTTPResponseParseResult? {
        if let failure { return .error(failure) }
        switch step() {
        case .needMore: return nil
        case .response(let head, let body): return .response(head, body: body)
        case .failed(let error): return fail(error)
        }
    }

    /// Call when the peer has closed, after `next()` returned nil. Returns the close-delimited
    /// response, a truncation error, or nil if the connection closed cleanly between responses.
    /// (If bytes still held a complete response, that one is returned: call again.)
    public mutating func finishAtEOF() -> HTTPResponseParseResult? {
        if let pending = next() { return pending }
        switch phase {
        case .untilEOF:
            switch completeResponse() {
            case .response(let head, let body): return .response(head, body: body)
            case .failed(let error): return fail(error)
            case .needMore: return nil
            }
        case .statusLine where input.pendingLineLength == 0:
            input.discardAll()
            return nil
        case .statusLine, .headers:
            return fail(.truncated("in the middle of the response head"))
        case .lengthBody:
            return fail(.truncated("after \(declaredLength - remaining) of \(declaredLength) body bytes"))
        case .chunkSize, .chunkData, .chunkDataEnd, .trailers:
            return fail(.truncated("inside a chunked body, after \(body.count) bytes"))
        }
    }

    private mutating func fail(_ error: HTTPResponseParseError) -> HTTPResponseParseResult {
        failure = error
        input.discardAll()
        body = []
        headers = []
        trailers = []
        return .error(error)
    }

    private enum Step {
        case needMore
        case response(HTTPResponseHead, [UInt8])
        case failed(HTTPResponseParseError)
    }

    private mutating func step() -> Step {
        while true {
            if input.consumed - responseStart > limits.maxResponseBytes {
                return .failed(.responseTooLarge(limit: limits.maxResponseBytes))
            }
            switch phase {
            case .statusLine:
                guard let line = input.takeLine() else {
                    let pending = input.pendingLineLength
                    if pending > 0, pending + 1 > limits.maxHeadBytes { return .failed(.headTooLarge(limit: limits.maxHeadBytes)) }
                    return .needMore
                }
                if line.content.isEmpty { continue } // stray blank lines between messages
                sectionBytes = input.start - line.content.lowerBound
                if sectionBytes > limits.maxHeadBytes { return .failed(.headTooLarge(limit: limits.maxHeadBytes)) }
                if let error = HTTPInputBuffer.withBytes(of: input.storage, line.content, { startHead(statusLine: $0) }) { return .failed(error) }
                phase = .headers

            case .headers, .trailers:
                let inTrailers = phase == .trailers
                guard let line = input.takeLine() else {
                    let pending = input.pendingLineLength
                    if pending > 0, sectionBytes + pending + 1 > limits.maxHeadBytes {
                        return .failed(.headTooLarge(limit: limits.maxHeadBytes))
                    }
                    return .needMore
                }
                if line.content.isEmpty {
                    if inTrailers { return completeResponse() }
                    if let outcome = beginBody() { return outcome }
                    continue
                }
                sectionBytes += input.start - line.content.lowerBound
                if sectionBytes > limits.maxHeadBytes { return .failed(.headTooLarge(limit: limits.maxHeadBytes)) }
                if let error = HTTPInputBuffer.withBytes(of: input.storage, line.content, { addField($0, toTrailers: inTrailers) }) {
                    return .failed(error)
                }

            case .lengthBody:
                takeBodyBytes(upTo: remaining)
                if remaining > 0 { return .needMore }
                return completeResponse()

            case .chunkSize:
                guard let line = input.takeLine() else {
                    if input.pendingLineLength > limits.maxChunkLineBytes {
                        return .failed(.invalidChunk("chunk-size line longer than \(limits.maxChunkLineBytes) bytes"))
                    }
                    return .needMore
                }
                if line.content.count > limits.maxChunkLineBytes {
                    return .failed(.invalidChunk("chunk-size line longer than \(limits.maxChunkLineBytes) bytes"))
                }
                switch HTTPInputBuffer.withBytes(of: input.storage, line.content, { HTTPChunkSize.parse($0) }) {
                case .failure(let problem):
                    return .failed(.invalidChunk(problem.message))
                case .success(let chunk):
                    chunkExtensionBytes += chunk.extensionBytes
                    if chunkExtensionBytes > limits.maxChunkExtensionBytes {
                        return .failed(.chunkExtensionsTooLarge(limit: limits.maxChunkExtensionBytes))
                    }
                    let size = chunk.size
                    if size == 0 {
                        trailers = []
                        sectionBytes = 0
                        phase = .trailers
                        continue
                    }
                    if size > limits.maxBodyBytes - body.count { return .failed(.bodyTooLarge(limit: limits.maxBodyBytes)) }
                    remaining = size
                    phase = .chunkData
                }

            case .chunkData:
                takeBodyBytes(upTo: remaining)
                if remaining > 0 { return .needMore }
                phase = .chunkDataEnd

            case .chunkDataEnd:
                // The CRLF (or bare LF) that must follow each chunk's data.
                guard let first = input.peek(0) else { return .needMore }
                if first == 0x0A {
                    input.skip(1)
                } else if first == 0x0D {
                    guard let second = input.peek(1) else { return .needMore }
                    guard second == 0x0A else { return .failed(.invalidChunk("chunk data is not followed by CRLF")) }
                    input.skip(2)
                } else {
                    return .failed(.invalidChunk("chunk data is longer than its declared size"))
                }
                phase = .chunkSize

            case .untilEOF:
                if input.count > limits.maxBodyBytes - body.count { return .failed(.bodyTooLarge(limit: limits.maxBodyBytes)) }
                takeBodyBytes(upTo: input.count)
                return .needMore
            }
        }
    }

    /// `HTTP/1.x SP 3DIGIT [SP reason]`; a missing reason (and its space) is tolerated.
    private mutating func startHead(statusLine line: UnsafeBufferPointer<UInt8>) -> HTTPResponseParseError? {
        let space = UInt8(ascii: " ")
        let versionEnd = line.firstIndex(of: space) ?? line.count
        let versionBytes = UnsafeBufferPointer(rebasing: line[..<versionEnd])
        guard let parsedVersion = HTTPSyntax.parseVersion(versionBytes) else {
            let shown = HTTPSyntax.string(UnsafeBufferPointer(rebasing: line.prefix(40)))
            return .malformedStatusLine("expected \"HTTP/1.1 <status> <reason>\", got \"\(shown)\"")
        }
        guard parsedVersion.major == 1, let minor = parsedVersion.minor else {
            return .unsupportedVersion(HTTPSyntax.string(versionBytes))
        }
        let codeStart = versionEnd + 1
        guard codeStart + 3 <= line.count,
              line[codeStart..<(codeStart + 3)].allSatisfy(HTTPSyntax.isDigit),
              codeStart + 3 == line.count || line[codeStart + 3] == space else {
            return .malformedStatusLine("the status code is not three digits")
        }
        let code = line[codeStart..<(codeStart + 3)].reduce(0) { $0 * 10 + Int($1 - 0x30) }
        guard (100...599).contains(code) else {
            return .malformedStatusLine("status \(code) is outside 100-599")
        }
        let reasonBytes = UnsafeBufferPointer(rebasing: line[min(codeStart + 4, line.count)...])
        if let bad = reasonBytes.first(where: { !HTTPSyntax.isFieldValueByte($0) }) {
            return .malformedStatusLine("the reason phrase contains control character 0x\(HTTPSyntax.hex(bad))")
        }
        version = HTTPVersion(major: 1, minor: minor)
        status = code
        reason = HTTPSyntax.string(reasonBytes)
        headers = []
        trailers = []
        return nil
    }

    /// Adds one field line. Responses come from a server we chose to talk to, so an obs-fold
    /// continuation is joined to the previous value (RFC 9112 §5.2) rather than refused.
    private mutating func addField(_ line: UnsafeBufferPointer<UInt8>, toTrailers: Bool) -> HTTPResponseParseError? {
        let fieldCount = toTrailers ? trailers.count : headers.count
        let lineNumber = fieldCount + (toTrailers ? 1 : 2)
        if let first = line.first, HTTPSyntax.isWhitespace(first) {
            guard fieldCount > 0 else {
                return .invalidHeaderField(line: lineNumber, "starts with whitespace but follows no field")
            }
            switch HTTPSyntax.foldedContinuation(line) {
            case .failure(let problem):
                return .invalidHeaderField(line: lineNumber, problem.message)
            case .success(let text):
                if toTrailers { trailers[fieldCount - 1].value += " " + text } else { headers[fieldCount - 1].value += " " + text }
                return nil
            }
        }
        if fieldCount == limits.maxHeaderFields { return .tooManyHeaderFields(limit: limits.maxHeaderFields) }
        switch HTTPSyntax.parseField(line) {
        case .failure(let problem):
            return .invalidHeaderField(line: lineNumber, problem.message)
        case .success(let field):
            if toTrailers { trailers.append(field) } else { headers.append(field) }
            return nil
        }
    }

    /// Decides how the body is delimited (RFC 9112 §6.3, for a response to GET). Returns a
    /// step when the message is already complete or broken, nil to go on parsing.
    private mutating func beginBody() -> Step? {
        keepAlive = HTTPHeaderFields.keepAlive(version: version, fields: headers)
        if status == 101 { return .failed(.unexpectedStatus(status)) }
        if (100..<200).contains(status) {
            // Interim response: the final one follows on the same connection.
            interimResponses += 1
            if interimResponses > limits.maxInterimResponses {
                return .failed(.tooManyInterimResponses(limit: limits.maxInterimResponses))
            }
            phase = .statusLine
            headers = []
            return nil
        }
        if HTTPStatus.forbidsBody(status) { return completeResponse() }

        let codings = HTTPHeaderFields.all("Transfer-Encoding", in: headers)
        let contentLength = HTTPSyntax.contentLength(in: headers)
        if !codings.isEmpty {
            // Transfer-Encoding overrides Content-Length, but a message with both is suspect:
            // read it, then do not reuse the connection.
            if contentLength != .absent { keepAlive = false }
            if lastTransferCoding(codings) == "chunked" {
                phase = .chunkSize
            } else {
                keepAlive = false
                phase = .untilEOF
            }
            return nil
        }
        switch contentLength {
        case .invalid(let detail):
            return .failed(.invalidContentLength(detail))
        case .value(let length):
            if length > limits.maxBodyBytes { return .failed(.bodyTooLarge(limit: limits.maxBodyBytes)) }
            if length == 0 { return completeResponse() }
            declaredLength = length
            remaining = length
            // Reserve for typical bodies only: a peer's claim alone must not cost 32 MiB.
            body.reserveCapacity(min(length, 1 << 20))
            phase = .lengthBody
            return nil
        case .absent:
            keepAlive = false
            phase = .untilEOF
            return nil
        }
    }

    private func lastTransferCoding(_ codings: [String]) -> String {
        let last = codings.last?.utf8.split(separator: UInt8(ascii: ",")).last.map(HTTPHeaderFields.trimmingWhitespace)
        return last.map { String(decoding: $0.map(HTTPHeaderFields.asciiLower), as: UTF8.self) } ?? ""
    }

    private mutating func takeBodyBytes(upTo limit: Int) {
        let range = input.take(upTo: limit)
        HTTPInputBuffer.withBytes(of: input.storage, range) { body.append(contentsOf: $0) }
        if phase != .untilEOF { remaining -= range.count }
    }

    private mutating func completeResponse() -> Step {
        if input.consumed - responseStart > limits.maxResponseBytes {
            return .failed(.responseTooLarge(limit: limits.maxResponseBytes))
        }
        let head = HTTPResponseHead(version: version, status: status, reason: reason, headers: headers,
                                    trailers: trailers, keepAlive: keepAlive)
        let finished = body
        phase = .statusLine
        headers = []
        trailers = []
        body = []
        remaining = 0
        declaredLength = 0
        interimResponses = 0
        chunkExtensionBytes = 0
        responseStart = input.consumed
        return .response(head, finished)
    }
}
