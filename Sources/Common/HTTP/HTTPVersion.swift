/// An HTTP protocol version as it appears on a request or status line (`HTTP/1.1`).
public struct HTTPVersion: Sendable, Hashable, CustomStringConvertible {
    public var major: Int
    public var minor: Int

    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    public static let http1_0 = HTTPVersion(major: 1, minor: 0)
    public static let http1_1 = HTTPVersion(major: 1, minor: 1)

    public var description: String { "HTTP/\(major).\(minor)" }

    /// HTTP/1.1 and any later 1.x minor version keep connections open by default (RFC 9112 §9.3).
    var defaultsToPersistent: Bool { major > 1 || (major == 1 && minor >= 1) }
}
