import XCTest

@testable import Common

/// Plays the driver for a `ServerConnectionMachine`: pulls steps, answers requests, "writes"
/// output into `wire`, and stops where a real driver would wait (for the socket, for a
/// deferred answer, for the next turn) or close.
struct ServerMachineRig {
    typealias Step = ServerConnectionMachine.Step

    var machine: ServerConnectionMachine
    /// Everything written to the client, to be parsed back.
    var wire: [UInt8] = []
    /// Every step taken, in order.
    var trace: [Step] = []
    /// How many bytes one write takes (a socket that accepts only part of the output).
    var writePiece = Int.max
    /// Answer for a request; nil defers it.
    var answer: (HTTPRequestHead) -> HTTPServerResponse? = { head in
        HTTPServerResponse(status: 200, contentType: "text/plain", body: Array("ok \(head.target)".utf8))
    }

    init(_ rules: ServerConnectionMachine.Rules = .init()) {
        machine = ServerConnectionMachine(rules: rules)
    }

    static let date = "Tue, 01 Dec 2026 06:00:00 GMT"

    /// Pulls steps until a waiting or final one, which it returns.
    @discardableResult
    mutating func pump() -> Step {
        while true {
            let step = machine.nextStep()
            trace.append(step)
            switch step {
            case .armDeadline:
                continue
            case .answer(let head):
                if let r = answer(head) { machine.respond(r, date: Self.date) }
            case .answerError(let error):
                machine.respond(HTTPServerResponse(status: error.status, close: true), date: Self.date)
            case .write:
                let n = machine.withUnwrittenOutput { out -> Int in
                    let n = min(out.count, writePiece)
                    wire.append(contentsOf: out.prefix(n))
                    return n
                }
                if n == 0 { return step }  // the socket is full: wait for writability
                machine.wrote(n)
            case .handshake, .read, .awaitAnswer, .yield, .close:
                return step
            }
        }
    }

    mutating func connect() {
        XCTAssertEqual(pump(), .handshake)
        machine.handshakeCompleted()
    }

    @discardableResult
    mutating func feed(_ text: String) -> Step {
        machine.received(Array(text.utf8))
        return pump()
    }

    /// The responses written so far.
    var responses: [(status: Int, body: String, keepAlive: Bool)] {
        responseResults(wire, closeAtEnd: false).compactMap {
            guard case .response(let head, let body) = $0 else { return nil }
            return (head.status, String(decoding: body, as: UTF8.self), head.keepAlive)
        }
    }

    var deadlines: [Double] { trace.compactMap { if case .armDeadline(let s) = $0 { return s } else { return nil } } }
}

final class ServerConnectionMachineTests: XCTestCase {
    typealias Step = ServerConnectionMachine.Step

    func get(_ path: String, _ extra: String = "") -> String { "GET \(path) HTTP/1.1\r\nHost: h\r\n\(extra)\r\n" }

    func test_a_new_connection_arms_the_request_deadline_then_handshakes() {
        var rig = ServerMachineRig()
        XCTAssertEqual(rig.pump(), .handshake)
        XCTAssertEqual(rig.trace, [.armDeadline(10), .handshake])
        rig.machine.handshakeCompleted()
        XCTAssertEqual(rig.pump(), .read)
        XCTAssertEqual(rig.deadlines, [10], "the handshake deadline also covers the first request")
    }

    func test_a_request_fed_byte_by_byte_is_answered_at_its_last_byte_then_the_idle_deadline_runs() {
        var rig = ServerMachineRig()
        rig.connect()
        let request = Array(get("/v1/metadata").utf8)
        for (i, byte) in request.enumerated() {
            rig.machine.received([byte])
            let step = rig.pump()
            if i < request.count - 1 {
                XCTAssertEqual(step, .read, "byte \(i)")
                XCTAssertTrue(rig.wire.isEmpty)
            }
        }
        XCTAssertEqual(rig.responses.map(\.body), ["ok /v1/metadata"])
        XCTAssertEqual(rig.deadlines, [10, 60], "connect (handshake and first request), then idle")
    }

    func test_pipelined_requests_are_answered_in_order_whatever_the_split() {
        let stream = get("/a") + get("/b") + get("/c", "Connection: close\r\n")
        var rng = SeededGenerator(seed: 7)
        for round in 0..<40 {
            var rig = ServerMachineRig()
            rig.writePiece = round % 3 == 0 ? 7 : Int.max
            rig.connect()
            var bytes = Array(stream.utf8)[...]
            var last = Step.read
            while !bytes.isEmpty {
                let n = round == 0 ? 1 : Int.random(in: 1...max(1, bytes.count), using: &rng)
                rig.machine.received(Array(bytes.prefix(n)))
                bytes = bytes.dropFirst(n)
                // A new turn now and then, as the loop would give.
                if Bool.random(using: &rng) { rig.machine.beginTurn() }
                last = rig.pump()
            }
            XCTAssertEqual(rig.responses.map(\.body), ["ok /a", "ok /b", "ok /c"], "round \(round)")
            XCTAssertEqual(rig.responses.map(\.keepAlive), [true, true, false])
            XCTAssertEqual(last, .close(.closeAfterResponse), "round \(round)")
        }
    }

    func test_at_most_the_turn_budget_of_pipelined_requests_is_answered_per_turn() {
        var rules = ServerConnectionMachine.Rules()
        rules.turn = TurnBudget(maxBytes: 1 << 20, maxMessages: 4)
        var rig = ServerMachineRig(rules)
        rig.connect()
        let ten = (0..<10).map { get("/\($0)") }.joined()
        XCTAssertEqual(rig.feed(ten), .yield)
        XCTAssertEqual(rig.responses.count, 4)
        XCTAssertEqual(rig.pump(), .yield, "nothing more until the next turn")
        rig.machine.beginTurn()
        XCTAssertEqual(rig.pump(), .yield)
        XCTAssertEqual(rig.responses.count, 8)
        rig.machine.beginTurn()
        XCTAssertEqual(rig.pump(), .read)
        XCTAssertEqual(rig.responses.map(\.body), (0..<10).map { "ok /\($0)" })
    }

    func test_reading_stops_for_the_turn_once_the_byte_budget_is_spent() {
        var rules = ServerConnectionMachine.Rules()
        rules.turn = TurnBudget(maxBytes: 100, maxMessages: 16)
        var rig = ServerMachineRig(rules)
        rig.connect()
        // Header lines that are not yet a request: 60 + 60 bytes.
        let line = "X-Fill: " + String(repeating: "f", count: 50) + "\r\n"
        XCTAssertEqual(rig.feed("GET / HTTP/1.1\r\n" + line), .read)
        XCTAssertEqual(rig.feed(line), .yield)
        rig.machine.beginTurn()
        XCTAssertEqual(rig.pump(), .read)
        XCTAssertEqual(rig.feed("\r\n"), .read)
        XCTAssertEqual(rig.responses.map(\.body), ["ok /"])
    }

    func test_a_CRLF_flood_is_answered_400_and_closed_whatever_the_split() {
        for piece in [1, 2, 5, 4096] {
            var rig = ServerMachineRig()
            rig.connect()
            let flood = Array(String(repeating: "\r\n", count: 1000).utf8)
            var last = Step.read
            var fed = 0
            while fed < flood.count, last == .read {
                rig.machine.received(Array(flood[fed..<min(fed + piece, flood.count)]))
                fed += piece
                last = rig.pump()
            }
            XCTAssertEqual(last, .close(.closeAfterResponse), "piece \(piece)")
            XCTAssertEqual(rig.responses.map(\.status), [400])
            XCTAssertLessThanOrEqual(fed, 2 * HTTPLimits.default.maxEmptyLinesBeforeRequest + 2 + piece, "cut off at once")
        }
    }

    func test_bytes_trickling_in_never_push_the_request_deadline_back() {
        var rig = ServerMachineRig()
        rig.connect()
        XCTAssertEqual(rig.feed(get("/")), .read)
        XCTAssertEqual(rig.feed("G"), .read)
        for byte in "ET / HTTP/1.1\r\nX-Slow: ".utf8 {
            rig.machine.received([byte])
            XCTAssertEqual(rig.pump(), .read)
        }
        XCTAssertEqual(rig.deadlines, [10, 60, 10], "armed at connect, idle after the answer, then at the first byte only")
        rig.machine.deadlineExpired()
        XCTAssertEqual(rig.pump(), .close(.timedOut(.request, seconds: 10)))
        XCTAssertEqual(rig.responses.count, 1)
    }

    func test_the_first_request_must_complete_within_the_deadline_armed_at_connect() {
        // A client that finishes its handshake late and then starts a request gets no more
        // time for it: the README's "TLS handshake and first request: 10 s from connecting".
        var rig = ServerMachineRig()
        rig.connect()
        XCTAssertEqual(rig.feed("GET / HTTP/1.1\r\n"), .read)
        XCTAssertEqual(rig.deadlines, [10], "the first byte arms nothing new")
        rig.machine.deadlineExpired()
        XCTAssertEqual(rig.pump(), .close(.timedOut(.request, seconds: 10)))
        XCTAssertTrue(rig.wire.isEmpty)
    }

    func test_each_deadline_closes_with_its_own_reason() {
        var handshake = ServerMachineRig()
        handshake.pump()
        handshake.machine.deadlineExpired()
        XCTAssertEqual(handshake.pump(), .close(.timedOut(.handshake, seconds: 10)))

        var silent = ServerMachineRig()
        silent.connect()
        silent.pump()
        silent.machine.deadlineExpired()
        XCTAssertEqual(silent.pump(), .close(.timedOut(.request, seconds: 10)))

        var idle = ServerMachineRig()
        idle.connect()
        XCTAssertEqual(idle.feed(get("/")), .read)
        idle.machine.deadlineExpired()
        XCTAssertEqual(idle.pump(), .close(.timedOut(.idle, seconds: 60)))
        XCTAssertEqual(ServerCloseReason.timedOut(.idle, seconds: 60).description, "idle for 60 s")
    }

    func test_a_client_that_does_not_read_its_answer_is_closed_by_the_request_deadline() {
        var rig = ServerMachineRig()
        rig.writePiece = 0  // the socket takes nothing
        rig.connect()
        XCTAssertEqual(rig.feed(get("/")), .write)
        rig.machine.beginTurn()
        XCTAssertEqual(rig.pump(), .write, "still waiting to write")
        rig.machine.deadlineExpired()
        XCTAssertEqual(rig.pump(), .close(.timedOut(.request, seconds: 10)))
    }

    func test_a_deferred_answer_watches_nothing_until_it_comes_and_a_late_one_is_ignored() {
        var rig = ServerMachineRig()
        rig.answer = { _ in nil }
        rig.connect()
        XCTAssertEqual(rig.feed(get("/slow")), .awaitAnswer)
        let number = rig.machine.answerNumber
        XCTAssertTrue(rig.machine.isAwaitingAnswer(number))
        XCTAssertEqual(rig.pump(), .awaitAnswer, "still waiting: no read interest in the meantime")
        rig.machine.respond(HTTPServerResponse(status: 200, body: Array("late".utf8)), date: ServerMachineRig.date)
        XCTAssertEqual(rig.pump(), .read)
        XCTAssertEqual(rig.responses.map(\.body), ["late"])
        XCTAssertFalse(rig.machine.isAwaitingAnswer(number), "answered once")

        var expired = ServerMachineRig()
        expired.answer = { _ in nil }
        expired.connect()
        XCTAssertEqual(expired.feed(get("/slow")), .awaitAnswer)
        expired.machine.deadlineExpired()
        XCTAssertEqual(expired.pump(), .close(.timedOut(.request, seconds: 10)))
        XCTAssertFalse(expired.machine.isAwaitingAnswer(expired.machine.answerNumber))
    }

    func test_shutdown_closes_idle_connections_and_answers_the_request_in_progress_with_close() {
        var idle = ServerMachineRig()
        idle.connect()
        idle.pump()
        idle.machine.shutdown()
        XCTAssertEqual(idle.pump(), .close(.shutdown))

        var handshaking = ServerMachineRig()
        handshaking.pump()
        handshaking.machine.shutdown()
        XCTAssertEqual(handshaking.pump(), .close(.shutdown))

        var busy = ServerMachineRig()
        busy.connect()
        XCTAssertEqual(busy.feed("GET /x HTTP/1.1\r\n"), .read)
        busy.machine.shutdown()
        XCTAssertEqual(busy.pump(), .read, "the request in progress may finish")
        XCTAssertEqual(busy.feed("\r\n"), .close(.shutdown))
        XCTAssertEqual(busy.responses.map(\.keepAlive), [false])
    }

    func test_refused_requests_and_close_requests_end_the_connection_after_the_answer() {
        var refused = ServerMachineRig()
        refused.connect()
        XCTAssertEqual(refused.feed("GET / HTTP/1.1\r\nAuthorization: a\r\nAuthorization: b\r\n\r\n" + get("/next")),
                       .close(.closeAfterResponse))
        XCTAssertEqual(refused.responses.map(\.status), [400], "nothing after a refused request is answered")

        var http10 = ServerMachineRig()
        http10.connect()
        XCTAssertEqual(http10.feed("GET / HTTP/1.0\r\n\r\n"), .close(.closeAfterResponse))

        var closing = ServerMachineRig()
        closing.answer = { _ in HTTPServerResponse(status: 401, close: true) }
        closing.connect()
        XCTAssertEqual(closing.feed(get("/")), .close(.closeAfterResponse))
    }

    func test_the_peer_closing_or_an_error_ends_the_connection_in_any_state() {
        var rig = ServerMachineRig()
        rig.pump()
        rig.machine.handshakeFailed(nil)
        XCTAssertEqual(rig.pump(), .close(.peerClosed))

        var failed = ServerMachineRig()
        failed.pump()
        failed.machine.handshakeFailed("wrong version number")
        XCTAssertEqual(failed.pump(), .close(.handshakeFailed("wrong version number")))

        var waiting = ServerMachineRig()
        waiting.answer = { _ in nil }
        waiting.connect()
        XCTAssertEqual(waiting.feed(get("/")), .awaitAnswer)
        waiting.machine.peerClosed()
        XCTAssertEqual(waiting.pump(), .close(.peerClosed))
        waiting.machine.respond(HTTPServerResponse(status: 200), date: ServerMachineRig.date)
        XCTAssertEqual(waiting.pump(), .close(.peerClosed), "closed stays closed")
        XCTAssertTrue(waiting.wire.isEmpty)
    }

    func test_eviction_closes_with_its_reason() {
        var rig = ServerMachineRig()
        rig.pump()
        rig.machine.evict()
        XCTAssertEqual(rig.pump(), .close(.evicted))
    }

    func test_random_byte_and_timer_sequences_never_break_the_rules() {
        // Arbitrary input, turns, partial writes and deadlines: every run ends closed or
        // waiting, the answers are parseable, and nothing is written or kept after a close.
        var rng = SeededGenerator(seed: 42)
        let pieces = ["GET / HTTP/1.1\r\n", "Host: h\r\n", "\r\n", "\r\n\r\n", "Authorization: x\r\n", "GET", " /a", "\n",
                      "Connection: close\r\n", "POST /p HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc", "\u{1}", "PRI * HTTP/2.0\r\n\r\n"]
        for round in 0..<300 {
            var rig = ServerMachineRig()
            rig.writePiece = Int.random(in: 1...200, using: &rng)
            if Bool.random(using: &rng) { rig.answer = { _ in nil } }
            var step = rig.pump()
            var closedAt: Int?
            for event in 0..<60 {
                switch Int.random(in: 0..<10, using: &rng) {
                case 0: rig.machine.handshakeCompleted()
                case 1: rig.machine.beginTurn()
                case 2 where Int.random(in: 0..<8, using: &rng) == 0: rig.machine.deadlineExpired()
                case 3: rig.machine.respond(HTTPServerResponse(status: 200), date: ServerMachineRig.date)
                default: rig.machine.received(Array((pieces.randomElement(using: &rng) ?? "").utf8))
                }
                let before = rig.wire.count
                step = rig.pump()
                if case .close = step {
                    if let at = closedAt { XCTAssertEqual(rig.wire.count, before, "round \(round) event \(event): written after close at \(at)") }
                    closedAt = closedAt ?? event
                }
                if closedAt != nil { XCTAssertEqual(rig.machine.bufferedRequestBytes, 0, "a closed connection holds no input") }
            }
            switch step {
            case .read, .handshake, .awaitAnswer, .yield, .close: break
            default: XCTFail("round \(round): stopped at \(step)")
            }
            for result in responseResults(rig.wire, closeAtEnd: false) {
                if case .error(let e) = result { XCTFail("round \(round): unparseable answer: \(e)") }
            }
        }
    }
}
