import Common
import Foundation
import Glibc

/// A blocking HTTPS client for tests, on the project's own TLS and HTTP code.
final class TestHTTPSClient {
    struct Response {
        let status: Int
        let reason: String
        let headers: [(name: String, value: String)]
        let body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
        func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name.lowercased() }?.value }
        func json() throws -> JSONValue { try JSONParser.parse(body) }
    }

    let fd: Int32
    let stream: TLSStream
    private var parser = HTTPResponseParser()

    /// `context`: another client context than one trusting exactly `certificatePEM` (a CA
    /// bundle and a client certificate), with the name the server's certificate must carry.
    init(port: Int, trusting certificatePEM: String, host: String = "127.0.0.1", timeout: Double = 5,
         context: TLSContext? = nil, expectedPeerName: String? = nil) throws {
        guard let addr = SocketAddress(ip: host, port: port) else { throw TestFailure("bad address") }
        let s = socket(addr.family, Int32(SOCK_STREAM.rawValue), 0)
        guard s >= 0 else { throw TestFailure("socket failed") }
        var tv = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        let rc = addr.withSockaddr { Glibc.connect(s, $0, $1) }
        guard rc == 0 else {
            close(s)
            throw TestFailure("connect to \(port) failed: \(String(cString: strerror(errno)))")
        }
        fd = s
        let ctx = try context ?? TLSContext.client(trusting: certificatePEM)
        stream = try TLSStream(context: ctx, fd: s, isServer: false, expectedPeerName: expectedPeerName)
        guard case .done = stream.handshake() else {
            close(s)
            throw TestFailure("TLS handshake failed")
        }
    }

    deinit { close(fd) }

    func sendRaw(_ text: String) throws {
        let bytes = Array(text.utf8)
        var off = 0
        while off < bytes.count {
            let r = bytes.withUnsafeBytes { stream.write(UnsafeRawBufferPointer(rebasing: $0[off...])) }
            guard case .done(let n) = r else { throw TestFailure("write failed: \(r)") }
            off += n
        }
    }

    func request(_ method: String = "GET", _ path: String, token: String?, extraHeaders: [String] = [],
                 version: String = "HTTP/1.1") throws -> Response {
        var text = "\(method) \(path) \(version)\r\nHost: localhost\r\n"
        if let token { text += "Authorization: Bearer \(token)\r\n" }
        for h in extraHeaders { text += h + "\r\n" }
        text += "\r\n"
        try sendRaw(text)
        return try readResponse()
    }

    /// Reads one response; nil-safe on EOF for close-delimited bodies.
    func readResponse() throws -> Response {
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            if let r = parser.next() { return try convert(r) }
            let res = buf.withUnsafeMutableBytes { stream.read(into: $0) }
            switch res {
            case .done(let n): buf.withUnsafeBytes { parser.append(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            case .closed:
                if let r = parser.finishAtEOF() { return try convert(r) }
                throw TestFailure("connection closed before a response")
            default: throw TestFailure("read failed: \(res)")
            }
        }
    }

    /// True when the server has closed the connection (read returns EOF).
    func isClosedByPeer() -> Bool {
        var buf = [UInt8](repeating: 0, count: 1024)
        let res = buf.withUnsafeMutableBytes { stream.read(into: $0) }
        if case .done = res { return false }
        return true
    }

    private func convert(_ r: HTTPResponseParseResult) throws -> Response {
        switch r {
        case .response(let head, let body):
            return Response(status: head.status, reason: head.reason, headers: head.headers.map { ($0.name, $0.value) }, body: body)
        case .error(let e):
            throw TestFailure("bad response: \(e)")
        }
    }
}

