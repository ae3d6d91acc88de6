import Glibc

/// Why a client request failed, in the operator's terms.
public enum ClientFailure: Error, Sendable, Equatable, CustomStringConvertible {
    case refused(String)
    case timeout(String)
    /// The TLS handshake failed with a reason: a certificate that does not verify, an alert
    /// from the server, a peer that does not speak TLS.
    case tls(String)
    /// The server closed the connection before or during the TLS handshake without saying why
    /// (no alert): it is at its connection limit, shutting down, or not an exporter.
    case closedDuringHandshake(String)
    case io(String)
    case protocolError(String)
    /// The host name did not resolve (the poller resolves names before connecting).
    case resolve(String)

    public var description: String {
        switch self {
        case .refused(let m), .timeout(let m), .tls(let m), .closedDuringHandshake(let m), .io(let m), .protocolError(let m),
             .resolve(let m):
            return m
        }
    }
}

/// A completed exchange.
public struct ClientResponse: Sendable, Equatable {
    public let head: HTTPResponseHead
    public let body: [UInt8]
}

/// The rules of one kept-alive HTTPS client connection, without sockets, TLS or clocks:
/// connect → handshake → send the request → read the response → keep the connection for the
/// next request while the server allows it; one deadline per request; one retry on a fresh
/// connection when a reused one turns out closed; a bounded share of each loop turn; the
/// response limits of its parser.
///
/// The driver (`HTTPSClientConnection`) reports what happened and asks `nextStep()` what to do
/// until the answer is to wait, to yield or to do nothing.
struct ClientConnectionMachine {
    struct Rules: Sendable {
        var limits = HTTPResponseLimits.default
        var turn = TurnBudget.client
    }

    /// What the driver does next.
    enum Step: Equatable {
        /// (Re)arm the request's deadline; report its expiry with `deadlineExpired()`.
        case armDeadline(Double)
        case cancelDeadline
        /// Open a socket and start connecting; report `connected()` or `connectFailed`.
        case connect
        /// Wait for the connect to finish (writability).
        case awaitConnect
        /// Continue the TLS handshake; report `handshakeCompleted()` / `handshakeFailed`.
        case handshake
        /// Write `withUnwrittenRequest`'s bytes; report them with `wrote`.
        case write
        /// Read plaintext and report it with `received`, or wait until readable.
        case read
        /// This turn's share is spent: resume on the next turn.
        case yield
        /// Close the socket (what follows may open a new one).
        case disconnect
        /// The request is over: hand its outcome to the caller.
        case complete(Result<ClientResponse, ClientFailure>)
        /// Kept alive with nothing in flight: watch for the server closing it.
        case watchIdle
        /// Nothing to do.
        case idle
    }

    private enum State { case disconnected, connecting, handshaking, sending, receiving, keptAlive }

    let rules: Rules
    private var state = State.disconnected
    /// The parser of the exchange in progress, or none: an idle kept-alive connection holds an
    /// empty array (one word) instead of a parser (248 bytes), which 10,000 connections feel.
    private var parserSlot: [HTTPResponseParser] = []
    private var effects: [Step] = []
    private var request: [UInt8] = []
    private var written = 0
    private var inFlight = false
    private var timeoutSecs: Double = 0
    /// The request went out on a connection kept from an earlier one.
    private var reused = false
    private var retried = false
    /// False when the response ended with the connection (no reuse afterwards).
    private var keepAliveAfter = true
    private var turnBytes = 0

    init(rules: Rules) {
        self.rules = rules
    }

    /// The exchange's parser, made on first use.
    private var parser: HTTPResponseParser {
        get { parserSlot.first ?? HTTPResponseParser(limits: rules.limits) }
        _modify {
            if parserSlot.isEmpty { parserSlot.append(HTTPResponseParser(limits: rules.limits)) }
            yield &parserSlot[0]
        }
    }

    var hasRequestInFlight: Bool { inFlight }
    /// Bytes of storage held by the pending steps, the request and the parser (an idle machine
    /// holds none: its parser goes with the exchange).
    var heldCapacityBytes: Int {
        effects.capacity * MemoryLayout<Step>.stride + request.capacity
            + parserSlot.capacity * MemoryLayout<HTTPResponseParser>.stride
    }
    var isConnecting: Bool { state == .connecting }
    var isKeptAlive: Bool { state == .keptAlive }

    // MARK: what the driver asks

    mutating func nextStep() -> Step {
        while true {
            if !effects.isEmpty {
                let step = effects.removeFirst()
                // Drained: give the storage back, so thousands of idle kept-alive connections
                // do not each hold the capacity of their last exchange.
                if effects.isEmpty { effects = [] }
                return step
            }
            switch state {
            case .disconnected:
                guard inFlight else { return .idle }
                state = .connecting
                return .connect
            case .connecting: return .awaitConnect
            case .handshaking: return .handshake
            case .keptAlive: return .watchIdle
            case .sending:
                if written < request.count { return .write }
                state = .receiving
            case .receiving:
                if let result = parser.next() {
                    finish(result)
                    continue
                }
                return turnBytes >= rules.turn.maxBytes ? .yield : .read
            }
        }
    }

    func withUnwrittenRequest<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        request.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[written...])) }
    }

    // MARK: what happened

    mutating func beginTurn() { turnBytes = 0 }

    /// A new request (complete HTTP/1.1 bytes) with its deadline. Returns false when one is
    /// already in flight.
    mutating func send(_ bytes: [UInt8], timeout: Double) -> Bool {
        guard !inFlight else { return false }
        inFlight = true
        request = bytes
        written = 0
        retried = false
        timeoutSecs = timeout
        effects.append(.armDeadline(timeout))
        if state == .keptAlive {
            reused = true
            state = .sending
        } else {
            reused = false
        }
        return true
    }

    mutating func connected() {
        guard state == .connecting else { return }
        state = .handshaking
    }

    mutating func connectFailed(_ failure: ClientFailure) {
        guard state == .connecting else { return }
        fail(failure)
    }

    /// The failure for a connect that ended with `code` (`strerror` text in `text`).
    static func connectFailure(code: Int32, text: String) -> ClientFailure {
        switch code {
        case ECONNREFUSED: return .refused("connection refused")
        case ETIMEDOUT: return .timeout("connect: \(text)")
        default: return .io("connect: \(text)")
        }
    }

    mutating func handshakeCompleted() {
        guard state == .handshaking else { return }
        state = .sending
    }

    /// `reason` is OpenSSL's, or nil when the server closed (or reset) the connection without
    /// an alert.
    mutating func handshakeFailed(_ reason: String?) {
        guard state == .handshaking else { return }
        if let reason {
            fail(.tls(reason))
        } else {
            fail(.closedDuringHandshake("connection closed during the TLS handshake"))
        }
    }

    mutating func wrote(_ count: Int) {
        guard state == .sending else { return }
        written += count
    }

    mutating func received(_ bytes: UnsafeRawBufferPointer) {
        guard state == .receiving else { return }
        turnBytes += bytes.count
        parser.append(bytes)
    }

    mutating func received(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { received($0) }
    }

    /// The server closed the connection (end of stream or reset).
    mutating func peerClosed() {
        switch state {
        case .disconnected, .connecting:
            return
        case .handshaking:
            handshakeFailed(nil)
        case .keptAlive:
            dropIdleConnection()
        case .sending:
            retryOrFail(.io("connection closed while sending"))
        case .receiving:
            switch parser.finishAtEOF() {
            case .response(let head, let body)?:
                keepAliveAfter = false
                finish(.response(head, body: body))
            case .error(let error)?:
                finish(.error(error))
            case nil:
                retryOrFail(.io("connection closed before a complete response"))
            }
        }
    }

    mutating func ioFailed(_ reason: String) {
        switch state {
        case .disconnected: return
        case .connecting: fail(.io(reason))
        case .handshaking: fail(.tls(reason))
        case .keptAlive: dropIdleConnection()
        case .sending, .receiving: retryOrFail(Self.isTLSAlert(reason) ? .tls(reason) : .io(reason))
        }
    }

    /// A TLS alert after the handshake: under TLS 1.3 a server refuses a client certificate
    /// (or its absence) only once the client has finished its side, at the first read.
    static func isTLSAlert(_ reason: String) -> Bool {
        reason.hasPrefix("TLS ") && reason.contains(" alert ")
    }

    /// The socket of an idle kept-alive connection became readable: the server closed it, or
    /// sent something nobody asked for. Either way it is not reused.
    mutating func readableWhileIdle() {
        guard state == .keptAlive else { return }
        dropIdleConnection()
    }

    mutating func deadlineExpired() {
        guard inFlight else { return }
        let what: String
        switch state {
        case .connecting: what = "connect timed out"
        case .handshaking: what = "TLS handshake timed out"
        default: what = "no response within \(DecimalText.seconds(timeoutSecs))s"
        }
        fail(.timeout(what))
    }

    /// Closes the connection (the next request opens a new one).
    mutating func disconnect() {
        if inFlight { return fail(.io("disconnected")) }
        if state != .disconnected { effects.append(.disconnect) }
        state = .disconnected
        parserSlot = []
    }

    // MARK: outcomes

    private mutating func finish(_ result: HTTPResponseParseResult) {
        switch result {
        case .error(let error):
            fail(.protocolError("bad HTTP response: \(error)"))
        case .response(let head, let body):
            let reusable = keepAliveAfter && head.keepAlive
            keepAliveAfter = true
            inFlight = false
            request = []
            parserSlot = []
            if reusable {
                state = .keptAlive
            } else {
                effects.append(.disconnect)
                state = .disconnected
            }
            effects.append(.cancelDeadline)
            effects.append(.complete(.success(ClientResponse(head: head, body: body))))
        }
    }

    /// A kept-alive connection may have been closed by the server just as it was reused: try
    /// once more on a fresh connection before reporting a failure.
    private mutating func retryOrFail(_ failure: ClientFailure) {
        guard reused, !retried, parser.isIdle else { return fail(failure) }
        retried = true
        reused = false
        written = 0
        effects.append(.disconnect)
        state = .disconnected
        parserSlot = []
    }

    private mutating func fail(_ failure: ClientFailure) {
        if state != .disconnected { effects.append(.disconnect) }
        state = .disconnected
        parserSlot = []
        keepAliveAfter = true
        guard inFlight else { return }
        inFlight = false
        request = []
        effects.append(.cancelDeadline)
        effects.append(.complete(.failure(failure)))
    }

    private mutating func dropIdleConnection() {
        effects.append(.disconnect)
        state = .disconnected
        parserSlot = []
    }
}
