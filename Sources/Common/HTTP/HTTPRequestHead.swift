/// A parsed request line and header block. The target is kept byte-for-byte as sent, because
/// routing compares it exactly (query string and all).
public struct HTTPRequestHead: Sendable, Equatable, CustomStringConvertible {
    public var method: String
    public var target: String
    public var version: HTTPVersion
    /// Fields in the order received, names as spelled, values trimmed of surrounding whitespace.
    public var headers: [HTTPHeaderField]

    public init(method: String, target: String, version: HTTPVersion, headers: [HTTPHeaderField] = []) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
    }

    /// The first field called `name` (case-insensitive), or nil.
    public func header(_ name: String) -> String? { HTTPHeaderFields.first(name, in: headers) }

    /// Whether the client wants the connection kept open after the response.
    public var keepAlive: Bool { HTTPHeaderFields.keepAlive(version: version, fields: headers) }

    /// The request line, as it is logged.
    public var description: String { "\(method) \(target) \(version)" }

    public static func == (a: HTTPRequestHead, b: HTTPRequestHead) -> Bool {
        a.method == b.method && a.target == b.target && a.version == b.version
            && HTTPHeaderFields.equal(a.headers, b.headers)
    }
}

/// One step of request parsing.
public enum HTTPParseResult: Sendable, Equatable {
    case request(HTTPRequestHead)
    /// The request is refused; answer with `error.status` and close the connection.
    case error(HTTPParseError)
}
