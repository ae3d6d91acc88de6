import Common
import Foundation
import Glibc
import XCTest

/// Pacific's own exporter (`cephadm exporter` from Debian's 16.2.15) and ours, started side by
/// side on loopback with the same crt, key, token and data directory, each with a disks task
/// that fails. The same requests go to both (every route, bad tokens, unknown paths, every
/// method, a second request on one connection, a client stalling its handshake, a start
/// without a token); statuses, reason phrases, content types and JSON shapes must agree
/// except for the rows of KnownDifferences.table.
final class ExporterConformanceTests: XCTestCase {
    static let fsid = "4f1e7c52-7a5b-11ee-9c3e-0242ac110002"
    static let token = "Conformance-Token-0123456789"

    func test_pacific_and_ours_answer_the_same_requests_the_same_way() throws {
        let sandbox = try PacificSandbox()
        let pair = try ExporterPair(sandbox)
        var pacific = JSONObject(), ours = JSONObject()
        for (label, request) in ExporterPair.requests {
            pacific[label] = pair.pacific.summary(request)
            ours[label] = pair.ours.summary(request)
        }
        pacific["second request on one connection"] = pair.pacific.keepAliveSummary()
        ours["second request on one connection"] = pair.ours.keepAliveSummary()
        pacific["GET /v1/metadata/health while a client stalls its handshake"] = pair.pacific.stalledHandshakeSummary()
        ours["GET /v1/metadata/health while a client stalls its handshake"] = pair.ours.stalledHandshakeSummary()
        pacific["first scrape of host and daemons"] = try pair.pacific.firstScrapeSummary(interval: 1)
        ours["first scrape of host and daemons"] = try pair.ours.firstScrapeSummary(interval: ExporterPair.oursInterval)
        pacific["start without a token"] = try pair.startWithoutToken(pacific: true)
        ours["start without a token"] = try pair.startWithoutToken(pacific: false)

        // The reference really shows the quirks the table tolerates (a quiet run proves nothing).
        XCTAssertEqual(pacific["second request on one connection"]?["second_request"], "connection closed")
        XCTAssertEqual(pacific["GET /v1/metadata/health while a client stalls its handshake"]?["outcome"], "timed out")
        XCTAssertEqual(pacific["first scrape of host and daemons"]?["first_scrape"], "one interval after start")
        XCTAssertEqual(pacific["start without a token"]?["exit_status"], 0)
        XCTAssertEqual(pacific["GET /v1/metadata/disks (token)"]?["status"], 204)

        let (p, o) = KnownDifferences.reconciled(.exporter, pacific: .object(pacific), ours: .object(ours))
        var lines = JSONComparison.differences(p, o)
        for label in pacific.keys {
            lines += Self.keyOrderDifferences(p[label]?["body"] ?? .null, o[label]?["body"] ?? .null, at: "\(label).body")
        }
        XCTAssertTrue(lines.isEmpty, JSONComparison.report("exporter", lines))
    }

    /// Key order at every depth of two JSON shapes.
    static func keyOrderDifferences(_ p: JSONValue, _ o: JSONValue, at path: String) -> [String] {
        guard case .object(let po) = p, case .object(let oo) = o else { return [] }
        var lines = JSONComparison.keyOrderDifference(po, oo, at: path)
        for key in po.keys { lines += keyOrderDifferences(po[key] ?? .null, oo[key] ?? .null, at: "\(path).\(key)") }
        return lines
    }
}

/// The two exporters of one comparison.
final class ExporterPair {
    /// Ours scrapes once at start and then not for ten minutes: its first scrape can only be
    /// the one at start.
    static let oursInterval = 600.0

    static let requests: [(String, String)] = {
        let token = ExporterConformanceTests.token
        var list: [(String, String)] = []
        func add(_ method: String, _ target: String, _ authorization: String?, _ note: String = "") {
            var text = "\(method) \(target) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
            if let authorization { text += "Authorization: \(authorization)\r\n" }
            let who = authorization == "Bearer \(token)" ? "token" : authorization.map { "'\($0.prefix(12))...'" } ?? "no token"
            list.append(("\(method) \(target) (\(who))\(note)", text + "\r\n"))
        }
        let good = "Bearer \(token)"
        for route in ["/", "/v1/metadata", "/v1/metadata/health", "/v1/metadata/host", "/v1/metadata/daemons", "/v1/metadata/disks"] {
            add("GET", route, good)
        }
        for unknown in ["/v1/metadata/", "/v1/metadata?x=1", "/V1/METADATA", "/v1/metazoic", "//v1/metadata", "/v1/metadata/host/x"] {
            add("GET", unknown, good)
        }
        add("GET", "/v1/metadata", nil)
        add("GET", "/v1/metazoic", nil)
        add("GET", "/", "Basic dXNlcjpwYXNz")
        add("GET", "/v1/metadata/health", "Bearer BogusAuthToken")
        add("GET", "/v1/metadata", "bearer \(token)")
        for method in ["HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE"] {
            add(method, "/v1/metadata/health", good)
        }
        add("POST", "/v1/metadata", nil)
        return list
    }()

    let sandbox: PacificSandbox
    let dataDir: String
    let certificatePEM: String
    let pacific: ExporterEndpoint
    let ours: ExporterEndpoint

    init(_ sandbox: PacificSandbox) throws {
        self.sandbox = sandbox
        dataDir = sandbox.dir + "/data"
        let daemonDir = "\(dataDir)/\(ExporterConformanceTests.fsid)/cephadm-exporter.test"
        try FileManager.default.createDirectory(atPath: daemonDir, withIntermediateDirectories: true)
        let generated = try SelfSignedCertificate.generate()
        certificatePEM = generated.certificatePEM
        try generated.certificatePEM.write(toFile: daemonDir + "/crt", atomically: true, encoding: .utf8)
        try generated.privateKeyPEM.write(toFile: daemonDir + "/key", atomically: true, encoding: .utf8)
        try (ExporterConformanceTests.token + "\n").write(toFile: daemonDir + "/token", atomically: true, encoding: .utf8)
        try sandbox.addScript("failing-ceph-volume", "echo 'ceph-volume: cannot list devices' >&2\nexit 1")

        let port = try Self.freePort()
        let pacificProcess = try sandbox.spawn(
            [PacificSandbox.python, PacificSandbox.launcher, "--data-dir", dataDir, "exporter",
             "--fsid", ExporterConformanceTests.fsid, "--id", "test", "--port", String(port)],
            extraEnvironment: ["PACIFIC_EXPORTER_FAST": "1"], name: "pacific-exporter")
        pacific = ExporterEndpoint(name: "cephadm", process: pacificProcess, port: port, certificatePEM: certificatePEM)
        let interval = String(Self.oursInterval)
        let oursProcess = try sandbox.spawn(
            [TestPaths.exporter, "run", "--fsid", ExporterConformanceTests.fsid, "--id", "test", "--port", "0",
             "--bind", "127.0.0.1", "--data-dir", dataDir, "--log-dir", sandbox.dir + "/log",
             "--ceph-volume", sandbox.bin + "/failing-ceph-volume", "--restart-policy", "never",
             "--host-interval", interval, "--daemons-interval", interval, "--disks-interval", interval],
            name: "our-exporter")
        ours = ExporterEndpoint(name: "ours", process: oursProcess, port: 0, certificatePEM: certificatePEM)
        try pacific.waitUntilListening()
        try ours.waitUntilListening()
        try pacific.waitForSteadyState()
        try ours.waitForSteadyState()
    }

    deinit {
        for endpoint in [pacific, ours] {
            endpoint.process.signal(SIGTERM)
            if endpoint.process.wait(timeout: 10) == nil { endpoint.process.signal(SIGKILL) }
        }
    }

    static func freePort() throws -> Int {
        guard let address = SocketAddress(ip: "0.0.0.0", port: 0) else { throw TestFailure("bad address") }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        guard address.withSockaddr({ bind(fd, $0, $1) }) == 0 else { throw TestFailure("bind: \(String(cString: strerror(errno)))") }
        var sin = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &sin) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: sin.sin_port))
    }

    /// Starts one exporter for a daemon directory holding crt and key but no token; its exit
    /// status (a daemon that is still running after 30 s is a failure of its own).
    func startWithoutToken(pacific: Bool) throws -> JSONValue {
        let id = pacific ? "notoken-pacific" : "notoken-ours"
        let daemonDir = "\(dataDir)/\(ExporterConformanceTests.fsid)/cephadm-exporter.\(id)"
        try FileManager.default.createDirectory(atPath: daemonDir, withIntermediateDirectories: true)
        for file in ["crt", "key"] {
            try FileManager.default.copyItem(atPath: "\(dataDir)/\(ExporterConformanceTests.fsid)/cephadm-exporter.test/\(file)",
                                             toPath: "\(daemonDir)/\(file)")
        }
        let argv = pacific
            ? [PacificSandbox.python, PacificSandbox.launcher, "--data-dir", dataDir, "exporter", "--fsid", ExporterConformanceTests.fsid,
               "--id", id, "--port", String(try Self.freePort())]
            : [TestPaths.exporter, "run", "--fsid", ExporterConformanceTests.fsid, "--id", id, "--port", "0", "--bind", "127.0.0.1",
               "--data-dir", dataDir, "--log-dir", sandbox.dir + "/log"]
        let process = try sandbox.spawn(argv, name: id)
        guard let status = process.wait(timeout: 30) else {
            process.signal(SIGKILL)
            return ["exit_status": "still running after 30 s"]
        }
        return ["exit_status": .int(Int64(status))]
    }
}

/// One running exporter and the ways the comparison talks to it.
final class ExporterEndpoint {
    let name: String
    let process: SpawnedProcess
    private(set) var port: Int
    let certificatePEM: String

    init(name: String, process: SpawnedProcess, port: Int, certificatePEM: String) {
        self.name = name
        self.process = process
        self.port = port
        self.certificatePEM = certificatePEM
    }

    /// Both log `https server listening on ADDR:PORT` (ours names the port it got).
    func waitUntilListening() throws {
        guard let found = ExporterHarness.waitForListeningPort(process, timeout: 60) else {
            throw TestFailure("\(name) exporter did not start:\n\(process.stderr.suffix(3000))")
        }
        port = found
    }

    /// Host and daemons have data and the failing disks task is inactive.
    func waitForSteadyState() throws {
        let steady = TestPaths.eventually(timeout: 60) {
            guard let r = try? self.get("/v1/metadata"), let doc = try? JSONParser.parse(r.body) else { return false }
            return doc["health"]?["tasks"]?["disks"] == "inactive" && doc["health"]?["tasks"]?["host"] == "active"
                && doc["host"]?["scrape_timestamp"] != nil && doc["daemons"]?["scrape_timestamp"] != nil
        }
        if !steady { throw TestFailure("\(name) exporter never reached host+daemons active, disks failed:\n\(process.stderr.suffix(3000))") }
    }

    struct RawResponse {
        var version = "", reason = "", contentType = ""
        var status = 0
        var body: [UInt8] = []
    }

    enum Exchange {
        case answered(RawResponse)
        case timedOut
        case closed
    }

    /// Sends `request` on a new connection and reads until the server closes it.
    func exchange(_ request: String, timeout: Double = 10) -> Exchange {
        guard let client = try? TestHTTPSClient(port: port, trusting: certificatePEM, timeout: timeout) else { return .timedOut }
        guard (try? client.sendRaw(request)) != nil else { return .closed }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        reading: while true {
            switch buffer.withUnsafeMutableBytes({ client.stream.read(into: $0) }) {
            case .done(let n): bytes += buffer[0..<n]
            case .closed: break reading
            default:
                if bytes.isEmpty { return .timedOut }
                break reading
            }
        }
        return Self.parse(bytes).map { .answered($0) } ?? .closed
    }

    static func parse(_ bytes: [UInt8]) -> RawResponse? {
        guard let end = bytes.firstRange(of: Array("\r\n\r\n".utf8)) else { return nil }
        let head = String(decoding: bytes[..<end.lowerBound], as: UTF8.self).split(separator: "\r\n", omittingEmptySubsequences: false)
        guard let statusLine = head.first else { return nil }
        let parts = statusLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, let status = Int(parts[1]) else { return nil }
        var response = RawResponse(version: String(parts[0]), reason: parts.count > 2 ? String(parts[2]) : "", status: status)
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            if line[..<colon].lowercased() == "content-type" { response.contentType = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces) }
        }
        response.body = Array(bytes[end.upperBound...])
        return response
    }

    func get(_ path: String) throws -> RawResponse {
        let request = "GET \(path) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nAuthorization: Bearer \(ExporterConformanceTests.token)\r\n\r\n"
        guard case .answered(let response) = exchange(request) else { throw TestFailure("\(name): no answer to GET \(path)") }
        return response
    }

    /// What the comparison looks at in one response.
    func summary(_ request: String) -> JSONValue {
        switch exchange(request) {
        case .timedOut: return ["outcome": "timed out"]
        case .closed: return ["outcome": "closed without a response"]
        case .answered(let r):
            let body: JSONValue
            if r.body.isEmpty {
                body = "empty"
            } else if r.contentType.hasPrefix("text/html") {
                body = "html"
            } else if let json = try? JSONParser.parse(r.body) {
                body = JSONComparison.shape(json, opaque: ["data"])
            } else {
                body = "text"
            }
            return ["outcome": "answered", "version": .string(r.version), "status": .int(Int64(r.status)),
                    "reason": .string(r.reason), "content_type": .string(r.contentType), "body": body]
        }
    }

    /// Two requests on one connection: is the second answered?
    func keepAliveSummary() -> JSONValue {
        guard let client = try? TestHTTPSClient(port: port, trusting: certificatePEM) else { return ["second_request": "no connection"] }
        guard let first = try? client.request("GET", "/v1/metadata/health", token: ExporterConformanceTests.token) else {
            return ["second_request": "first request failed"]
        }
        let second = try? client.request("GET", "/v1/metadata/health", token: ExporterConformanceTests.token)
        return ["first_status": .int(Int64(first.status)), "second_request": second.map { _ in "answered" } ?? "connection closed"]
    }

    /// A request sent while another client holds a TCP connection without starting TLS.
    func stalledHandshakeSummary() -> JSONValue {
        guard let address = SocketAddress(ip: "127.0.0.1", port: port) else { return ["outcome": "bad address"] }
        let staller = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(staller) }
        guard address.withSockaddr({ connect(staller, $0, $1) }) == 0 else { return ["outcome": "staller could not connect"] }
        usleep(200_000)
        var summary = summary("GET /v1/metadata/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                              + "Authorization: Bearer \(ExporterConformanceTests.token)\r\n\r\n", timeout: 3)
        summary.set("body", nil)
        return summary
    }

    private func summary(_ request: String, timeout: Double) -> JSONValue {
        if case .timedOut = exchange(request, timeout: timeout) { return ["outcome": "timed out"] }
        return summary(request)
    }

    /// Whether each task's first scrape came at start or only one interval later (the record
    /// keeps the first scrape's time while the interval has not passed again).
    func firstScrapeSummary(interval: Double) throws -> JSONValue {
        let doc = try JSONParser.parse(try get("/v1/metadata").body)
        let started = doc["health"]?["started_epoch_secs"]?.doubleValue ?? 0
        var result = JSONObject()
        for task in ["host", "daemons"] {
            guard let first = doc[task]?["scrape_timestamp"]?.doubleValue else { return ["first_scrape": "no scrape yet"] }
            result[task] = first - started >= interval ? "one interval after start" : "at start"
        }
        return result["host"] == result["daemons"] ? ["first_scrape": result["host"] ?? .null] : .object(result)
    }
}
