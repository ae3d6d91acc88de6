import Glibc

@testable import Common

/// Plays `HTTPSClientConnection` (the driver) for a `ClientConnectionMachine` against a
/// simulated server, socket and clock, with a caller that sends requests and disconnects at
/// any moment, and checks after every step:
/// - every request the machine accepts completes exactly once (a response or a failure), and
///   a second one is refused while one is in flight;
/// - while a request is in flight a deadline is armed, the one of that request (retries on a
///   fresh connection never extend it); when it fires, the request completes; the deadline is
///   cancelled before the completion;
/// - nothing is read, written or handshaken on a socket that is not open, a socket is not
///   opened over another, and what is written on each connection is a prefix of the request;
/// - a turn reads at most the byte budget plus one read, and the connection yields only when
///   it is spent; one response takes at most its wire limit before it fails.
struct ClientConnectionFuzzRig {
    enum Wait { case idle, connect, handshake, readable, writable, nextTurn, idleWatch }

    private struct Request {
        let sentAt: Double
        let timeout: Double
        var completions = 0
    }

    let rules: ClientConnectionMachine.Rules
    private var machine: ClientConnectionMachine
    private var around: FuzzSurroundings
    private var waiting = Wait.idle
    private var socketOpen = false
    private var connectRefusedNext = false
    /// How the pending connect ends: 0 (connected) or an errno.
    private var connectOutcome: Int32?
    private var requests: [Request] = []
    private var current: Int?
    private var sentOnConnection: [UInt8] = []
    /// Bytes read for the response in progress.
    private var responseBytes = 0
    private var failures: [String] = []
    private var successes = 0
    private var serverBytes = 0

    static let request = Array("GET /v1/metadata HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer t0k3n-t0k3n\r\n\r\n".utf8)

    static let fragments: [[UInt8]] = [
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", "HTTP/1.1 100 Continue\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "5;ext=" + String(repeating: "e", count: 40) + "\r\nhello\r\n",
        "1;e=x\r\na\r\n", "0\r\n\r\n", "HTTP/1.0 200 OK\r\n\r\nbody", "Connection: close\r\n", "HTTP/1.1 204 No Content\r\n\r\n",
        "\r\n", "HTTP/1.1 200 OK\r\n", "Content-Length: 10\r\n", "HTTP/1.1 101 Switching Protocols\r\n\r\n",
        "X-Pad: " + String(repeating: "p", count: 100) + "\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok", "0123456789",
    ].map { Array($0.utf8) }

    init(small: Bool) {
        var rules = ClientConnectionMachine.Rules()
        if small {
            rules.limits = HTTPResponseLimits(maxHeadBytes: 256, maxHeaderFields: 4, maxBodyBytes: 64, maxChunkLineBytes: 32,
                                              maxChunkExtensionBytes: 64, maxInterimResponses: 2)
            rules.turn = TurnBudget(maxBytes: 48, maxMessages: 1)
        }
        self.rules = rules
        around = FuzzSurroundings(readChunk: small ? 16 : ReadBuffer().bytes.count, timeStep: small ? 0.02 : 0.25)
        machine = ClientConnectionMachine(rules: rules)
    }

    mutating func run(_ input: inout FuzzEventReader) throws(ConnectionRuleBroken) -> FuzzOutcome {
        try drive()
        var events = 0
        while !input.isAtEnd, events < 4096 {
            events += 1
            try apply(input.event(), &input)
        }
        // Let time run: a request still in flight ends at its deadline.
        if current != nil {
            guard let due = around.clock.due else { throw ConnectionRuleBroken("a request in flight at the end with no deadline") }
            try advance(by: due - around.clock.now + 1)
        }
        for (i, r) in requests.enumerated() where r.completions != 1 {
            throw ConnectionRuleBroken("request \(i + 1) completed \(r.completions) times")
        }
        if let first = failures.first { return .rejected(first) }
        return .value("\(requests.count) requests, \(successes) responses")
    }

    // MARK: events

    private mutating func apply(_ event: ConnectionFuzzEvent, _ input: inout FuzzEventReader) throws(ConnectionRuleBroken) {
        switch event {
        case .peerSends, .peerSendsFragment, .peerFloods:
            try serverSends(input.peerBytes(for: event, fragments: Self.fragments))
        case .answerPolicyOrUnsolicited:
            try serverSends(input.peerBytes(for: .peerSendsFragment, fragments: Self.fragments))
        case .timePasses: try advance(by: Double(input.byte()) * around.timeStep)
        case .nextTurn, .strayAnswerOrTurn: if waiting == .nextTurn { try drive() }
        case .socketDrains, .handshake:
            around.socketChanged(event, &input)
            if waiting == (event == .handshake ? .handshake : .writable) { try drive() }
        case .answerOrConnect:
            connectOutcome = [0, ECONNREFUSED, ETIMEDOUT, EHOSTUNREACH][Int(input.byte() % 4)]
            if waiting == .connect { try handleEvents() }
        case .lateAnswerOrSend:
            let timeout = Double(input.byte() % 64 + 1) * around.timeStep * 4
            let accepted = machine.send(Self.request, timeout: timeout)
            guard accepted == (current == nil) else {
                throw ConnectionRuleBroken(accepted ? "a second request accepted while one is in flight" : "a request refused with none in flight")
            }
            guard accepted else { return }
            requests.append(Request(sentAt: around.clock.now, timeout: timeout))
            current = requests.count - 1
            responseBytes = 0
            sentOnConnection = []
            try drive()
        case .peerCloses:
            around.socket.peerClosed = true
            if waiting == .readable || waiting == .idleWatch { try handleEvents() }
        case .reset:
            // An error or a reset: epoll reports it whatever the interest.
            guard socketOpen else { return }
            around.socket.failNextIO = true
            around.socket.peerClosed = true
            if machine.isConnecting { connectOutcome = ECONNRESET }
            try handleEvents()
        case .shutdownOrDisconnect:
            // The caller drops the connection: the driver forgets the completion, the machine
            // still completes the request once (as a failure nobody hears).
            machine.disconnect()
            try drive()
        case .evictOrConnectRefused: connectRefusedNext = true
        case .ioFails: around.socket.failNextIO = true
        }
    }

    private mutating func serverSends(_ bytes: [UInt8]) throws(ConnectionRuleBroken) {
        guard socketOpen, !bytes.isEmpty, serverBytes < 1 << 20 else { return }
        serverBytes += bytes.count
        around.socket.peerSent(bytes)
        if waiting == .readable || waiting == .idleWatch { try handleEvents() }
    }

    /// `HTTPSClientConnection.handleEvents`.
    private mutating func handleEvents() throws(ConnectionRuleBroken) {
        if machine.isConnecting {
            guard let code = connectOutcome else { return }
            connectOutcome = nil
            if code == 0 {
                machine.connected()
            } else {
                machine.connectFailed(ClientConnectionMachine.connectFailure(code: code, text: "errno \(code)"))
            }
        } else if machine.isKeptAlive {
            machine.readableWhileIdle()
        }
        try drive()
    }

    private mutating func advance(by seconds: Double) throws(ConnectionRuleBroken) {
        let target = around.clock.now + seconds
        while around.clock.advance(to: target) {
            machine.deadlineExpired()
            try drive()
            guard !machine.hasRequestInFlight else { throw ConnectionRuleBroken("the deadline fired and the request is still in flight") }
        }
    }

    // MARK: the driver

    /// `HTTPSClientConnection.drive`.
    private mutating func drive() throws(ConnectionRuleBroken) {
        machine.beginTurn()
        var turnBytes = 0
        for _ in 0..<1_000_000 {
            let step = machine.nextStep()
            switch step {
            case .armDeadline(let seconds):
                guard let c = current else { throw ConnectionRuleBroken("armed a deadline with no request in flight") }
                try around.clock.arm(after: seconds)
                let limit = requests[c].sentAt + requests[c].timeout
                guard let due = around.clock.due, abs(due - limit) < 1e-9 else {
                    throw ConnectionRuleBroken("deadline armed for \(around.clock.due ?? 0) s, the request's is \(limit) s")
                }
            case .cancelDeadline:
                around.clock.cancel()
            case .connect:
                guard current != nil else { throw ConnectionRuleBroken("connects with no request in flight") }
                guard !socketOpen else { throw ConnectionRuleBroken("opens a socket over an open one") }
                around.socket.reset()
                sentOnConnection = []
                responseBytes = 0
                if connectRefusedNext {
                    connectRefusedNext = false
                    machine.connectFailed(.refused("connect: refused by the fuzzer"))
                } else {
                    socketOpen = true
                }
            case .awaitConnect:
                try requireSocket(step)
                return try wait(.connect)
            case .handshake:
                try requireSocket(step)
                guard around.socket.finishHandshake(&machine) else { return try wait(.handshake) }
            case .write:
                try requireSocket(step)
                let unwritten = machine.withUnwrittenRequest { $0.count }
                guard unwritten > 0 else { throw ConnectionRuleBroken("asked to write nothing") }
                switch around.socket.write(unwritten, reportingTo: &machine) {
                case .wait: return try wait(.writable)
                case .reported, .read: continue
                case .wrote(let n):
                    let bytes = machine.withUnwrittenRequest { Array($0.prefix(n)) }
                    sentOnConnection += bytes
                    guard Self.request.starts(with: sentOnConnection) else {
                        throw ConnectionRuleBroken("wrote bytes that are not the request")
                    }
                    machine.wrote(bytes.count)
                }
            case .read:
                try requireSocket(step)
                guard current != nil else { throw ConnectionRuleBroken("reads with no request in flight") }
                switch around.socket.read(upTo: around.readChunk, reportingTo: &machine) {
                case .wait: return try wait(.readable)
                case .reported, .wrote: continue
                case .read(let bytes):
                    turnBytes += bytes.count
                    responseBytes += bytes.count
                    machine.received(bytes)
                }
            case .yield:
                guard turnBytes >= rules.turn.maxBytes else {
                    throw ConnectionRuleBroken("yielded after \(turnBytes) bytes, budget left")
                }
                return try wait(.nextTurn)
            case .disconnect:
                socketOpen = false
                around.socket.reset()
            case .complete(let result):
                guard let c = current else { throw ConnectionRuleBroken("completed with no request in flight") }
                guard around.clock.due == nil else { throw ConnectionRuleBroken("completed with its deadline still armed") }
                requests[c].completions += 1
                current = nil
                responseBytes = 0
                switch result {
                case .success(let response):
                    guard response.body.count <= rules.limits.maxBodyBytes else {
                        throw ConnectionRuleBroken("a body of \(response.body.count) bytes, limit \(rules.limits.maxBodyBytes)")
                    }
                    successes += 1
                case .failure(let failure):
                    guard !failure.description.isEmpty else { throw ConnectionRuleBroken("a failure without a message") }
                    failures.append("request \(c + 1): \(failure)")
                }
            case .watchIdle:
                try requireSocket(step)
                guard current == nil, machine.isKeptAlive else { throw ConnectionRuleBroken("watches an idle connection with a request in flight") }
                // Readable at once when the server has sent or closed: epoll says so next.
                guard around.socket.unread == 0, !around.socket.peerClosed, !around.socket.failNextIO else {
                    machine.readableWhileIdle()
                    continue
                }
                return try wait(.idleWatch)
            case .idle:
                guard current == nil, !socketOpen else { throw ConnectionRuleBroken("idle with a request in flight or a socket open") }
                return try wait(.idle)
            }
            guard turnBytes <= rules.turn.maxBytes + around.readChunk else {
                throw ConnectionRuleBroken("read \(turnBytes) bytes in one turn, budget \(rules.turn.maxBytes) + one read")
            }
            let wireLimit = rules.limits.maxResponseBytes + rules.limits.maxBufferedBytes + around.readChunk
            guard responseBytes <= wireLimit else {
                throw ConnectionRuleBroken("\(responseBytes) bytes read for one response, limit \(rules.limits.maxResponseBytes)")
            }
        }
        throw ConnectionRuleBroken("a million steps without waiting")
    }

    private func requireSocket(_ step: ClientConnectionMachine.Step) throws(ConnectionRuleBroken) {
        guard socketOpen else { throw ConnectionRuleBroken("\(step) with no socket open") }
    }

    private mutating func wait(_ what: Wait) throws(ConnectionRuleBroken) {
        waiting = what
        guard (current != nil) == machine.hasRequestInFlight else {
            throw ConnectionRuleBroken("the machine says a request is \(machine.hasRequestInFlight ? "" : "not ")in flight")
        }
        if let c = current {
            guard let due = around.clock.due else { throw ConnectionRuleBroken("waits (\(what)) with a request in flight and no deadline") }
            guard due <= requests[c].sentAt + requests[c].timeout + 1e-9 else {
                throw ConnectionRuleBroken("deadline at \(due) s, past the request's \(requests[c].sentAt + requests[c].timeout) s")
            }
        }
    }
}
