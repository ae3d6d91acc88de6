import COpenSSL
import CShims

/// A TLS or crypto failure with OpenSSL's own reason text, so logs say what went wrong.
public struct TLSError: Error, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }

    /// Builds an error from `context` plus everything on OpenSSL's error queue (which it drains).
    static func fromQueue(_ context: String) -> TLSError {
        let detail = OpenSSLErrorQueue.drain()
        return TLSError(detail.isEmpty ? context : "\(context): \(detail)")
    }
}

enum OpenSSLErrorQueue {
    /// Pops every queued error and joins their reason strings; leaves the queue empty so a later
    /// call on the same thread does not report a stale error.
    static func drain() -> String {
        var parts: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            if let reason = ERR_reason_error_string(code) {
                parts.append(String(cString: reason))
            } else {
                parts.append("error \(code)")
            }
        }
        return parts.joined(separator: "; ")
    }
}

/// Reads all bytes of a memory BIO.
func bioContents(_ bio: OpaquePointer) -> [UInt8] {
    var ptr: UnsafeMutablePointer<CChar>? = nil
    let len = cshim_BIO_get_mem_data(bio, &ptr)
    guard len > 0, let ptr else { return [] }
    return ptr.withMemoryRebound(to: UInt8.self, capacity: len) { Array(UnsafeBufferPointer(start: $0, count: len)) }
}
