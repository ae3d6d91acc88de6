import Glibc

/// Why a client request failed, in the operator's terms.
public enum ClientFailure: Error, Sendable, Equatable, CustomStringConvertible {
    case refused(String)
    case timeout(String)
    case tls(String)
    case io(String)
    case protocolError(String)

    public var description: String {
        switch self {
        case .refused(let m), .timeout(let m), .tls(let m), .io(let m), .protocolError(let m): return m
        }
    }
}

/// A completed exchange.
public struct ClientResponse: Sendable {
    public let head: HTTPResponseHead
    public let body: [UInt8]
}

/// One kept-alive HTTPS connection to one host, driven by an `EventLoop`: connect, handshake,
/// one request in flight, reuse while the server keeps it open. Loop-confined.
public final class HTTPSClientConnection: EventHandler {
    private enum Phase { case disconnected, connecting, handshaking, idle, sending, receiving }

    public let address: SocketAddress
    private let loop: EventLoop
    private let tls: TLSContext
    private let limits: HTTPResponseLimits
    private var phase = Phase.disconnected
    private var fd: Int32 = -1
    private var stream: TLSStream?
    private var parser: HTTPResponseParser
    private var request: [UInt8] = []
    private var requestOffset = 0
    private var completion: ((Result<ClientResponse, ClientFailure>) -> Void)?
    private var timer: UInt64?
    private var reused = false
    private var retried = false
    private var interest: UInt32 = 0
    private let readBuffer: ReadBuffer

    /// `readBuffer`: pass one shared by all connections of the loop (see `ReadBuffer`).
    public init(loop: EventLoop, address: SocketAddress, tls: TLSContext, limits: HTTPResponseLimits = .default,
                readBuffer: ReadBuffer = ReadBuffer()) {
        self.loop = loop
        self.readBuffer = readBuffer
        self.address = address
        self.tls = tls
        self.limits = limits
        self.parser = HTTPResponseParser(limits: limits)
    }

    public var isConnected: Bool { phase != .disconnected }

    /// Sends one request (bytes of a complete HTTP/1.1 request) and calls `completion` once on
    /// the loop thread, within `timeout` seconds.
    public func send(_ requestBytes: [UInt8], timeout: Double, completion: @escaping (Result<ClientResponse, ClientFailure>) -> Void) {
        guard self.completion == nil else {
            completion(.failure(.io("a request is already in flight")))
            return
        }
        self.completion = completion
        request = requestBytes
        requestOffset = 0
        retried = false
        if let t = timer { loop.cancelTimer(t) }
        timer = loop.schedule(after: timeout) { [weak self] in
            guard let self else { return }
            self.timer = nil
            let what: String
            switch self.phase {
            case .connecting: what = "connect timed out"
            case .handshaking: what = "TLS handshake timed out"
            default: what = "no response within \(Self.secs(timeout))s"
            }
            self.fail(.timeout(what))
        }
        if phase == .idle {
            reused = true
            phase = .sending
            drive()
        } else {
            reused = false
            connect()
        }
    }

    /// Drops the connection (the next request reconnects).
    public func disconnect() {
        teardown()
    }

    private func connect() {
        teardown()
        switch Sockets.startConnect(address) {
        case .failure(let e):
            fail(.refused("connect: \(e)"))
        case .success(let newFD):
            fd = newFD
            phase = .connecting
            do {
                stream = try TLSStream(context: tls, fd: fd, isServer: false)
                interest = IOEvents.write
                try loop.register(fd: fd, events: interest, handler: self)
            } catch {
                fail(.io("\(error)"))
            }
        }
    }

    public func handleEvents(_ events: UInt32) {
        if phase == .connecting {
            let err = Sockets.pendingError(fd)
            if err != 0 {
                let text = String(cString: strerror(err))
                return fail(err == ECONNREFUSED ? .refused("connection refused") : err == ETIMEDOUT ? .timeout("connect: \(text)") : .io("connect: \(text)"))
            }
            phase = .handshaking
        }
        if phase == .idle {
            // The server closed a kept-alive connection (or sent something unexpected): drop it.
            teardown()
            return
        }
        drive()
    }

    private func drive() {
        guard let stream else { return }
        while true {
            switch phase {
            case .disconnected, .connecting, .idle:
                return
            case .handshaking:
                switch stream.handshake() {
                case .done: phase = .sending
                case .wantRead: return want(IOEvents.read)
                case .wantWrite: return want(IOEvents.write)
                case .closed: return fail(.tls("TLS handshake failed: connection closed by the server"))
                case .failed(let m): return fail(.tls(m))
                }
            case .sending:
                while requestOffset < request.count {
                    let r = request.withUnsafeBytes { stream.write(UnsafeRawBufferPointer(rebasing: $0[requestOffset...])) }
                    switch r {
                    case .done(let n): requestOffset += n
                    case .wantWrite: return want(IOEvents.write)
                    case .wantRead: return want(IOEvents.read)
                    case .closed: return retryOrFail(.io("connection closed while sending"))
                    case .failed(let m): return retryOrFail(.io(m))
                    }
                }
                phase = .receiving
                want(IOEvents.read)
            case .receiving:
                if let result = parser.next() { return finish(result) }
                let r = readBuffer.bytes.withUnsafeMutableBytes { stream.read(into: $0) }
                switch r {
                case .done(let n):
                    readBuffer.bytes.withUnsafeBytes { parser.append(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
                case .wantRead: return want(IOEvents.read)
                case .wantWrite: return want(IOEvents.write)
                case .closed:
                    if let result = parser.finishAtEOF() {
                        keepAliveAfter = false
                        return finish(result)
                    }
                    return retryOrFail(.io("connection closed before a complete response"))
                case .failed(let m): return retryOrFail(.io(m))
                }
            }
        }
    }

    private var keepAliveAfter = true

    private func finish(_ result: HTTPResponseParseResult) {
        switch result {
        case .error(let e):
            fail(.protocolError("bad HTTP response: \(e)"))
        case .response(let head, let body):
            let reusable = keepAliveAfter && head.keepAlive
            keepAliveAfter = true
            let done = completion
            completion = nil
            if let t = timer { loop.cancelTimer(t) }
            timer = nil
            request = []
            if reusable {
                phase = .idle
                parser = HTTPResponseParser(limits: limits)
                stream?.releaseBuffers()
                want(IOEvents.read)  // notice a server-side close while idle
            } else {
                teardown()
            }
            done?(.success(ClientResponse(head: head, body: body)))
        }
    }

    /// A kept-alive connection may have been closed by the server just as we reused it: try
    /// once more on a fresh connection before reporting a failure.
    private func retryOrFail(_ failure: ClientFailure) {
        if reused && !retried && parser.isIdle {
            retried = true
            reused = false
            requestOffset = 0
            connect()
            return
        }
        fail(failure)
    }

    private func fail(_ failure: ClientFailure) {
        teardown()
        if let t = timer { loop.cancelTimer(t) }
        timer = nil
        let done = completion
        completion = nil
        done?(.failure(failure))
    }

    private func want(_ event: UInt32) {
        guard fd >= 0, event != interest else { return }
        interest = event
        loop.modify(fd: fd, events: event)
    }

    private func teardown() {
        if fd >= 0 {
            loop.unregister(fd: fd)
            stream?.shutdown()
            close(fd)
        }
        fd = -1
        stream = nil
        phase = .disconnected
        interest = 0
        parser = HTTPResponseParser(limits: limits)
        keepAliveAfter = true
    }

    static func secs(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String(v) }
}
