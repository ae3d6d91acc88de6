/// Size limits for a server connection's request heads. A request that exceeds one is answered
/// with the matching status (400, 414 or 431) and the connection is closed, so the parser never
/// holds more than these many bytes of a head it has not finished.
public struct HTTPLimits: Sendable, Hashable {
    /// Longest request line, excluding its line ending; longer is 414.
    public var maxRequestLineBytes: Int
    /// Most bytes of header field lines (terminators included, the blank line not); more is 431.
    public var maxHeaderBlockBytes: Int
    /// Most header fields; more is 431.
    public var maxHeaderFields: Int
    /// Most empty lines tolerated before a request line (RFC 9112 §2.2 asks servers to skip
    /// "at least one"); more is 400, so a client streaming CRLFs is cut off at once.
    public var maxEmptyLinesBeforeRequest: Int

    public init(maxRequestLineBytes: Int = 8 * 1024, maxHeaderBlockBytes: Int = 16 * 1024, maxHeaderFields: Int = 100,
                maxEmptyLinesBeforeRequest: Int = 8) {
        self.maxRequestLineBytes = maxRequestLineBytes
        self.maxHeaderBlockBytes = maxHeaderBlockBytes
        self.maxHeaderFields = maxHeaderFields
        self.maxEmptyLinesBeforeRequest = maxEmptyLinesBeforeRequest
    }

    public static let `default` = HTTPLimits()

    /// The most bytes the parser keeps buffered after `next()` has returned nil.
    public var maxBufferedBytes: Int { max(maxRequestLineBytes + 1, maxHeaderBlockBytes) }

    /// The most bytes one request can take on the wire before it is answered or refused: the
    /// tolerated empty lines (CRLF each), the request line, the header block and the blank line
    /// that ends it. Requests carry no body here (one is refused with 413).
    public var maxRequestBytes: Int {
        2 * maxEmptyLinesBeforeRequest + (maxRequestLineBytes + 2) + maxHeaderBlockBytes + 2
    }
}

/// Size limits for a client connection's responses; exceeding one is an error and the
/// connection must be dropped.
public struct HTTPResponseLimits: Sendable, Hashable {
    /// Most bytes of status line plus header lines (and, separately, of trailer lines).
    public var maxHeadBytes: Int
    /// Most header fields (and, separately, trailer fields).
    public var maxHeaderFields: Int
    /// Largest decoded body.
    public var maxBodyBytes: Int
    /// Longest chunk-size line, extensions included.
    public var maxChunkLineBytes: Int
    /// Most bytes of chunk extensions (everything after the hex size) summed over one response:
    /// a server sending 1-byte chunks each with a long extension is cut off here.
    public var maxChunkExtensionBytes: Int
    /// Most interim (1xx) responses before the final one.
    public var maxInterimResponses: Int
    /// Most bytes one response may take on the wire: interim responses, head, body, chunk
    /// framing and trailers together. Defaults to twice the body limit, so honest chunk framing
    /// fits and a stream of tiny chunks does not go on for ever.
    public var maxResponseBytes: Int

    public init(maxHeadBytes: Int = 64 * 1024, maxHeaderFields: Int = 500,
                maxBodyBytes: Int = 32 * 1024 * 1024, maxChunkLineBytes: Int = 4 * 1024,
                maxChunkExtensionBytes: Int = 16 * 1024, maxInterimResponses: Int = 10,
                maxResponseBytes: Int? = nil) {
        self.maxHeadBytes = maxHeadBytes
        self.maxHeaderFields = maxHeaderFields
        self.maxBodyBytes = maxBodyBytes
        self.maxChunkLineBytes = maxChunkLineBytes
        self.maxChunkExtensionBytes = maxChunkExtensionBytes
        self.maxInterimResponses = maxInterimResponses
        let (doubled, overflow) = maxBodyBytes.multipliedReportingOverflow(by: 2)
        self.maxResponseBytes = maxResponseBytes ?? (overflow ? Int.max : max(doubled, 2 * maxHeadBytes))
    }

    public static let `default` = HTTPResponseLimits()

    /// The most bytes the parser keeps buffered (outside the body) after `next()` has returned nil.
    public var maxBufferedBytes: Int { max(maxHeadBytes, maxChunkLineBytes) + 1 }
}
