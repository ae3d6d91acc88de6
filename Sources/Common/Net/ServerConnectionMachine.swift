/// The rules of one HTTPS server connection, without sockets, TLS or clocks: handshake →
/// read a request → answer it (now or later) → write the answer → (keep-alive) the next one,
/// with its deadlines, its share of each loop turn and its limits.
///
/// The driver (`ServerConnection`) feeds it what happened (handshake done, plaintext bytes,
/// bytes written, the peer closed, a deadline expired) and asks `nextStep()` what to do until
/// the answer is to wait for the socket, to yield or to close. Tests drive it the same way,
/// byte by byte, with deadlines in between.
struct ServerConnectionMachine {
    struct Rules: Sendable {
        var limits = HTTPLimits.default
        /// The handshake and the first request must complete this long after the connection is
        /// accepted; each later request, this long after its first byte.
        var requestTimeoutSecs: Double = 10
        /// A kept-alive connection with no request in progress is closed after this.
        var idleTimeoutSecs: Double = 60
        var serverName = "cephadm-exporter"
        var turn = TurnBudget.server
    }

    /// What the driver does next.
    enum Step: Equatable {
        /// (Re)arm the connection's one deadline, replacing the previous one; report its expiry
        /// with `deadlineExpired()`.
        case armDeadline(Double)
        /// Continue the TLS handshake; report `handshakeCompleted()` / `handshakeFailed`.
        case handshake
        /// Read plaintext and report it with `received`, or wait until the socket is readable.
        case read
        /// Ask the delegate; report its answer with `respond` (now or later).
        case answer(HTTPRequestHead)
        /// Ask the delegate for the page of a refused request; report it with `respond`.
        case answerError(HTTPParseError)
        /// The answer is deferred: watch nothing until `respond` (or the deadline).
        case awaitAnswer
        /// Write `withUnwrittenOutput`'s bytes and report how many went with `wrote`.
        case write
        /// This turn's share is spent: resume on the next turn.
        case yield
        /// Close the connection.
        case close(ServerCloseReason)
    }

    private enum State: Equatable {
        case handshaking, reading, answering, writing
        case closed(ServerCloseReason)
    }

    let rules: Rules
    private var state = State.handshaking
    private var parser: HTTPRequestParser
    private var pendingDeadline: Double?
    private var deadlineKind = ServerCloseReason.Deadline.handshake
    private var deadlineSecs: Double
    /// Some byte of the current request has arrived (request deadline, not idle deadline).
    private var requestStarted = false
    private var keepAliveAfterAnswer = true
    private var shuttingDown = false
    private var turnBytes = 0
    private var turnRequests = 0
    private var output: [UInt8] = []
    private var written = 0
    /// Numbers the requests handed to the delegate, so a late answer to one the connection has
    /// moved past is recognised.
    private(set) var answerNumber: UInt64 = 0

    init(rules: Rules) {
        self.rules = rules
        parser = HTTPRequestParser(limits: rules.limits)
        deadlineSecs = rules.requestTimeoutSecs
        pendingDeadline = rules.requestTimeoutSecs
    }

    var isClosed: Bool { if case .closed = state { return true } else { return false } }
    /// Waiting for a deferred answer to request number `number`.
    func isAwaitingAnswer(_ number: UInt64) -> Bool { state == .answering && answerNumber == number }
    /// Bytes received and not yet part of an answered request.
    var bufferedRequestBytes: Int { parser.bufferedByteCount }

    // MARK: what the driver asks

    mutating func nextStep() -> Step {
        if let seconds = pendingDeadline {
            pendingDeadline = nil
            return .armDeadline(seconds)
        }
        switch state {
        case .closed(let reason): return .close(reason)
        case .handshaking: return .handshake
        case .answering: return .awaitAnswer
        case .writing: return .write
        case .reading:
            if turnRequests >= rules.turn.maxMessages { return .yield }
            switch parser.next() {
            case .request(let head)?:
                turnRequests += 1
                answerNumber &+= 1
                keepAliveAfterAnswer = head.keepAlive
                state = .answering
                return .answer(head)
            case .error(let error)?:
                answerNumber &+= 1
                keepAliveAfterAnswer = false
                state = .answering
                return .answerError(error)
            case nil:
                return turnBytes >= rules.turn.maxBytes ? .yield : .read
            }
        }
    }

    /// The bytes of the answer not written yet.
    func withUnwrittenOutput<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        output.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[written...])) }
    }

    // MARK: what happened

    /// A new turn of the event loop (or a new event): a fresh share of work.
    mutating func beginTurn() {
        turnBytes = 0
        turnRequests = 0
    }

    mutating func handshakeCompleted() {
        guard state == .handshaking else { return }
        state = .reading
        deadlineKind = .request
    }

    /// `reason` is OpenSSL's, or nil when the peer just closed.
    mutating func handshakeFailed(_ reason: String?) {
        close(reason.map(ServerCloseReason.handshakeFailed) ?? .peerClosed)
    }

    mutating func received(_ bytes: UnsafeRawBufferPointer) {
        guard state == .reading, !bytes.isEmpty else { return }
        turnBytes += bytes.count
        if !requestStarted {
            requestStarted = true
            // A request after an idle wait gets its own deadline from its first byte; the first
            // one keeps the deadline armed at connect (handshake and first request together).
            if deadlineKind == .idle { arm(.request, rules.requestTimeoutSecs) }
        }
        parser.append(bytes)
    }

    mutating func received(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { received($0) }
    }

    /// The delegate's answer to the request (or refused request) last handed out. `date` is
    /// the current HTTP date.
    mutating func respond(_ response: HTTPServerResponse, date: String) {
        guard state == .answering else { return }
        let keepAlive = keepAliveAfterAnswer && !response.close && !shuttingDown
        var headers: [HTTPHeaderField] = [("Server", rules.serverName)]
        if let type = response.contentType { headers.append(("Content-Type", type)) }
        output.removeAll(keepingCapacity: true)
        HTTPResponseWriter.append(
            HTTPResponse(status: response.status, reason: response.reason, headers: headers, body: response.body),
            keepAlive: keepAlive, date: date, to: &output)
        written = 0
        keepAliveAfterAnswer = keepAlive
        state = .writing
    }

    mutating func wrote(_ count: Int) {
        guard state == .writing else { return }
        written += count
        guard written >= output.count else { return }
        // Keep the buffer's capacity for the next answer unless it was unusually large.
        if output.capacity > 256 * 1024 { output = [] } else { output.removeAll(keepingCapacity: true) }
        written = 0
        if shuttingDown { return close(.shutdown) }
        if !keepAliveAfterAnswer { return close(.closeAfterResponse) }
        state = .reading
        requestStarted = parser.bufferedByteCount > 0
        if requestStarted { arm(.request, rules.requestTimeoutSecs) } else { arm(.idle, rules.idleTimeoutSecs) }
    }

    /// The peer closed or reset the connection (or the socket reported an error).
    mutating func peerClosed() { close(.peerClosed) }

    mutating func ioFailed(_ reason: String) { close(.ioFailed(reason)) }

    mutating func deadlineExpired() { close(.timedOut(deadlineKind, seconds: deadlineSecs)) }

    /// Made room for a newer connection at the connection limit.
    mutating func evict() { close(.evicted) }

    /// The server is stopping: close now unless a request is arriving or being answered;
    /// that one is answered with `Connection: close`.
    mutating func shutdown() {
        shuttingDown = true
        switch state {
        case .handshaking: close(.shutdown)
        case .reading where !requestStarted: close(.shutdown)
        default: break
        }
    }

    private mutating func arm(_ kind: ServerCloseReason.Deadline, _ seconds: Double) {
        deadlineKind = kind
        deadlineSecs = seconds
        pendingDeadline = seconds
    }

    private mutating func close(_ reason: ServerCloseReason) {
        if isClosed { return }
        state = .closed(reason)
        pendingDeadline = nil
        output = []
        written = 0
        parser = HTTPRequestParser(limits: rules.limits)
    }
}
