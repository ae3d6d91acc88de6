/// Why a request head was refused. Each case maps to the status the connection is answered
/// with before it is closed.
public enum HTTPParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The request line is longer than the limit (414).
    case requestLineTooLong(limit: Int)
    /// The header field lines add up to more bytes than the limit (431).
    case headerBlockTooLarge(limit: Int)
    /// More header fields than the limit (431).
    case tooManyHeaderFields(limit: Int)
    /// The request announces a body (Content-Length > 0 or Transfer-Encoding); this server
    /// takes none (413). `method` is kept because Pacific answers any non-GET with 501 before
    /// looking further (quirk Q2): a server may prefer that status for non-GET methods.
    /// `detail` names the offending field.
    case bodyNotAccepted(method: String, detail: String)
    /// The request line is not `METHOD SP target SP HTTP/x.y` (400).
    case malformedRequestLine(String)
    /// A header field line is malformed; `line` counts from the request line as line 1 (400).
    case invalidHeaderField(line: Int, String)
    /// Content-Length is not a number, or several disagree (400).
    case invalidContentLength(String)
    /// A well-formed version other than HTTP/1.x, such as the HTTP/2 preface (505).
    case unsupportedVersion(String)
    /// More empty lines before the request line than the limit: a client streaming CRLFs (400).
    case tooManyEmptyLines(limit: Int)
    /// A field that must appear once (Authorization, Host) appears more than once; which one
    /// counts would be a guess (400).
    case duplicateField(String)

    public var status: Int {
        switch self {
        case .requestLineTooLong: return 414
        case .headerBlockTooLarge, .tooManyHeaderFields: return 431
        case .bodyNotAccepted: return 413
        case .malformedRequestLine, .invalidHeaderField, .invalidContentLength, .tooManyEmptyLines, .duplicateField: return 400
        case .unsupportedVersion: return 505
        }
    }

    /// The standard reason phrase for `status`.
    public var reason: String { HTTPStatus.reason(for: status) }

    public var description: String {
        switch self {
        case .requestLineTooLong(let limit):
            return "request line is longer than \(limit) bytes"
        case .headerBlockTooLarge(let limit):
            return "request header fields exceed \(limit) bytes"
        case .tooManyHeaderFields(let limit):
            return "request has more than \(limit) header fields"
        case .bodyNotAccepted(let method, let detail):
            return "request bodies are not accepted (\(method) with \(detail))"
        case .malformedRequestLine(let detail):
            return "malformed request line: \(detail)"
        case .invalidHeaderField(let line, let detail):
            return "invalid header field on line \(line) of the request: \(detail)"
        case .invalidContentLength(let detail):
            return "invalid request framing: \(detail)"
        case .unsupportedVersion(let version):
            return "unsupported protocol version \(version); only HTTP/1.0 and HTTP/1.1 are served"
        case .tooManyEmptyLines(let limit):
            return "more than \(limit) empty lines before the request line"
        case .duplicateField(let name):
            return "more than one \(name) header field"
        }
    }

    /// What kind of problem it was, for logs: never the bytes the client sent (a malformed
    /// Content-Length or an unknown version string may carry a token or terminal escapes).
    public var logSummary: String {
        switch self {
        case .requestLineTooLong, .headerBlockTooLarge, .tooManyHeaderFields, .tooManyEmptyLines:
            return description  // names only the server's own limit
        case .duplicateField:
            return description  // the field's name is the parser's own constant, never client text
        case .bodyNotAccepted(_, let detail):
            // `detail` is "<field>: <value>"; only the field's name is ours to repeat.
            let field = ["Transfer-Encoding", "Content-Length"].first { detail.hasPrefix($0) } ?? "a body"
            return "request bodies are not accepted (request has \(field))"
        case .malformedRequestLine:
            return "malformed request line"
        case .invalidHeaderField(let line, _):
            return "invalid header field on line \(line) of the request"
        case .invalidContentLength:
            return "invalid Content-Length"
        case .unsupportedVersion:
            return "unsupported protocol version; only HTTP/1.0 and HTTP/1.1 are served"
        }
    }
}
