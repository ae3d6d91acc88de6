@testable import Common

/// Plays `ServerConnection` (the driver) for a `ServerConnectionMachine` against a simulated
/// client, socket and clock, and checks after every step:
/// - each request the client sent is handed out once, in order (the same results as a second
///   parser fed the same bytes in other pieces), and answered at most once, in order, on the
///   wire; while the connection waits for the socket, no complete request is left unread;
/// - nothing is asked after the close, and closed stays closed whatever happens next;
/// - while open, a deadline is always armed, and never later than the README's limits: the
///   handshake and first request within `requestTimeoutSecs` of connecting, a kept-alive
///   connection idle `idleTimeoutSecs` after an answer, a later request `requestTimeoutSecs`
///   after its first byte (bytes trickling in never push it back); when it fires, it closes;
/// - a turn reads at most the byte budget plus one read and answers at most the message
///   budget; the connection yields only when one of them is spent;
/// - the request bytes held and the answer being written stay within their bounds.
struct ServerConnectionFuzzRig {
    enum Wait { case handshake, readable, writable, answer, nextTurn, closed }

    let rules: ServerConnectionMachine.Rules
    private var machine: ServerConnectionMachine
    private var around: FuzzSurroundings
    private var waiting = Wait.handshake
    private var closeReason: ServerCloseReason?
    /// A second parser, fed what the machine read in other pieces, and what it found.
    private var reference: HTTPRequestParser
    private var referenceResults: [HTTPParseResult] = []
    private var unreferenced: [UInt8] = []
    /// The reference found an error: what follows it is never parsed.
    private var referenceStopped = false
    /// What the machine handed out, in order.
    private var handedOut: [HTTPParseResult] = []
    private var wire: [UInt8] = []
    private var answersWritten = 0
    private var deferAnswers = false
    private var bodySize = 0
    /// The latest the armed deadline may lie; fixed while a request is in progress.
    private var latestDeadline: Double
    private var requestInProgress = true
    private var peerBytes = 0

    static let date = "Tue, 01 Dec 2026 06:00:00 GMT"
    static let maxBodySize = 255 * 128
    /// Beyond the body, an answer carries its status line and a handful of fields.
    static let maxHeadSize = 512

    static let fragments: [[UInt8]] = [
        "GET /v1/metadata HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer t0k3n-t0k3n\r\n\r\n",
        "GET / HTTP/1.1\r\n", "Host: h\r\n", "\r\n", "Connection: close\r\n", "Connection: keep-alive\r\n",
        "Authorization: Bearer x\r\n", "Content-Length: 3\r\n", "Transfer-Encoding: chunked\r\n", "GET / HTTP/1.0\r\n",
        "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "\n", "HEAD /v1/metadata/host HTTP/1.1\r\n",
        "X-Long: " + String(repeating: "a", count: 200) + "\r\n", "GET /" + String(repeating: "a", count: 80),
        "POST /p HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc",
    ].map { Array($0.utf8) }

    init(small: Bool) {
        var rules = ServerConnectionMachine.Rules()
        if small {
            rules.limits = HTTPLimits(maxRequestLineBytes: 64, maxHeaderBlockBytes: 256, maxHeaderFields: 4,
                                      maxEmptyLinesBeforeRequest: 2)
            rules.requestTimeoutSecs = 1
            rules.idleTimeoutSecs = 3
            rules.turn = TurnBudget(maxBytes: 96, maxMessages: 2)
        }
        self.rules = rules
        around = FuzzSurroundings(readChunk: small ? 16 : ReadBuffer().bytes.count, timeStep: small ? 0.02 : 0.5)
        machine = ServerConnectionMachine(rules: rules)
        reference = HTTPRequestParser(limits: rules.limits)
        latestDeadline = rules.requestTimeoutSecs
    }

    mutating func run(_ input: inout FuzzEventReader) throws(ConnectionRuleBroken) -> FuzzOutcome {
        try drive()  // `started()`: arm the deadline, start the handshake
        var events = 0
        while !input.isAtEnd, events < 4096 {
            events += 1
            try apply(input.event(), &input)
        }
        let closedEarly = closeReason
        // Let time run: whatever the connection waits for, its deadline ends it.
        if closeReason == nil {
            guard around.clock.due != nil else { throw ConnectionRuleBroken("open at the end with no deadline armed") }
            try advance(by: 2 * (rules.requestTimeoutSecs + rules.idleTimeoutSecs))
            guard closeReason != nil else { throw ConnectionRuleBroken("still open after its deadline") }
        }
        try checkWire()
        let errors = handedOut.compactMap { if case .error(let e) = $0 { return "\(e.status) \(e)" } else { return nil } }
        switch closedEarly {
        case .timedOut?, .handshakeFailed?, .ioFailed?:
            return .rejected("closed: \(closedEarly.map(String.init(describing:)) ?? "")" + errors.map { "; answered \($0)" }.joined())
        default:
            if let first = errors.first { return .rejected("answered \(first)") }
            return .value("\(handedOut.count) requests, \(answersWritten) answers written, closed: \(closeReason.map(String.init(describing:)) ?? "")")
        }
    }

    // MARK: events

    private mutating func apply(_ event: ConnectionFuzzEvent, _ input: inout FuzzEventReader) throws(ConnectionRuleBroken) {
        switch event {
        case .peerSends, .peerSendsFragment, .peerFloods:
            try peerSends(input.peerBytes(for: event, fragments: Self.fragments))
        case .timePasses: try advance(by: Double(input.byte()) * around.timeStep)
        case .nextTurn: if waiting == .nextTurn { try drive() }
        case .socketDrains, .handshake:
            around.socketChanged(event, &input)
            if waiting == (event == .handshake ? .handshake : .writable) { try drive() }
        case .answerOrConnect:
            try deliver(to: machine.answerNumber)
        case .lateAnswerOrSend:
            let back = UInt64(input.byte() % 4) + 1
            guard machine.answerNumber >= back else { return }
            let old = machine.answerNumber - back
            guard !machine.isAwaitingAnswer(old) else {
                throw ConnectionRuleBroken("awaiting an answer to request \(old) while at request \(machine.answerNumber)")
            }
            try deliver(to: old)
        case .peerCloses:
            around.socket.peerClosed = true
            if waiting == .readable { try drive() }
        case .reset:
            // What `handleEvents` does with an error or hang-up, reported whatever the interest.
            around.socket.failNextIO = true
            try drive()
            if closeReason == nil {
                machine.peerClosed()
                try drive()
            }
        case .shutdownOrDisconnect:
            machine.shutdown()
            try drive()
        case .evictOrConnectRefused:
            machine.evict()
            try drive()
        case .ioFails:
            around.socket.failNextIO = true
            if waiting == .readable || waiting == .writable { try drive() }
        case .answerPolicyOrUnsolicited:
            let b = input.byte()
            deferAnswers = b & 1 != 0
            bodySize = Int(b >> 1) * 256
        case .strayAnswerOrTurn:
            // An answer when none is awaited (the driver never gives one): nothing may change.
            guard closeReason != nil || !machine.isAwaitingAnswer(machine.answerNumber) else { return }
            let before = machine.withUnwrittenOutput { $0.count }
            machine.respond(answer(to: 0), date: Self.date)
            guard machine.withUnwrittenOutput({ $0.count }) == before else {
                throw ConnectionRuleBroken("an answer nobody asked for was taken")
            }
        }
        try checkClosedStaysClosed(after: event)
    }

    private mutating func peerSends(_ bytes: [UInt8]) throws(ConnectionRuleBroken) {
        // Bound the run's work: a megabyte is far past every limit.
        guard !bytes.isEmpty, peerBytes < 1 << 20 else { return }
        peerBytes += bytes.count
        if closeReason != nil {
            machine.received(bytes)  // a driver would not; the machine must ignore it
            return
        }
        around.socket.peerSent(bytes)
        if waiting == .readable { try drive() }
    }

    /// `HTTPResponder.send`, as the driver checks it.
    private mutating func deliver(to number: UInt64) throws(ConnectionRuleBroken) {
        guard closeReason == nil, machine.isAwaitingAnswer(number) else { return }
        machine.respond(answer(to: number), date: Self.date)
        try drive()
    }

    private func answer(to number: UInt64) -> HTTPServerResponse {
        HTTPServerResponse(status: 200, contentType: "text/plain",
                           body: Array("#\(number)".utf8) + Array(repeating: UInt8(ascii: "."), count: bodySize))
    }

    private mutating func advance(by seconds: Double) throws(ConnectionRuleBroken) {
        let target = around.clock.now + seconds
        while around.clock.advance(to: target) {
            machine.deadlineExpired()
            try drive()
            guard closeReason != nil else { throw ConnectionRuleBroken("the deadline fired and the connection stayed open") }
        }
        if closeReason == nil, around.clock.now > latestDeadline + 1e-9 {
            throw ConnectionRuleBroken("open at \(around.clock.now) s, past its limit of \(latestDeadline) s")
        }
    }

    // MARK: the driver

    /// `ServerConnection.drive`: a fresh share of the turn, then steps until a wait or the close.
    private mutating func drive() throws(ConnectionRuleBroken) {
        guard closeReason == nil else { return }
        machine.beginTurn()
        var turnBytes = 0
        var turnAnswers = 0
        for _ in 0..<1_000_000 {
            let step = machine.nextStep()
            switch step {
            case .armDeadline(let seconds):
                try around.clock.arm(after: seconds)
                if let due = around.clock.due, due > latestDeadline + 1e-9 {
                    throw ConnectionRuleBroken("deadline armed for \(due) s, past the limit of \(latestDeadline) s")
                }
            case .handshake:
                guard around.socket.finishHandshake(&machine) else { return try wait(.handshake) }
            case .read:
                let bytes: [UInt8]
                switch around.socket.read(upTo: around.readChunk, reportingTo: &machine) {
                case .wait: return try wait(.readable)
                case .reported, .wrote: continue
                case .read(let b): bytes = b
                }
                turnBytes += bytes.count
                if !requestInProgress {
                    requestInProgress = true
                    latestDeadline = around.clock.now + rules.requestTimeoutSecs
                }
                unreferenced += bytes
                machine.received(bytes)
                let bound = rules.limits.maxBufferedBytes + rules.turn.maxBytes + around.readChunk
                guard machine.bufferedRequestBytes <= bound else {
                    throw ConnectionRuleBroken("holds \(machine.bufferedRequestBytes) request bytes, bound \(bound)")
                }
            case .answer(let head):
                turnAnswers += 1
                guard turnAnswers <= rules.turn.maxMessages else {
                    throw ConnectionRuleBroken("answered \(turnAnswers) requests in one turn, budget \(rules.turn.maxMessages)")
                }
                try handOut(.request(head))
                if !deferAnswers { machine.respond(answer(to: machine.answerNumber), date: Self.date) }
            case .answerError(let error):
                try handOut(.error(error))
                machine.respond(HTTPServerResponse(status: error.status, body: Array("#\(machine.answerNumber)".utf8), close: true),
                                date: Self.date)
            case .awaitAnswer:
                return try wait(.answer)
            case .write:
                let unwritten = machine.withUnwrittenOutput { $0.count }
                guard unwritten > 0 else { throw ConnectionRuleBroken("asked to write nothing") }
                guard unwritten <= Self.maxBodySize + Self.maxHeadSize else {
                    throw ConnectionRuleBroken("an answer of \(unwritten) bytes to write")
                }
                switch around.socket.write(unwritten, reportingTo: &machine) {
                case .wait: return try wait(.writable)
                case .reported, .read: continue
                case .wrote(let n):
                    wire += machine.withUnwrittenOutput { Array($0.prefix(n)) }
                    machine.wrote(n)
                    if n == unwritten { answerWritten() }
                }
            case .yield:
                guard turnBytes >= rules.turn.maxBytes || turnAnswers >= rules.turn.maxMessages else {
                    throw ConnectionRuleBroken("yielded after \(turnBytes) bytes and \(turnAnswers) answers, budget left")
                }
                return try wait(.nextTurn)
            case .close(let reason):
                closeReason = reason
                waiting = .closed
                around.clock.cancel()
                guard machine.bufferedRequestBytes == 0, machine.withUnwrittenOutput({ $0.count }) == 0 else {
                    throw ConnectionRuleBroken("closed (\(reason)) and still holds bytes")
                }
                return
            }
            guard turnBytes <= rules.turn.maxBytes + around.readChunk else {
                throw ConnectionRuleBroken("read \(turnBytes) bytes in one turn, budget \(rules.turn.maxBytes) + one read")
            }
        }
        throw ConnectionRuleBroken("a million steps without waiting")
    }

    private mutating func handOut(_ result: HTTPParseResult) throws(ConnectionRuleBroken) {
        handedOut.append(result)
        guard machine.answerNumber == UInt64(handedOut.count), machine.isAwaitingAnswer(machine.answerNumber) else {
            throw ConnectionRuleBroken("request \(handedOut.count) handed out as number \(machine.answerNumber)")
        }
        try compareWithReference(complete: false)
    }

    private mutating func answerWritten() {
        answersWritten += 1
        // Pipelined bytes already read start the next request now; otherwise it idles.
        requestInProgress = machine.bufferedRequestBytes > 0
        latestDeadline = around.clock.now + (requestInProgress ? rules.requestTimeoutSecs : rules.idleTimeoutSecs)
    }

    private mutating func wait(_ what: Wait) throws(ConnectionRuleBroken) {
        waiting = what
        guard around.clock.due != nil else { throw ConnectionRuleBroken("waits (\(what)) with no deadline armed") }
        // Waiting for the socket with a complete request read but not handed out would leave
        // the client without an answer.
        try compareWithReference(complete: what == .readable)
    }

    /// What the machine handed out is what a parser fed the same bytes (in other pieces) finds,
    /// in the same order; with `complete`, all of it.
    private mutating func compareWithReference(complete: Bool) throws(ConnectionRuleBroken) {
        if !unreferenced.isEmpty, !referenceStopped {
            reference.append(unreferenced)
            while let result = reference.next() {
                referenceResults.append(result)
                if case .error = result { referenceStopped = true; break }
            }
        }
        unreferenced.removeAll(keepingCapacity: true)
        guard handedOut.count <= referenceResults.count,
              zip(handedOut, referenceResults).allSatisfy({ $0 == $1 }) else {
            throw ConnectionRuleBroken("handed out \(handedOut.last.map { "\($0)" } ?? "nothing") as number \(handedOut.count); "
                + "the bytes read hold \(referenceResults.count) results")
        }
        if complete, handedOut.count != referenceResults.count {
            throw ConnectionRuleBroken("waits for more bytes with \(referenceResults.count - handedOut.count) complete requests unanswered")
        }
    }

    private mutating func checkClosedStaysClosed(after event: ConnectionFuzzEvent) throws(ConnectionRuleBroken) {
        guard let reason = closeReason else { return }
        // Calls no driver makes after a close; the machine must still stay closed.
        switch event {
        case .handshake: machine.handshakeCompleted()
        case .socketDrains: machine.wrote(1)
        case .answerOrConnect: machine.respond(answer(to: machine.answerNumber), date: Self.date)
        case .nextTurn: machine.beginTurn()
        case .timePasses: machine.deadlineExpired()
        default: break
        }
        let step = machine.nextStep()
        guard step == .close(reason) else { throw ConnectionRuleBroken("after closing (\(reason)), the next step is \(step)") }
        guard machine.bufferedRequestBytes == 0 else { throw ConnectionRuleBroken("closed and holds request bytes") }
    }

    /// The answers on the wire: parseable, one per request at most, in order, closing where
    /// they must, nothing after a close.
    private func checkWire() throws(ConnectionRuleBroken) {
        var parser = HTTPResponseParser(limits: HTTPResponseLimits(maxBodyBytes: Self.maxBodySize + 64))
        parser.append(wire)
        var index = 0
        while let result = parser.next() {
            guard case .response(let head, let body) = result else {
                throw ConnectionRuleBroken("unparseable answer on the wire: \(result)")
            }
            index += 1
            guard index <= handedOut.count, body.starts(with: Array("#\(index)".utf8)),
                  body.count == "#\(index)".utf8.count || body["#\(index)".utf8.count] == UInt8(ascii: ".") else {
                throw ConnectionRuleBroken("answer \(index) on the wire is \(String(decoding: body.prefix(12), as: UTF8.self))")
            }
            switch handedOut[index - 1] {
            case .error(let e):
                guard head.status == e.status, !head.keepAlive else {
                    throw ConnectionRuleBroken("refused request \(index) answered \(head.status), keep-alive \(head.keepAlive)")
                }
            case .request(let request):
                guard request.keepAlive || !head.keepAlive else {
                    throw ConnectionRuleBroken("request \(index) asked to close and its answer keeps the connection")
                }
            }
            if !head.keepAlive, parser.bufferedByteCount > 0 {
                throw ConnectionRuleBroken("bytes written after answer \(index), which closes the connection")
            }
        }
        guard index == answersWritten else {
            throw ConnectionRuleBroken("\(answersWritten) answers written, \(index) on the wire")
        }
    }
}
