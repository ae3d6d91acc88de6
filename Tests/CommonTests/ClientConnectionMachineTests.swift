import Glibc
import XCTest

@testable import Common

/// Plays the driver for a `ClientConnectionMachine`: records steps, "sends" the request into
/// `sent`, collects completions, and stops where a real driver would wait.
struct ClientMachineRig {
    typealias Step = ClientConnectionMachine.Step

    var machine: ClientConnectionMachine
    var trace: [Step] = []
    var sent: [UInt8] = []
    var outcomes: [Result<ClientResponse, ClientFailure>] = []
    var sockets = 0

    init(limits: HTTPResponseLimits = .default, turn: TurnBudget = .client) {
        machine = ClientConnectionMachine(rules: .init(limits: limits, turn: turn))
    }

    @discardableResult
    mutating func pump() -> Step {
        while true {
            let step = machine.nextStep()
            trace.append(step)
            switch step {
            case .armDeadline, .cancelDeadline, .disconnect:
                continue
            case .connect:
                sockets += 1
            case .write:
                let n = machine.withUnwrittenRequest { out -> Int in
                    sent.append(contentsOf: out)
                    return out.count
                }
                machine.wrote(n)
            case .complete(let result):
                outcomes.append(result)
            case .awaitConnect, .handshake, .read, .yield, .watchIdle, .idle:
                return step
            }
        }
    }

    /// Sends and brings the connection up to waiting for the response.
    @discardableResult
    mutating func request(_ path: String = "/v1/metadata", timeout: Double = 2) -> Step {
        XCTAssertTrue(machine.send(Array("GET \(path) HTTP/1.1\r\n\r\n".utf8), timeout: timeout))
        var step = pump()
        if step == .awaitConnect {
            machine.connected()
            XCTAssertEqual(pump(), .handshake)
            machine.handshakeCompleted()
            step = pump()
        }
        return step
    }

    @discardableResult
    mutating func feed(_ text: String) -> Step {
        machine.received(Array(text.utf8))
        return pump()
    }

    var lastFailure: ClientFailure? {
        if case .failure(let f)? = outcomes.last { return f }
        return nil
    }

    var lastBody: String? {
        if case .success(let r)? = outcomes.last { return String(decoding: r.body, as: UTF8.self) }
        return nil
    }
}

final class ClientConnectionMachineTests: XCTestCase {
    let ok = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"

    func test_a_first_request_connects_handshakes_sends_and_keeps_the_connection() {
        var rig = ClientMachineRig()
        XCTAssertEqual(rig.request(), .read)
        XCTAssertEqual(rig.trace.prefix(3), [.armDeadline(2), .connect, .awaitConnect])
        XCTAssertEqual(String(decoding: rig.sent, as: UTF8.self), "GET /v1/metadata HTTP/1.1\r\n\r\n")
        XCTAssertEqual(rig.feed(ok), .watchIdle)
        XCTAssertEqual(rig.lastBody, "hello")
        XCTAssertEqual(rig.trace.suffix(3), [.cancelDeadline, .complete(rig.outcomes[0]), .watchIdle])
    }

    func test_a_response_fed_byte_by_byte_completes_exactly_at_its_last_byte() {
        var rig = ClientMachineRig()
        XCTAssertEqual(rig.request(), .read)
        let bytes = Array(ok.utf8)
        for (i, byte) in bytes.enumerated() {
            rig.machine.received([byte])
            let step = rig.pump()
            XCTAssertEqual(step, i == bytes.count - 1 ? .watchIdle : .read, "byte \(i)")
        }
        XCTAssertEqual(rig.outcomes.count, 1)
        XCTAssertEqual(rig.lastBody, "hello")
    }

    func test_the_next_request_reuses_the_kept_connection() {
        var rig = ClientMachineRig()
        rig.request()
        rig.feed(ok)
        XCTAssertEqual(rig.request("/b"), .read)
        XCTAssertEqual(rig.sockets, 1, "no second connect")
        XCTAssertEqual(rig.feed(ok), .watchIdle)
        XCTAssertEqual(rig.outcomes.count, 2)
    }

    func test_an_idle_kept_connection_holds_no_storage_of_its_last_exchange() {
        var rig = ClientMachineRig()
        rig.request()
        XCTAssertGreaterThan(rig.machine.heldCapacityBytes, 0, "the request is held while in flight")
        XCTAssertEqual(rig.feed("HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n" + String(repeating: "x", count: 5000)), .watchIdle)
        XCTAssertEqual(rig.outcomes.count, 1)
        XCTAssertEqual(rig.machine.heldCapacityBytes, 0)
        // And after a failure, with the connection dropped.
        rig.request()
        rig.machine.deadlineExpired()
        XCTAssertEqual(rig.pump(), .idle)
        XCTAssertEqual(rig.machine.heldCapacityBytes, 0)
    }

    func test_a_reused_connection_the_server_had_closed_is_retried_once_on_a_new_one() {
        var rig = ClientMachineRig()
        rig.request()
        rig.feed(ok)
        XCTAssertEqual(rig.request(), .read)
        rig.machine.peerClosed()
        XCTAssertEqual(rig.pump(), .awaitConnect, "a fresh connection")
        XCTAssertEqual(rig.sockets, 2)
        rig.machine.connected()
        rig.pump()
        rig.machine.handshakeCompleted()
        XCTAssertEqual(rig.pump(), .read)
        rig.machine.peerClosed()
        XCTAssertEqual(rig.pump(), .idle, "only one retry")
        XCTAssertEqual(rig.lastFailure, .io("connection closed before a complete response"))
    }

    func test_an_idle_kept_connection_that_becomes_readable_is_dropped() {
        var rig = ClientMachineRig()
        rig.request()
        rig.feed(ok)
        rig.machine.readableWhileIdle()
        XCTAssertEqual(rig.pump(), .idle)
        XCTAssertEqual(rig.trace.last(where: { $0 == .disconnect }), .disconnect)
        XCTAssertEqual(rig.request(), .read)
        XCTAssertEqual(rig.sockets, 2)
    }

    func test_a_close_delimited_response_completes_at_EOF_and_is_not_kept() {
        var rig = ClientMachineRig()
        rig.request()
        XCTAssertEqual(rig.feed("HTTP/1.0 200 OK\r\n\r\n{\"a\": 1}"), .read)
        rig.machine.peerClosed()
        XCTAssertEqual(rig.pump(), .idle)
        XCTAssertEqual(rig.lastBody, "{\"a\": 1}")
    }

    func test_an_informational_flood_fails_with_the_limit_named() {
        for piece in [1, 7, 1000] {
            var rig = ClientMachineRig(limits: HTTPResponseLimits(maxInterimResponses: 10))
            rig.request()
            let flood = Array(String(repeating: "HTTP/1.1 100 Continue\r\n\r\n", count: 100).utf8)
            var offset = 0
            while rig.outcomes.isEmpty, offset < flood.count {
                rig.machine.received(Array(flood[offset..<min(offset + piece, flood.count)]))
                offset += piece
                rig.pump()
            }
            guard case .protocolError(let m)? = rig.lastFailure else { return XCTFail("piece \(piece): \(rig.outcomes)") }
            XCTAssertTrue(m.contains("more than 10 informational (1xx) responses"), m)
            XCTAssertLessThanOrEqual(offset, 11 * 25 + piece, "cut off at the limit")
            XCTAssertEqual(rig.pump(), .idle, "and disconnected")
        }
    }

    func test_reading_stops_for_the_turn_once_the_byte_budget_is_spent() {
        var rig = ClientMachineRig(turn: TurnBudget(maxBytes: 1000, maxMessages: 1))
        rig.request()
        XCTAssertEqual(rig.feed("HTTP/1.1 200 OK\r\nContent-Length: 3000\r\n\r\n"), .read)
        XCTAssertEqual(rig.feed(String(repeating: "a", count: 1000)), .yield)
        rig.machine.beginTurn()
        XCTAssertEqual(rig.feed(String(repeating: "a", count: 999)), .read)
        XCTAssertEqual(rig.feed(String(repeating: "a", count: 1001)), .watchIdle)
        XCTAssertEqual(rig.lastBody?.count, 3000)
    }

    func test_the_deadline_names_the_phase_it_expired_in() {
        var connecting = ClientMachineRig()
        XCTAssertTrue(connecting.machine.send([1], timeout: 2))
        XCTAssertEqual(connecting.pump(), .awaitConnect)
        connecting.machine.deadlineExpired()
        XCTAssertEqual(connecting.pump(), .idle)
        XCTAssertEqual(connecting.lastFailure, .timeout("connect timed out"))

        var handshaking = ClientMachineRig()
        XCTAssertTrue(handshaking.machine.send([1], timeout: 2))
        handshaking.pump()
        handshaking.machine.connected()
        XCTAssertEqual(handshaking.pump(), .handshake)
        handshaking.machine.deadlineExpired()
        handshaking.pump()
        XCTAssertEqual(handshaking.lastFailure, .timeout("TLS handshake timed out"))

        var waiting = ClientMachineRig()
        waiting.request(timeout: 0.5)
        // A trickle of bytes does not move the deadline.
        for byte in "HTTP/1.1 200 OK\r\nX: ".utf8 {
            waiting.machine.received([byte])
            waiting.pump()
        }
        XCTAssertEqual(waiting.trace.filter { if case .armDeadline = $0 { return true }; return false }.count, 1)
        waiting.machine.deadlineExpired()
        waiting.pump()
        XCTAssertEqual(waiting.lastFailure, .timeout("no response within 0.5s"))
        XCTAssertEqual(waiting.outcomes.count, 1)
    }

    func test_a_close_during_the_handshake_is_not_a_certificate_failure() {
        var closed = ClientMachineRig()
        XCTAssertTrue(closed.machine.send([1], timeout: 2))
        closed.pump()
        closed.machine.connected()
        closed.pump()
        closed.machine.handshakeFailed(nil)
        closed.pump()
        XCTAssertEqual(closed.lastFailure, .closedDuringHandshake("connection closed during the TLS handshake"))

        var cert = ClientMachineRig()
        XCTAssertTrue(cert.machine.send([1], timeout: 2))
        cert.pump()
        cert.machine.connected()
        cert.pump()
        cert.machine.handshakeFailed("certificate verify failed: self-signed certificate")
        cert.pump()
        XCTAssertEqual(cert.lastFailure, .tls("certificate verify failed: self-signed certificate"))
    }

    func test_connect_failures_are_classified_by_errno() {
        XCTAssertEqual(ClientConnectionMachine.connectFailure(code: ECONNREFUSED, text: "x"), .refused("connection refused"))
        XCTAssertEqual(ClientConnectionMachine.connectFailure(code: ETIMEDOUT, text: "Connection timed out"), .timeout("connect: Connection timed out"))
        XCTAssertEqual(ClientConnectionMachine.connectFailure(code: EHOSTUNREACH, text: "No route to host"), .io("connect: No route to host"))
    }

    func test_a_second_send_while_one_is_in_flight_is_refused() {
        var rig = ClientMachineRig()
        rig.request()
        XCTAssertFalse(rig.machine.send([1], timeout: 1))
        XCTAssertEqual(rig.feed(ok), .watchIdle)
        XCTAssertEqual(rig.outcomes.count, 1)
    }

    func test_random_splits_turns_and_deadlines_complete_every_request_exactly_once() {
        var rng = SeededGenerator(seed: 9)
        let answers = [ok, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;e=1\r\nhello\r\n0\r\n\r\n",
                       "HTTP/1.1 100 Continue\r\n\r\n" + ok, "HTTP/1.1 204 No Content\r\n\r\n"]
        for round in 0..<200 {
            var rig = ClientMachineRig(turn: TurnBudget(maxBytes: 20, maxMessages: 1))
            var sends = 0
            for _ in 0..<3 {
                guard rig.machine.send(Array("GET / HTTP/1.1\r\n\r\n".utf8), timeout: 1) else { continue }
                sends += 1
                var step = rig.pump()
                if step == .awaitConnect { rig.machine.connected(); step = rig.pump() }
                if step == .handshake { rig.machine.handshakeCompleted(); step = rig.pump() }
                var bytes = Array((answers.randomElement(using: &rng) ?? ok).utf8)[...]
                while !bytes.isEmpty, rig.machine.hasRequestInFlight {
                    if Int.random(in: 0..<40, using: &rng) == 0 { rig.machine.deadlineExpired() }
                    if Bool.random(using: &rng) { rig.machine.beginTurn() }
                    let n = Int.random(in: 1...bytes.count, using: &rng)
                    rig.machine.received(Array(bytes.prefix(n)))
                    bytes = bytes.dropFirst(n)
                    rig.pump()
                }
                if rig.machine.hasRequestInFlight {
                    rig.machine.beginTurn()
                    rig.pump()
                }
            }
            XCTAssertEqual(rig.outcomes.count, sends, "round \(round): one outcome per request")
            XCTAssertFalse(rig.machine.hasRequestInFlight)
        }
    }
}
