/// A response to serialize. `reason` overrides the standard phrase (Pacific's 404 uses a long
/// custom one); `headers` must not carry the framing fields, which the writer adds itself.
public struct HTTPResponse: Sendable, Equatable {
    public var status: Int
    public var reason: String?
    public var headers: [HTTPHeaderField]
    public var body: [UInt8]

    public init(status: Int, reason: String? = nil, headers: [HTTPHeaderField] = [], body: [UInt8] = []) {
        self.status = status
        self.reason = reason
        self.headers = headers
        self.body = body
    }

    public static func == (a: HTTPResponse, b: HTTPResponse) -> Bool {
        a.status == b.status && a.reason == b.reason && a.body == b.body
            && HTTPHeaderFields.equal(a.headers, b.headers)
    }
}
