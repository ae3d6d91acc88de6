import Glibc

/// One accepted HTTPS connection: the thin driver that performs what its
/// `ServerConnectionMachine` asks for with OpenSSL and epoll. Every rule (deadlines, limits,
/// keep-alive, the share of a loop turn) lives in the machine; this class only does I/O, calls
/// the delegate and keeps the epoll interest matching what the machine waits for.
/// Loop-confined (checked in debug builds where it is driven).
final class ServerConnection: EventHandler {
    let id: UInt64
    let fd: Int32
    let peer: SocketAddress
    private unowned let server: HTTPServer
    private let stream: TLSStream
    private var machine: ServerConnectionMachine
    private var timer: UInt64?
    private var interest: UInt32 = IOEvents.read
    /// Set while `drive` runs: a delegate answering synchronously from inside `answer` must not
    /// start a second, nested drive.
    private var driving = false
    private(set) var isClosed = false

    init(id: UInt64, fd: Int32, peer: SocketAddress, server: HTTPServer) throws(TLSError) {
        self.id = id
        self.fd = fd
        self.peer = peer
        self.server = server
        self.stream = try TLSStream(context: server.tlsContext, fd: fd, isServer: true)
        self.machine = ServerConnectionMachine(rules: server.connectionRules)
    }

    /// Arms the handshake deadline and starts the handshake (registered for reading already).
    func started() { drive() }

    /// During shutdown: close now unless a request is arriving or being answered.
    func shutdown() {
        machine.shutdown()
        drive()
    }

    /// Closes a connection still in its handshake to make room for a newer one.
    func evict() {
        machine.evict()
        drive()
    }

    func handleEvents(_ events: UInt32) {
        drive()
        // Error or hang-up: the peer is gone in both directions (a half-close only makes the
        // socket readable, and the read sees it). Nothing more can be written either.
        if !isClosed && events & (IOEvents.error | IOEvents.hangup) != 0 {
            machine.peerClosed()
            drive()
        }
    }

    func resume() { drive() }

    /// A deferred answer (see `HTTPResponder`); ignored unless it answers the request the
    /// connection is waiting on.
    func deliver(_ response: HTTPServerResponse, to number: UInt64) {
        server.loop.assertOnLoopThread("HTTPResponder.send")
        guard !isClosed, machine.isAwaitingAnswer(number) else { return }
        respond(response)
        drive()
    }

    private func drive() {
        server.loop.assertOnLoopThread("ServerConnection")
        guard !driving, !isClosed else { return }
        driving = true
        defer { driving = false }
        machine.beginTurn()
        while true {
            switch machine.nextStep() {
            case .armDeadline(let seconds):
                arm(seconds)
            case .handshake:
                let result = stream.handshake()
                if let interest = machine.report(handshake: result) { return watch(interest) }
                if case .done = result { server.handshakeCompleted(id) }
            case .read:
                let buffer = server.readBuffer
                let result = buffer.bytes.withUnsafeMutableBytes { stream.read(into: $0) }
                if let interest = buffer.bytes.withUnsafeBytes({ machine.report(read: result, from: $0) }) { return watch(interest) }
            case .answer(let head):
                guard let delegate = server.delegate else {
                    machine.ioFailed("the server has no delegate")
                    continue
                }
                let responder = HTTPResponder(connection: self, number: machine.answerNumber)
                if let response = delegate.answer(head, peer: peer, responder: responder) {
                    respond(response)
                }
            case .answerError(let error):
                guard let delegate = server.delegate else {
                    machine.ioFailed("the server has no delegate")
                    continue
                }
                respond(delegate.respond(toParseError: error, peer: peer))
            case .awaitAnswer:
                // Watch nothing: with a level-triggered read interest, a client that has sent
                // everything (or closed) would wake the loop on every turn while nobody reads.
                return watch(0)
            case .write:
                let result = machine.withUnwrittenOutput { stream.write($0) }
                if let interest = machine.report(write: result) { return watch(interest) }
            case .yield:
                // Parked until the next turn: epoll would otherwise report the same readable
                // socket again this turn (or OpenSSL may hold decrypted bytes epoll cannot see).
                watch(0)
                server.loop.resumeNextTurn(fd: fd)
                return
            case .close(let reason):
                return finish(reason)
            }
        }
    }

    /// Every answer goes through here, so the server counts each status once.
    private func respond(_ response: HTTPServerResponse) {
        server.countResponse(response.status)
        machine.respond(response, date: server.currentDate())
    }

    var serverStatistics: HTTPServerStatistics { server.statistics }

    private func watch(_ events: UInt32) {
        guard events != interest else { return }
        interest = events
        server.loop.modify(fd: fd, events: events)
    }

    private func arm(_ seconds: Double) {
        if let t = timer { server.loop.cancelTimer(t) }
        timer = server.loop.schedule(after: seconds) { [weak self] in
            guard let self else { return }
            self.timer = nil
            self.machine.deadlineExpired()
            self.drive()
        }
    }

    private func finish(_ reason: ServerCloseReason) {
        guard !isClosed else { return }
        isClosed = true
        if let t = timer { server.loop.cancelTimer(t) }
        timer = nil
        server.loop.unregister(fd: fd)
        stream.shutdown()
        Glibc.close(fd)
        server.connectionClosed(self, reason: reason)
    }
}

/// Answers one request later, on the loop thread (a delegate that returned nil from
/// `answer`). Answering a request whose connection has closed, or answering twice, does nothing.
/// It keeps the connection object (not the socket) alive until it is used or dropped: a strong
/// reference, because a weak one would cost every request, deferred or not.
public struct HTTPResponder {
    let connection: ServerConnection
    let number: UInt64

    public func send(_ response: HTTPServerResponse) {
        connection.deliver(response, to: number)
    }

    /// The server's counters as of now, for a metrics page (read on the loop thread, where the
    /// delegate is called).
    public var serverStatistics: HTTPServerStatistics { connection.serverStatistics }
}
