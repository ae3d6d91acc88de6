import Common
import Foundation
import Synchronization
import XCTest

/// The real daemon over real TLS on loopback: every status code of the API.
final class ExporterAPITests: XCTestCase {
    /// One daemon for the read-only API tests (starting one per test would slow the suite); a
    /// test uses it only inside `withHarness`, under the lock.
    private static let shared = Mutex<ExporterHarness?>(nil)

    func withHarness(_ body: (ExporterHarness) throws -> Void) throws {
        try Self.shared.withLock { slot throws in
            if slot?.process?.isRunning != true {
                let h = try ExporterHarness()
                try h.start()
                XCTAssertTrue(h.waitForFirstScrapes(), "tasks never published data")
                slot = h
            }
            if let h = slot { try body(h) }
        }
    }

    override class func tearDown() {
        shared.withLock { slot in
            slot?.process?.signal(SIGTERM)
            slot?.process?.wait(timeout: 5)
            slot = nil
        }
    }

    func test_metadata_is_200_with_health_and_three_records_in_order() throws {
        try withHarness { h in
            let r = try h.get("/v1/metadata")
            XCTAssertEqual(r.status, 200)
            XCTAssertEqual(r.header("Content-Type"), "application/json")
            XCTAssertEqual(r.header("Content-Length"), String(r.body.count))
            guard case .object(let o) = try r.json() else { return XCTFail("not an object") }
            XCTAssertEqual(o.keys, ["health", "host", "daemons", "disks"])
            let host = try XCTUnwrap(o["host"]?.objectValue)
            XCTAssertEqual(host.keys, ["scrape_timestamp", "scrape_duration_secs", "scrape_errors", "data"])
            XCTAssertNotNil(o["host"]?["data"]?["hostname"]?.stringValue)
            XCTAssertEqual(o["disks"]?["data"]?.arrayValue?.count, 5, "the fake ceph-volume's 5-disk sample, passed through")
            XCTAssertNotNil(o["daemons"]?["data"]?.arrayValue)
        }
    }

    func test_health_has_tasks_errors_and_task_detail() throws {
        try withHarness { h in
            let r = try h.get("/v1/metadata/health")
            XCTAssertEqual(r.status, 200)
            let j = try r.json()
            XCTAssertNotNil(j["started_epoch_secs"]?.doubleValue)
            XCTAssertEqual(j["tasks"]?.objectValue?.keys, ["daemons", "disks", "host", "http_server"])
            for t in ["daemons", "disks", "host", "http_server"] { XCTAssertEqual(j["tasks"]?[t]?.stringValue, "active", t) }
            XCTAssertEqual(j["errors"]?.arrayValue, [])
            XCTAssertEqual(j["task_detail"]?["host"]?["restarts"]?.intValue, 0)
            XCTAssertNotNil(j["task_detail"]?["disks"]?["last_success_epoch_secs"]?.doubleValue)
        }
    }

    func test_each_task_route_returns_its_record_with_200() throws {
        try withHarness { h in
            for task in ["host", "daemons", "disks"] {
                let r = try h.get("/v1/metadata/\(task)")
                XCTAssertEqual(r.status, 200, task)
                XCTAssertNotNil(try r.json()["scrape_timestamp"], task)
            }
        }
    }

    func test_unknown_route_is_404_with_pacific_reason_and_message() throws {
        try withHarness { h in
            let expected = "Valid URLs are: /v1/metadata, /v1/metadata/health, /v1/metadata/disks, /v1/metadata/daemons, /v1/metadata/host"
            for path in ["/v1/metazoic", "/v1/metadata/", "/v1/metadata?x=1", "//v1/metadata", "/V1/METADATA"] {
                let r = try h.get(path)
                XCTAssertEqual(r.status, 404, path)
                XCTAssertEqual(r.reason, expected, path)
                XCTAssertEqual(try r.json()["message"]?.stringValue, expected, path)
            }
        }
    }

    func test_bad_or_missing_token_is_401_before_routing() throws {
        try withHarness { h in
            for path in ["/v1/metadata", "/v1/metazoic", "/"] {
                XCTAssertEqual(try h.client().request("GET", path, token: nil).status, 401, path)
                XCTAssertEqual(try h.get(path, token: "BogusAuthToken").status, 401, path)
            }
            // The scheme word is case-sensitive, and a token prefix is not the token.
            let c = try h.client()
            XCTAssertEqual(try c.request("GET", "/v1/metadata", token: nil, extraHeaders: ["Authorization: bearer \(h.token)"]).status, 401)
            XCTAssertEqual(try h.get("/v1/metadata", token: String(h.token.dropLast())).status, 401)
        }
    }

    func test_non_get_methods_are_501_even_without_a_token() throws {
        try withHarness { h in
            for m in ["HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE"] {
                let r = try h.client().request(m, "/v1/metadata/health", token: nil, extraHeaders: m == "POST" || m == "PUT" || m == "PATCH" ? ["Content-Length: 0"] : [])
                XCTAssertEqual(r.status, 501, m)
            }
        }
    }

    func test_root_serves_the_html_help_page() throws {
        try withHarness { h in
            let r = try h.get("/")
            XCTAssertEqual(r.status, 200)
            XCTAssertTrue(r.header("Content-Type")?.hasPrefix("text/html") ?? false)
            XCTAssertTrue(r.text.contains("<title>cephadm metadata exporter</title>"))
            XCTAssertTrue(r.text.contains("v1/metadata/health"))
        }
    }

    func test_keep_alive_serves_many_requests_on_one_connection_and_http10_closes() throws {
        try withHarness { h in
            let c = try h.client()
            for _ in 0..<20 { XCTAssertEqual(try c.request("GET", "/v1/metadata/health", token: h.token).status, 200) }
            let old = try h.client()
            let r = try old.request("GET", "/v1/metadata/health", token: h.token, version: "HTTP/1.0")
            XCTAssertEqual(r.status, 200)
            XCTAssertTrue(old.isClosedByPeer())
            let closing = try h.client()
            XCTAssertEqual(try closing.request("GET", "/v1/metadata/health", token: h.token, extraHeaders: ["Connection: close"]).status, 200)
            XCTAssertTrue(closing.isClosedByPeer())
        }
    }

    func test_request_limits_give_414_431_413_and_400() throws {
        try withHarness { h in
            let long = "/" + String(repeating: "a", count: 9000)
            XCTAssertEqual(try h.client().request("GET", long, token: h.token).status, 414)
            let many = (0..<101).map { "X-H\($0): v" }
            XCTAssertEqual(try h.client().request("GET", "/v1/metadata", token: h.token, extraHeaders: many).status, 431)
            let big = ["X-Big: " + String(repeating: "b", count: 17 * 1024)]
            XCTAssertEqual(try h.client().request("GET", "/v1/metadata", token: h.token, extraHeaders: big).status, 431)
            XCTAssertEqual(try h.client().request("GET", "/v1/metadata", token: h.token, extraHeaders: ["Content-Length: 5"]).status, 413)
            let c = try h.client()
            try c.sendRaw("GARBAGE\r\n\r\n")
            XCTAssertEqual(try c.readResponse().status, 400)
        }
    }

    func test_a_silent_tcp_client_does_not_delay_others() throws {
        try withHarness { h in
            // Open raw TCP connections that never send a ClientHello (Pacific blocks here: Q3).
            var idle: [Int32] = []
            defer { idle.forEach { close($0) } }
            for _ in 0..<5 {
                let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                let addr = SocketAddress(ip: "127.0.0.1", port: h.port)!
                _ = addr.withSockaddr { connect(s, $0, $1) }
                idle.append(s)
            }
            XCTAssertEqual(try h.get("/v1/metadata/health").status, 200)
        }
    }

    func test_inactive_task_route_is_204_without_a_body_and_metadata_206() throws {
        let h = try ExporterHarness()
        try h.start(["--ceph-volume", try h.fakeCephVolume(exitCode: 3), "--restart-backoff", "1"])
        XCTAssertTrue(TestPaths.eventually(timeout: 10) { (try? h.get("/v1/metadata/disks").status) == 204 })
        let disks = try h.get("/v1/metadata/disks")
        XCTAssertEqual(disks.status, 204)
        XCTAssertEqual(disks.body.count, 0)
        XCTAssertNil(disks.header("Content-Length"))
        let all = try h.get("/v1/metadata")
        XCTAssertEqual(all.status, 206)
        let j = try all.json()
        XCTAssertEqual(j["health"]?["tasks"]?["disks"]?.stringValue, "inactive")
        XCTAssertTrue(j["health"]?["errors"]?.arrayValue?.contains { $0.stringValue?.hasPrefix("disks stopped at ") == true } ?? false)
        XCTAssertEqual(j["disks"]?["data"], .null)
        let err = j["disks"]?["scrape_errors"]?.arrayValue?.first?.stringValue ?? ""
        XCTAssertTrue(err.contains("exception: "), err)
        XCTAssertTrue(err.contains("device scan failed"), "stderr must be in the message: \(err)")
        // With a 1 s backoff the supervisor restarts it (and it fails again).
        XCTAssertTrue(TestPaths.eventually(timeout: 10) {
            ((try? h.get("/v1/metadata/health").json())?["task_detail"]?["disks"]?["restarts"]?.intValue ?? 0) >= 1
        })
    }
}
