/// A parsed status line and header block, with any chunked-body trailers.
public struct HTTPResponseHead: Sendable, Equatable {
    public var version: HTTPVersion
    public var status: Int
    /// The reason phrase exactly as sent (Pacific's 404 phrase lists the valid URLs).
    public var reason: String
    /// Fields in the order received, names as spelled, values trimmed.
    public var headers: [HTTPHeaderField]
    /// Fields from the trailer section of a chunked body (empty otherwise).
    public var trailers: [HTTPHeaderField]
    /// Whether the connection may carry another request after this response: the version and
    /// `Connection` rules, and false when the body was delimited by the connection closing or
    /// the framing was ambiguous.
    public var keepAlive: Bool

    public init(version: HTTPVersion, status: Int, reason: String, headers: [HTTPHeaderField] = [],
                trailers: [HTTPHeaderField] = [], keepAlive: Bool? = nil) {
        self.version = version
        self.status = status
        self.reason = reason
        self.headers = headers
        self.trailers = trailers
        self.keepAlive = keepAlive ?? HTTPHeaderFields.keepAlive(version: version, fields: headers)
    }

    /// The first field called `name` (case-insensitive), or nil.
    public func header(_ name: String) -> String? { HTTPHeaderFields.first(name, in: headers) }

    public static func == (a: HTTPResponseHead, b: HTTPResponseHead) -> Bool {
        a.version == b.version && a.status == b.status && a.reason == b.reason && a.keepAlive == b.keepAlive
            && HTTPHeaderFields.equal(a.headers, b.headers) && HTTPHeaderFields.equal(a.trailers, b.trailers)
    }
}

/// One step of response parsing.
public enum HTTPResponseParseResult: Sendable, Equatable {
    case response(HTTPResponseHead, body: [UInt8])
    /// The response cannot be read; the connection must be dropped.
    case error(HTTPResponseParseError)
}
