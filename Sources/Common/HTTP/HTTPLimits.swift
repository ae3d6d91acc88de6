/// Size limits for a server connection's request heads. A request that exceeds one is answered
/// with the matching status (414 or 431) and the connection is closed, so the parser never holds
/// more than these many bytes of a head it has not finished.
public struct HTTPLimits: Sendable, Hashable {
    /// Longest request line, excluding its line ending; longer is 414.
    public var maxRequestLineBytes: Int
    /// Most bytes of header field lines (terminators included, the blank line not); more is 431.
    public var maxHeaderBlockBytes: Int
    /// Most header fields; more is 431.
    public var maxHeaderFields: Int

    public init(maxRequestLineBytes: Int = 8 * 1024, maxHeaderBlockBytes: Int = 16 * 1024, maxHeaderFields: Int = 100) {
        self.maxRequestLineBytes = maxRequestLineBytes
        self.maxHeaderBlockBytes = maxHeaderBlockBytes
        self.maxHeaderFields = maxHeaderFields
    }

    public static let `default` = HTTPLimits()

    /// The most bytes the parser keeps buffered after `next()` has returned nil.
    public var maxBufferedBytes: Int { max(maxRequestLineBytes + 1, maxHeaderBlockBytes) }
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

    public init(maxHeadBytes: Int = 64 * 1024, maxHeaderFields: Int = 500,
                maxBodyBytes: Int = 32 * 1024 * 1024, maxChunkLineBytes: Int = 4 * 1024) {
        self.maxHeadBytes = maxHeadBytes
        self.maxHeaderFields = maxHeaderFields
        self.maxBodyBytes = maxBodyBytes
        self.maxChunkLineBytes = maxChunkLineBytes
    }

    public static let `default` = HTTPResponseLimits()

    /// The most bytes the parser keeps buffered (outside the body) after `next()` has returned nil.
    public var maxBufferedBytes: Int { max(maxHeadBytes, maxChunkLineBytes) + 1 }
}
