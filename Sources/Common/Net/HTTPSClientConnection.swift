import Glibc

/// One kept-alive HTTPS connection to one host, driven by an `EventLoop`: the thin driver that
/// performs what its `ClientConnectionMachine` asks for with a socket, OpenSSL and epoll.
/// Deadlines, retries, reuse, limits and the share of a loop turn live in the machine.
/// Without a TLS context it speaks plain HTTP over TCP (the machine's handshake step then
/// completes at once). Loop-confined (checked in debug builds where it is used and driven).
public final class HTTPSClientConnection: EventHandler {
    public let address: SocketAddress
    private let loop: EventLoop
    private var tls: TLSContext?
    /// The host the certificate must name when `tls` checks peer names (per-host mode, or a
    /// Prometheus server's name).
    private var expectedPeerName: String?
    private var machine: ClientConnectionMachine
    private var fd: Int32 = -1
    private var stream: ClientStream?
    private var completion: ((Result<ClientResponse, ClientFailure>) -> Void)?
    private var timer: UInt64?
    private var interest: UInt32 = 0
    private let readBuffer: ReadBuffer
    /// Set while `drive` runs: a completion that sends the next request at once must not start
    /// a second, nested drive (the running one continues with it).
    private var driving = false
    /// The request has just gone out: the answer cannot be there yet.
    private var justSent = false

    /// `readBuffer`: pass one shared by all connections of the loop (see `ReadBuffer`).
    /// `tls`: nil for plain HTTP. `expectedPeerName`: the host name (or address) the server's
    /// certificate must name, for a context that `checksPeerName`.
    public init(loop: EventLoop, address: SocketAddress, tls: TLSContext?, expectedPeerName: String? = nil,
                limits: HTTPResponseLimits = .default, turn: TurnBudget = .client, readBuffer: ReadBuffer = ReadBuffer()) {
        self.loop = loop
        self.expectedPeerName = expectedPeerName
        self.readBuffer = readBuffer
        self.address = address
        self.tls = tls
        self.machine = ClientConnectionMachine(rules: .init(limits: limits, turn: turn))
    }

    public var isConnected: Bool { fd >= 0 }

    /// The next connection uses `context` and `expectedPeerName` (new trust after a rotation); an
    /// open one keeps the session it verified.
    public func useTLS(_ context: TLSContext, expectedPeerName: String?) {
        tls = context
        self.expectedPeerName = expectedPeerName
    }

    /// Sends one request (bytes of a complete HTTP/1.1 request) and calls `completion` once on
    /// the loop thread, within `timeout` seconds.
    public func send(_ requestBytes: [UInt8], timeout: Double, completion: @escaping (Result<ClientResponse, ClientFailure>) -> Void) {
        loop.assertOnLoopThread("HTTPSClientConnection.send")
        guard self.completion == nil, machine.send(requestBytes, timeout: timeout) else {
            completion(.failure(.io("a request is already in flight")))
            return
        }
        self.completion = completion
        drive()
    }

    /// Drops the connection (the next request reconnects). A request in flight is dropped
    /// too, without calling its completion.
    public func disconnect() {
        loop.assertOnLoopThread("HTTPSClientConnection.disconnect")
        completion = nil
        machine.disconnect()
        drive()
    }

    public func handleEvents(_ events: UInt32) {
        if machine.isConnecting {
            let code = Sockets.pendingError(fd)
            if code == 0 {
                machine.connected()
            } else {
                machine.connectFailed(ClientConnectionMachine.connectFailure(code: code, text: String(cString: strerror(code))))
            }
        } else if machine.isKeptAlive {
            machine.readableWhileIdle()
        }
        drive()
    }

    public func resume() { drive() }

    private func drive() {
        loop.assertOnLoopThread("HTTPSClientConnection")
        guard !driving else { return }
        driving = true
        defer { driving = false }
        machine.beginTurn()
        while true {
            switch machine.nextStep() {
            case .armDeadline(let seconds):
                arm(seconds)
            case .cancelDeadline:
                if let t = timer { loop.cancelTimer(t) }
                timer = nil
            case .connect:
                openSocket()
            case .awaitConnect:
                return watch(IOEvents.write)
            case .handshake:
                guard let stream else { machine.ioFailed("no connection"); continue }
                if let interest = machine.report(handshake: stream.handshake()) { return watch(interest) }
            case .write:
                guard let stream else { machine.ioFailed("no connection"); continue }
                let result = machine.withUnwrittenRequest { stream.write($0) }
                if let interest = machine.report(write: result) { return watch(interest) }
                justSent = true
            case .read:
                guard let stream else { machine.ioFailed("no connection"); continue }
                // Right after the request the socket is empty: wait for it to become readable
                // instead of a read that finds nothing (one system call less a poll).
                if justSent {
                    justSent = false
                    if !stream.holdsUnreadInput { return watch(IOEvents.read) }
                }
                let result = readBuffer.bytes.withUnsafeMutableBytes { stream.read(into: $0) }
                if let interest = readBuffer.bytes.withUnsafeBytes({ machine.report(read: result, from: $0) }) { return watch(interest) }
            case .yield:
                // Parked until the next turn, so the other connections and the timers get theirs.
                watch(0)
                loop.resumeNextTurn(fd: fd)
                return
            case .disconnect:
                closeSocket()
            case .complete(let result):
                let done = completion
                completion = nil
                done?(result)
            case .watchIdle:
                // Notice a server-side close while idle; free OpenSSL's buffers meanwhile.
                stream?.releaseBuffers()
                return watch(IOEvents.read)
            case .idle:
                return
            }
        }
    }

    private func openSocket() {
        closeSocket()
        switch Sockets.startConnect(address) {
        case .failure(let e):
            machine.connectFailed(.refused("connect: \(e)"))
        case .success(let newFD):
            fd = newFD
            do {
                if let tls {
                    stream = try TLSStream(context: tls, fd: fd, isServer: false, expectedPeerName: expectedPeerName)
                } else {
                    stream = PlainStream(fd: fd)
                }
                interest = IOEvents.write
                try loop.register(fd: fd, events: interest, handler: self)
            } catch {
                machine.connectFailed(.io("\(error)"))
            }
        }
    }

    private func watch(_ events: UInt32) {
        guard fd >= 0, events != interest else { return }
        interest = events
        loop.modify(fd: fd, events: events)
    }

    private func arm(_ seconds: Double) {
        if let t = timer { loop.cancelTimer(t) }
        timer = loop.schedule(after: seconds) { [weak self] in
            guard let self else { return }
            self.timer = nil
            self.machine.deadlineExpired()
            self.drive()
        }
    }

    private func closeSocket() {
        if fd >= 0 {
            loop.unregister(fd: fd)
            stream?.shutdown()
            close(fd)
        }
        fd = -1
        stream = nil
        interest = 0
    }
}
