import Glibc

/// What a client connection reads and writes through: TLS (`TLSStream`), or plain TCP
/// (`PlainStream`, for HTTP services such as a Prometheus server's API on its default port).
/// The connection machine does not know which: a plain stream's handshake is done at once.
protocol ClientStream: AnyObject {
    func handshake() -> TLSIOResult
    func read(into buffer: UnsafeMutableRawBufferPointer) -> TLSIOResult
    func write(_ bytes: UnsafeRawBufferPointer) -> TLSIOResult
    func shutdown()
    func releaseBuffers()
    /// Whether input already read from the socket waits inside the stream (a read now would
    /// return it without the socket becoming readable again).
    var holdsUnreadInput: Bool { get }
}

extension TLSStream: ClientStream {}

/// A non-blocking TCP socket with `TLSStream`'s results. Does not own the descriptor.
final class PlainStream: ClientStream {
    private let fd: Int32

    init(fd: Int32) { self.fd = fd }

    var holdsUnreadInput: Bool { false }

    func handshake() -> TLSIOResult { .done(0) }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> TLSIOResult {
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n > 0 { return .done(n) }
            if n == 0 { return .closed }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wantRead
            case ECONNRESET: return .closed
            case let e: return .failed("read: \(String(cString: strerror(e)))")
            }
        }
    }

    func write(_ bytes: UnsafeRawBufferPointer) -> TLSIOResult {
        while true {
            let n = send(fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
            if n >= 0 { return .done(n) }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wantWrite
            case ECONNRESET, EPIPE: return .closed
            case let e: return .failed("write: \(String(cString: strerror(e)))")
            }
        }
    }

    func shutdown() {}
    func releaseBuffers() {}
}
