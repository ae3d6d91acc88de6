import Common
import Foundation
import XCTest

/// A client flooding the real exporter with malformed requests cannot grow its log by more
/// than a few kilobytes, write control bytes into it, or get its token logged.
final class ExporterLogFloodTests: XCTestCase {
    func test_four_seconds_of_malformed_requests_grow_the_log_by_kilobytes_without_control_bytes_or_token() throws {
        let h = try ExporterHarness()
        let p = try h.start()
        let logPath = "\(h.logDir)/\(h.fsid)/cephadm-exporter.\(h.id).log"
        XCTAssertEqual(try h.get("/v1/metadata/health").status, 200)
        let before = try logSize(logPath)
        let stderrBefore = p.stderr.utf8.count

        let token = h.token
        let requests = [
            "GARBAGE\r\n\r\n",
            "GET /\u{1B}[2J\u{1B}]0;owned\u{7} HTTP/1.1\r\n\r\n",
            "GET / HTTP/1.1\r\nContent-Length: Bearer \(token)\r\n\r\n",
            "GET / HTTP/1.1\r\nTransfer-Encoding: \(token)\u{1B}[31m\r\n\r\n",
            "GET / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: \(token)\r\n\r\n",
            "PROPFIND /x HTTP/1.1\r\nAuthorization: Bearer \(token)\r\n\r\n",
            "GET /v1/metadata?access_token=\(token) HTTP/1.1\r\n\r\n",
            "POST /v1/metadata HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc",
            "GET / HTTP/1.1\r\nX-Bad: a\u{0}\u{7}\r\n\r\n",
            "GET / HTTP/1.1\rINFO forged line\r\n\r\n",
            "GET / HTTP/7.\(token)\r\n\r\n",
            "GET /v1/metadata HTTP/1.1\r\nAuthorization: Bearer \(token)x\r\n\r\n",
            "\u{1B}\u{0}\u{7}\r\n\r\n",
        ]
        var sent = 0
        let deadline = Date().addingTimeInterval(4)
        while Date() < deadline {
            let c = try TestHTTPSClient(port: h.port, trusting: h.certificatePEM, timeout: 2)
            try c.sendRaw(requests[sent % requests.count])
            _ = try? c.readResponse()
            sent += 1
        }
        XCTAssertGreaterThan(sent, requests.count, "the flood never got going")
        XCTAssertEqual(try h.get("/v1/metadata").status, 200, "a good client is still answered")

        let grown = try logSize(logPath) - before
        print("log flood: \(sent) malformed requests in 4 s grew the log by \(grown) bytes")
        XCTAssertLessThan(grown, 32 * 1024, "\(sent) bad requests grew the log by \(grown) bytes")
        let log = try String(contentsOfFile: logPath, encoding: .utf8)
        let stderrAfter = String(p.stderr.utf8.dropFirst(stderrBefore)) ?? ""
        for (name, text) in [("log file", log), ("stderr", stderrAfter)] {
            XCTAssertFalse(text.contains(token), "\(name) holds the token:\n\(text.suffix(4000))")
            let bad = text.utf8.first { ($0 < 0x20 && $0 != 0x0A) || $0 >= 0x7F }
            XCTAssertNil(bad, "\(name) holds byte \(bad.map(String.init) ?? "")")
        }
        XCTAssertTrue(log.contains("400 Bad Request: malformed request line"), log)
        XCTAssertTrue(log.contains("501 Not Implemented"), log)
    }

    private func logSize(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.size] as? NSNumber)?.intValue ?? 0
    }
}
