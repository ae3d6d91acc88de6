import Synchronization
import XCTest
@testable import Common

/// Keeps every line a logger writes.
final class RecordingLogBackend: LogBackend {
    private let stored = Mutex<[String]>([])
    var lines: [String] { stored.withLock { $0 } }
    func write(line: String) { stored.withLock { $0.append(line) } }
}

/// A clock a test moves by hand.
final class ManualClock: Sendable {
    private let nanos = Mutex<UInt64>(0)
    func advance(seconds: Double) { nanos.withLock { $0 += Clock.nanos(fromSeconds: seconds) } }
    var now: UInt64 { nanos.withLock { $0 } }
}

final class ClientEventLogTests: XCTestCase {
    func test_line_escapes_every_client_piece_and_names_the_kind() {
        let line = ClientEventLog.line(.notImplemented, peer: "10.0.0.1", detail: nil, method: "PRO\u{1B}PFIND",
                                       target: "/x\r\nINFO forged", suppressedBefore: 0)
        XCTAssertEqual(line, #"client:10.0.0.1 501 Not Implemented method=PRO\x1bPFIND target=/x\x0d\x0aINFO forged"#)
    }

    func test_line_is_bounded_whatever_the_client_sent() {
        let huge = String(repeating: "\u{7}", count: 100_000)
        let line = ClientEventLog.line(.badRequest, peer: huge, detail: huge, method: huge, target: huge, suppressedBefore: 7)
        XCTAssertLessThan(line.utf8.count, 600)
        XCTAssertTrue(line.hasSuffix(" (7 more suppressed)"))
        XCTAssertFalse(line.utf8.contains { $0 < 0x20 || $0 >= 0x7F })
    }

    func test_record_rate_limits_per_kind_and_reports_the_suppressed_count() {
        let backend = RecordingLogBackend()
        let clock = ManualClock()
        let log = ClientEventLog(logger: Logger(component: "t", level: .info, backends: [backend]),
                                 intervalSecs: 10, burst: 2, clock: { clock.now })
        for _ in 0..<1000 { log.record(.badRequest, peer: "10.0.0.1", detail: "malformed request line") }
        log.record(.unauthorized, peer: "10.0.0.2")
        XCTAssertEqual(backend.lines.count, 3)
        clock.advance(seconds: 11)
        log.record(.unauthorized, peer: "10.0.0.2")
        let lines = backend.lines
        XCTAssertEqual(lines.count, 5)
        XCTAssertTrue(lines[3].hasSuffix("INFO t clients: 400 Bad Request: 998 more suppressed\n"), lines[3])
        XCTAssertTrue(lines[4].hasSuffix("WARNING t client:10.0.0.2 401 Unauthorized\n"), lines[4])
    }

    func test_every_status_the_server_refuses_with_has_a_kind() {
        for status in [400, 401, 413, 414, 431, 501, 505] { XCTAssertNotNil(ClientEventKind(status: status), "\(status)") }
        XCTAssertNil(ClientEventKind(status: 200))
    }
}
