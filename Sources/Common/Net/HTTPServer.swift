import Glibc

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
    /// Hold the response this long before sending it (the fleet simulator's slow hosts).
    public var delaySecs: Double = 0

    public init(status: Int, reason: String? = nil, contentType: String? = nil, body: [UInt8] = [], close: Bool = false) {
        self.status = status
        self.reason = reason
        self.contentType = contentType
        self.body = body
        self.close = close
    }
}

/// The application side of the server. Called on the event loop thread: it must not block.
public protocol HTTPServerDelegate: AnyObject {
    func respond(to request: HTTPRequestHead, peer: SocketAddress) -> HTTPServerResponse
    /// The answer to a request that did not parse (400, 413, 414, 431, 505).
    func respond(toParseError error: HTTPParseError, peer: SocketAddress) -> HTTPServerResponse
    /// One line for the log (the server never logs per successful request).
    func serverEvent(_ level: LogLevel, _ message: String)
}

/// Server limits and timeouts.
public struct HTTPServerConfiguration: Sendable {
    public var limits = HTTPLimits()
    /// A connection must complete its TLS handshake and each request within this time.
    public var requestTimeoutSecs: Double = 10
    /// An idle keep-alive connection is closed after this time.
    public var idleTimeoutSecs: Double = 60
    public var maxConnections = 1024
    public var serverName = "cephadm-exporter"

    public init() {}
}

/// An HTTPS/1.1 server on an `EventLoop`: non-blocking TLS per connection (a client that never
/// sends a ClientHello delays nobody), keep-alive, pipelining, bounded memory, timeouts.
/// Loop-confined: create it and call its methods on the loop thread (or through `loop.execute`).
public final class HTTPServer {
    let loop: EventLoop
    let configuration: HTTPServerConfiguration
    weak var delegate: HTTPServerDelegate?
    private(set) var tlsContext: TLSContext
    private var listeners: [Listener] = []
    private var connections: [Int32: ServerConnection] = [:]
    private(set) var shuttingDown = false
    private var drained: (() -> Void)?
    private var dateCache = HTTPDateCache()
    /// Scratch space for every connection's reads (loop-confined).
    let readBuffer = ReadBuffer(size: 16 * 1024)
    private var overLimitLogged: UInt64 = 0

    public init(loop: EventLoop, tlsContext: TLSContext, configuration: HTTPServerConfiguration, delegate: HTTPServerDelegate) {
        self.loop = loop
        self.tlsContext = tlsContext
        self.configuration = configuration
        self.delegate = delegate
    }

    func currentDate() -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return dateCache.string(forEpochSeconds: ts.tv_sec)
    }

    /// Starts accepting on already-bound listening sockets (see `Sockets.listen`).
    public func start(listening fds: [Int32]) throws(NetError) {
        for fd in fds {
            let l = Listener(fd: fd, server: self)
            try loop.register(fd: fd, events: IOEvents.read, handler: l)
            listeners.append(l)
        }
    }

    /// New connections use `context`; existing ones keep the one they started with.
    public func replaceTLSContext(_ context: TLSContext) { tlsContext = context }

    /// Stops accepting, closes idle connections, lets in-flight responses finish, then calls
    /// `completion` (on the loop thread) once no connection remains.
    public func shutdown(completion: @escaping () -> Void) {
        shuttingDown = true
        for l in listeners {
            loop.unregister(fd: l.fd)
            close(l.fd)
        }
        listeners.removeAll()
        drained = completion
        for c in Array(connections.values) { c.closeIfIdle() }
        checkDrained()
    }

    func accept(from listenFD: Int32) {
        while let (fd, peer) = Sockets.accept(listenFD) {
            if connections.count >= configuration.maxConnections || shuttingDown {
                close(fd)
                let now = Clock.monotonicNanos()
                if now &- overLimitLogged > 10_000_000_000 {
                    overLimitLogged = now
                    delegate?.serverEvent(.warning, "connection limit (\(configuration.maxConnections)) reached: refusing \(peer.ip)")
                }
                continue
            }
            do {
                let c = try ServerConnection(fd: fd, peer: peer, server: self)
                connections[fd] = c
                try loop.register(fd: fd, events: IOEvents.read | IOEvents.readHangup, handler: c)
                c.started()
            } catch {
                connections[fd] = nil
                close(fd)
                delegate?.serverEvent(.error, "accepting a connection from \(peer.ip) failed: \(error)")
            }
        }
    }

    func connectionClosed(_ fd: Int32) {
        connections[fd] = nil
        checkDrained()
    }

    private func checkDrained() {
        if shuttingDown && connections.isEmpty, let d = drained {
            drained = nil
            d()
        }
    }
}

/// A listening socket's readiness handler.
final class Listener: EventHandler {
    let fd: Int32
    unowned let server: HTTPServer
    init(fd: Int32, server: HTTPServer) {
        self.fd = fd
        self.server = server
    }
    func handleEvents(_ events: UInt32) { server.accept(from: fd) }
}

