/// Why a response could not be read. The poller prefixes the host; the text says what the
/// peer sent wrong.
public enum HTTPResponseParseError: Error, Sendable, Hashable, CustomStringConvertible {
    case malformedStatusLine(String)
    case unsupportedVersion(String)
    /// `line` counts from the status line as line 1 (trailer lines count from 1 again).
    case invalidHeaderField(line: Int, String)
    case headTooLarge(limit: Int)
    case tooManyHeaderFields(limit: Int)
    case invalidContentLength(String)
    case bodyTooLarge(limit: Int)
    case invalidChunk(String)
    /// A status this client cannot handle, such as 101 Switching Protocols it never asked for.
    case unexpectedStatus(Int)
    /// The connection closed before the response was complete.
    case truncated(String)
    /// More interim (1xx) responses than the limit before the final one.
    case tooManyInterimResponses(limit: Int)
    /// The chunk extensions of one response add up to more bytes than the limit.
    case chunkExtensionsTooLarge(limit: Int)
    /// The response took more bytes on the wire than the limit (framing and 1xx included).
    case responseTooLarge(limit: Int)

    public var description: String {
        switch self {
        case .malformedStatusLine(let detail):
            return "malformed HTTP status line: \(detail)"
        case .unsupportedVersion(let version):
            return "the server answered with unsupported protocol version \(version)"
        case .invalidHeaderField(let line, let detail):
            return "invalid header field on line \(line) of the response: \(detail)"
        case .headTooLarge(let limit):
            return "response headers exceed \(limit) bytes"
        case .tooManyHeaderFields(let limit):
            return "response has more than \(limit) header fields"
        case .invalidContentLength(let detail):
            return "invalid response framing: \(detail)"
        case .bodyTooLarge(let limit):
            return "response body exceeds \(limit) bytes"
        case .invalidChunk(let detail):
            return "invalid chunked body: \(detail)"
        case .unexpectedStatus(let status):
            return "unexpected status \(status) \(HTTPStatus.reason(for: status)) (it was not requested)"
        case .truncated(let detail):
            return "connection closed early: \(detail)"
        case .tooManyInterimResponses(let limit):
            return "the server sent more than \(limit) informational (1xx) responses before the final one"
        case .chunkExtensionsTooLarge(let limit):
            return "the server sent more than \(limit) bytes of chunk extensions in one response"
        case .responseTooLarge(let limit):
            return "the server sent more than \(limit) bytes for one response (headers and chunk framing included)"
        }
    }
}
