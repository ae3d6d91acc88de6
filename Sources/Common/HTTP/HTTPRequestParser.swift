/// Incremental request-head parser for one server connection, with pipelining.
///
/// Feed received bytes with `append`, then call `next()` until it returns nil (more bytes
/// needed). Once `next()` has returned nil the parser holds at most one unfinished head, never
/// more than `limits.maxBufferedBytes`; a head that would exceed a limit is refused as soon as
/// that is certain, before its line ending arrives. Errors are final: the connection must be
/// answered with `error.status` and closed, and later input is ignored.
public struct HTTPRequestParser: Sendable {
    public let limits: HTTPLimits

    private var input = HTTPInputBuffer()
    private var phase = Phase.requestLine
    private var failure: HTTPParseError?

    // The head being assembled while `phase == .headers`.
    private var method = ""
    private var target = ""
    private var version = HTTPVersion.http1_1
    private var headers: [HTTPHeaderField] = []
    private var headerBytes = 0
    /// Empty lines seen before the current request line.
    private var emptyLines = 0

    /// Fields a request may carry at most once: with two, the server and anything in front of
    /// it could each act on a different one.
    static let singletonFields = ["Authorization", "Host"]

    private enum Phase { case requestLine, headers }

    public init(limits: HTTPLimits = .default) {
        self.limits = limits
    }

    /// Bytes received and not yet turned into a request.
    public var bufferedByteCount: Int { input.count }

    /// True when nothing of a next request has arrived (a safe point to close an idle connection).
    public var isIdle: Bool { failure == nil && phase == .requestLine && input.isEmpty }

    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard failure == nil else { return }
        input.append(bytes)
    }

    public mutating func append(_ bytes: [UInt8]) {
        guard failure == nil else { return }
        input.append(bytes)
    }

    /// The next complete request, an error, or nil when more bytes are needed.
    public mutating func next() -> HTTPParseResult? {
        if let failure { return .error(failure) }
        switch step() {
        case .needMore:
            return nil
        case .request(let head):
            return .request(head)
        case .failed(let error):
            failure = error
            input.discardAll()
            headers = []
            return .error(error)
        }
    }

    private enum Step {
        case needMore
        case request(HTTPRequestHead)
        case failed(HTTPParseError)
    }

    private mutating func step() -> Step {
        while true {
            switch phase {
            case .requestLine:
                guard let line = input.takeLine() else {
                    if input.pendingLineLength > limits.maxRequestLineBytes {
                        return .failed(.requestLineTooLong(limit: limits.maxRequestLineBytes))
                    }
                    return .needMore
                }
                // RFC 9112 §2.2: empty lines before a request line (left over from a previous
                // message) are ignored, a few of them: a stream of them is a flood.
                if line.content.isEmpty {
                    emptyLines += 1
                    if emptyLines > limits.maxEmptyLinesBeforeRequest {
                        return .failed(.tooManyEmptyLines(limit: limits.maxEmptyLinesBeforeRequest))
                    }
                    continue
                }
                emptyLines = 0
                if line.content.count > limits.maxRequestLineBytes {
                    return .failed(.requestLineTooLong(limit: limits.maxRequestLineBytes))
                }
                if let error = HTTPInputBuffer.withBytes(of: input.storage, line.content, { startHead(requestLine: $0) }) {
                    return .failed(error)
                }
                phase = .headers
            case .headers:
                guard let line = input.takeLine() else {
                    // A non-empty partial line will need at least one more byte (its LF).
                    let pending = input.pendingLineLength
                    if pending > 0, headerBytes + pending + 1 > limits.maxHeaderBlockBytes {
                        return .failed(.headerBlockTooLarge(limit: limits.maxHeaderBlockBytes))
                    }
                    return .needMore
                }
                if line.content.isEmpty { return finishHead() }
                headerBytes += input.start - line.content.lowerBound
                if headerBytes > limits.maxHeaderBlockBytes {
                    return .failed(.headerBlockTooLarge(limit: limits.maxHeaderBlockBytes))
                }
                if headers.count == limits.maxHeaderFields {
                    return .failed(.tooManyHeaderFields(limit: limits.maxHeaderFields))
                }
                let lineNumber = headers.count + 2
                let parsed = HTTPInputBuffer.withBytes(of: input.storage, line.content) { bytes -> Result<HTTPHeaderField, HTTPFieldProblem> in
                    if let first = bytes.first, HTTPSyntax.isWhitespace(first) {
                        return .failure(HTTPFieldProblem("starts with whitespace (obsolete line folding is not accepted)"))
                    }
                    return HTTPSyntax.parseField(bytes)
                }
                switch parsed {
                case .success(let field): headers.append(field)
                case .failure(let problem): return .failed(.invalidHeaderField(line: lineNumber, problem.message))
                }
            }
        }
    }

    /// Splits `METHOD SP target SP version`; the version is checked first so the HTTP/2 preface
    /// (`PRI * HTTP/2.0`) gets 505 rather than a complaint about its method.
    private mutating func startHead(requestLine line: UnsafeBufferPointer<UInt8>) -> HTTPParseError? {
        let space = UInt8(ascii: " ")
        guard let firstSpace = line.firstIndex(of: space) else {
            return .malformedRequestLine("expected \"METHOD target HTTP/1.1\", found no spaces")
        }
        guard let secondSpace = line[(firstSpace + 1)...].firstIndex(of: space) else {
            return .malformedRequestLine("missing the HTTP version after the target")
        }
        let versionBytes = UnsafeBufferPointer(rebasing: line[(secondSpace + 1)...])
        if versionBytes.contains(space) {
            return .malformedRequestLine("more than three space-separated parts")
        }
        guard let parsedVersion = HTTPSyntax.parseVersion(versionBytes) else {
            return .malformedRequestLine("\"\(HTTPSyntax.string(versionBytes))\" is not an HTTP version")
        }
        guard parsedVersion.major == 1, let minor = parsedVersion.minor else {
            return .unsupportedVersion(HTTPSyntax.string(versionBytes))
        }
        let methodBytes = UnsafeBufferPointer(rebasing: line[..<firstSpace])
        guard HTTPSyntax.isToken(methodBytes) else {
            return .malformedRequestLine("the method is empty or has characters not allowed in a token")
        }
        let targetBytes = UnsafeBufferPointer(rebasing: line[(firstSpace + 1)..<secondSpace])
        guard !targetBytes.isEmpty else {
            return .malformedRequestLine("the target is empty")
        }
        // Visible ASCII only: whitespace, control bytes and raw non-ASCII must be percent-encoded.
        if let bad = targetBytes.first(where: { $0 <= 0x20 || $0 >= 0x7F }) {
            return .malformedRequestLine("the target contains byte 0x\(HTTPSyntax.hex(bad))")
        }
        method = HTTPSyntax.string(methodBytes)
        target = HTTPSyntax.string(targetBytes)
        version = HTTPVersion(major: 1, minor: minor)
        headers = []
        headerBytes = 0
        return nil
    }

    private mutating func finishHead() -> Step {
        let head = HTTPRequestHead(method: method, target: target, version: version, headers: headers)
        phase = .requestLine
        headers = []
        headerBytes = 0
        switch HTTPSyntax.contentLength(in: head.headers) {
        case .invalid(let detail):
            return .failed(.invalidContentLength(detail))
        case .value(let length) where length > 0:
            if let coding = head.header("Transfer-Encoding") {
                return .failed(.bodyNotAccepted(method: head.method, detail: "Transfer-Encoding: \(coding)"))
            }
            return .failed(.bodyNotAccepted(method: head.method, detail: "Content-Length: \(length)"))
        case .value, .absent:
            if let coding = head.header("Transfer-Encoding") {
                return .failed(.bodyNotAccepted(method: head.method, detail: "Transfer-Encoding: \(coding)"))
            }
        }
        for name in Self.singletonFields where Self.occurs(name, moreThanOnceIn: head.headers) {
            return .failed(.duplicateField(name))
        }
        return .request(head)
    }

    private static func occurs(_ name: String, moreThanOnceIn fields: [HTTPHeaderField]) -> Bool {
        var seen = false
        for field in fields where HTTPHeaderFields.asciiCaseInsensitiveEquals(field.name, name) {
            if seen { return true }
            seen = true
        }
        return false
    }
}
