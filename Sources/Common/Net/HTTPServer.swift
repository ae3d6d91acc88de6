import Glibc

/// The application side of the server. Called on the event loop thread: it must not block.
public protocol HTTPServerDelegate: AnyObject {
    func respond(to request: HTTPRequestHead, peer: SocketAddress) -> HTTPServerResponse
    /// Answers now (a response) or later (nil, then `responder.send` on the loop thread).
    /// The default answers now with `respond(to:peer:)`.
    func answer(_ request: HTTPRequestHead, peer: SocketAddress, responder: HTTPResponder) -> HTTPServerResponse?
    /// The answer to a request that did not parse (400, 413, 414, 431, 505).
    func respond(toParseError error: HTTPParseError, peer: SocketAddress) -> HTTPServerResponse
    /// One line for the log about connection pressure (the server never logs per successful
    /// request). Clients can trigger these at will: the delegate rate-limits them per kind.
    func serverEvent(_ kind: ClientEventKind, _ level: LogLevel, _ message: String)
    /// A connection was closed, and why (a timeout, an eviction, the peer, ...). The default
    /// does nothing; a delegate that logs these must rate-limit them (clients control them).
    func connectionClosed(_ reason: ServerCloseReason, peer: SocketAddress)
}

extension HTTPServerDelegate {
    public func answer(_ request: HTTPRequestHead, peer: SocketAddress, responder: HTTPResponder) -> HTTPServerResponse? {
        respond(to: request, peer: peer)
    }

    public func connectionClosed(_ reason: ServerCloseReason, peer: SocketAddress) {}
}

/// Server limits and timeouts.
public struct HTTPServerConfiguration: Sendable {
    public var limits = HTTPLimits()
    /// A connection must complete its TLS handshake and each request within this time.
    public var requestTimeoutSecs: Double = 10
    /// An idle keep-alive connection is closed after this time.
    public var idleTimeoutSecs: Double = 60
    public var maxConnections = 1024
    /// Connections one client address may hold; nil for a quarter of `maxConnections`.
    public var maxConnectionsPerAddress: Int?
    /// One connection's share of a loop turn.
    public var turn = TurnBudget.server
    /// Connections accepted per turn of the loop before the others get theirs.
    public var acceptsPerTurn = 64
    /// When accepting fails for want of descriptors, the listener is not polled for this long.
    public var acceptBackoffSecs: Double = 0.25
    public var serverName = "cephadm-exporter"

    public init() {}
}

/// An HTTPS/1.1 server on an `EventLoop`: non-blocking TLS per connection (a client that never
/// sends a ClientHello delays nobody), keep-alive, pipelining, bounded memory, timeouts, a
/// bounded share of each loop turn per connection, and a connection table that evicts
/// connections stuck before their handshake when it is full.
/// Loop-confined: create it and call its methods on the loop thread (or through `loop.execute`);
/// debug builds check it at every entry point (`EventLoop.assertOnLoopThread`).
public final class HTTPServer {
    let loop: EventLoop
    let configuration: HTTPServerConfiguration
    let connectionRules: ServerConnectionMachine.Rules
    weak var delegate: HTTPServerDelegate?
    private(set) var tlsContext: TLSContext
    private var listeners: [Listener] = []
    private var table: ConnectionTable
    private var connections: [UInt64: ServerConnection] = [:]
    private var nextID: UInt64 = 0
    private(set) var shuttingDown = false
    private var drained: (() -> Void)?
    private var dateCache = HTTPDateCache()
    private var counters = HTTPServerStatistics()
    /// Scratch space for every connection's reads (loop-confined).
    let readBuffer = ReadBuffer(size: 16 * 1024)

    public init(loop: EventLoop, tlsContext: TLSContext, configuration: HTTPServerConfiguration, delegate: HTTPServerDelegate) {
        self.loop = loop
        self.tlsContext = tlsContext
        self.configuration = configuration
        self.delegate = delegate
        self.table = ConnectionTable(capacity: configuration.maxConnections,
                                     perAddressLimit: configuration.maxConnectionsPerAddress)
        self.connectionRules = ServerConnectionMachine.Rules(
            limits: configuration.limits, requestTimeoutSecs: configuration.requestTimeoutSecs,
            idleTimeoutSecs: configuration.idleTimeoutSecs, serverName: configuration.serverName, turn: configuration.turn)
    }

    /// The counters so far and the connections open now (loop thread).
    var statistics: HTTPServerStatistics {
        var s = counters
        s.openConnections = connections.count
        return s
    }

    func countResponse(_ status: Int) { counters.countResponse(status) }

    func currentDate() -> String {
        dateCache.string(forEpochSeconds: Clock.wallTime().seconds)
    }

    /// Starts accepting on already-bound listening sockets (see `Sockets.listen`).
    public func start(listening fds: [Int32]) throws(NetError) {
        loop.assertOnLoopThread("HTTPServer.start")
        for fd in fds {
            let l = Listener(fd: fd, server: self)
            try loop.register(fd: fd, events: IOEvents.read, handler: l)
            listeners.append(l)
        }
    }

    /// New connections use `context`; existing ones keep the one they started with.
    public func replaceTLSContext(_ context: TLSContext) {
        loop.assertOnLoopThread("HTTPServer.replaceTLSContext")
        tlsContext = context
    }

    /// Stops accepting, closes idle connections, lets in-flight responses finish, then calls
    /// `completion` (on the loop thread) once no connection remains.
    public func shutdown(completion: @escaping () -> Void) {
        loop.assertOnLoopThread("HTTPServer.shutdown")
        shuttingDown = true
        for l in listeners {
            loop.unregister(fd: l.fd)
            close(l.fd)
        }
        listeners.removeAll()
        drained = completion
        for c in Array(connections.values) { c.shutdown() }
        checkDrained()
    }

    /// Accepts what is queued, up to `acceptsPerTurn` (the listener stays readable for the
    /// rest, so the next turn continues), and pauses the listener when descriptors run out.
    func accept(from listener: Listener) {
        loop.assertOnLoopThread("HTTPServer.accept")
        for _ in 0..<configuration.acceptsPerTurn {
            switch Sockets.accept(listener.fd) {
            case .none:
                return
            case .failed:
                continue
            case .outOfResources(let code):
                return pause(listener, code)
            case .connection(let fd, let peer):
                admit(fd, peer)
            }
        }
    }

    private func admit(_ fd: Int32, _ peer: SocketAddress) {
        if shuttingDown {
            close(fd)
            return
        }
        let address = peer.clientKey
        switch table.admit(from: address) {
        case .refuse(let why):
            close(fd)
            counters.refusedConnections &+= 1
            delegate?.serverEvent(.connectionRefused, .warning, "\(why): refusing \(address)")
            return
        case .admitEvicting(let victim):
            if let old = connections[victim] {
                delegate?.serverEvent(.connectionEvicted, .warning, "connection limit (\(configuration.maxConnections)) reached: closing the oldest "
                    + "connection still in its TLS handshake (from \(old.peer.ip)) for one from \(address)")
                old.evict()
                counters.evictedConnections &+= 1
            }
            table.remove(victim)
        case .admit:
            break
        }
        nextID &+= 1
        let id = nextID
        do {
            let c = try ServerConnection(id: id, fd: fd, peer: peer, server: self)
            try loop.register(fd: fd, events: IOEvents.read, handler: c)
            connections[id] = c
            table.add(id, address: address)
            c.started()
        } catch {
            close(fd)
            delegate?.serverEvent(.acceptFailed, .error, "accepting a connection from \(address) failed: \(error)")
        }
    }

    /// Out of descriptors: the pending connection stays queued and the listener readable, so
    /// polling it now would spin. Stop polling it for a moment; connections closing meanwhile
    /// free descriptors.
    private func pause(_ listener: Listener, _ code: Int32) {
        let backoff = configuration.acceptBackoffSecs
        delegate?.serverEvent(.outOfDescriptors, .warning, "cannot accept connections: \(String(cString: strerror(code))) "
            + "(\(connections.count) open); pausing the listener for \(DecimalText.seconds(backoff)) s")
        loop.modify(fd: listener.fd, events: 0)
        loop.schedule(after: backoff) { [weak self, weak listener] in
            guard let self, let listener, !self.shuttingDown, self.listeners.contains(where: { $0 === listener }) else { return }
            self.loop.modify(fd: listener.fd, events: IOEvents.read)
        }
    }


    func handshakeCompleted(_ id: UInt64) { table.handshakeCompleted(id) }

    func connectionClosed(_ connection: ServerConnection, reason: ServerCloseReason) {
        connections[connection.id] = nil
        table.remove(connection.id)
        delegate?.connectionClosed(reason, peer: connection.peer)
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
    func handleEvents(_ events: UInt32) { server.accept(from: self) }
}
