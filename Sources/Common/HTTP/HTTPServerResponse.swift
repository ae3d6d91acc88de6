/// What a request handler answers. The server adds Date, Content-Length and Connection and
/// sends headers and body in one write.
public struct HTTPServerResponse: Sendable {
    public var status: Int
    /// A custom reason phrase (Pacific's 404 carries one); nil for the standard phrase.
    public var reason: String?
    public var contentType: String?
    public var body: [UInt8]
    /// Close the connection after this response (e.g. error responses, as Pacific does).
    public var close: Bool

    public init(status: Int, reason: String? = nil, contentType: String? = nil, body: [UInt8] = [], close: Bool = false) {
        self.status = status
        self.reason = reason
        self.contentType = contentType
        self.body = body
        self.close = close
    }
}
