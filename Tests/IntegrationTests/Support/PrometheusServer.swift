import Common
import Foundation
import XCTest

/// Debian's `prometheus` (2.42) on loopback with a generated config and its storage in a temp
/// dir, queried through its HTTP API with a small blocking client.
final class PrometheusServer {
    static let path = "/usr/bin/prometheus"
    let dir: String
    let port: Int
    private let process: SpawnedProcess

    static func skipUnlessInstalled() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: path), "prometheus is missing: run make deps")
    }

    init(config: String, dir: String) throws {
        self.dir = dir
        let configPath = dir + "/prometheus.yml"
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        var attempt = 0
        (process, port) = try PortCandidates.retrying { port -> (SpawnedProcess, Int)? in
            attempt += 1
            let p = try SpawnedProcess(
                [Self.path, "--config.file", configPath, "--storage.tsdb.path", dir + "/tsdb-\(attempt)",
                 "--web.listen-address", "127.0.0.1:\(port)", "--log.level", "warn"],
                outputDir: dir, name: "prometheus-\(attempt)")
            let ready = TestPaths.eventually(timeout: 15) {
                !p.isRunning || (try? PrometheusServer.get(port: port, "/-/ready").status) == 200
            }
            if ready && p.isRunning { return (p, port) }
            guard p.stderr.contains("address already in use") else { throw TestFailure("prometheus did not start:\n\(p.stderr)") }
            return nil
        }
    }

    deinit {
        process.signal(SIGTERM)
        if process.wait(timeout: 5) == nil { process.signal(SIGKILL) }
    }

    var url: String { "http://127.0.0.1:\(port)" }
    var log: String { process.stderr }

    /// An instant query's `data.result`.
    func query(_ expr: String) throws -> [JSONValue] {
        let path = "/api/v1/query?query=" + (expr.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
        let r = try Self.get(port: port, path)
        let doc = try JSONParser.parse(r.body)
        guard doc["status"]?.stringValue == "success", let result = doc["data"]?["result"]?.arrayValue else {
            throw TestFailure("query \(expr) failed: HTTP \(r.status) \(String(decoding: r.body, as: UTF8.self))")
        }
        return result
    }

    func get(_ path: String) throws -> JSONValue { try JSONParser.parse(try Self.get(port: port, path).body) }

    /// A blocking HTTP/1.1 GET on 127.0.0.1 (Prometheus' API is plain HTTP here).
    static func get(port: Int, _ path: String) throws -> (status: Int, body: [UInt8]) {
        guard let addr = SocketAddress(ip: "127.0.0.1", port: port) else { throw TestFailure("bad address") }
        let fd = socket(addr.family, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var tv = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        guard addr.withSockaddr({ connect(fd, $0, $1) }) == 0 else { throw TestFailure("connect to \(port) refused") }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
        guard request.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, 0) }) == request.count else { throw TestFailure("send failed") }
        var parser = HTTPResponseParser(limits: HTTPResponseLimits(maxBodyBytes: 64 << 20))
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(fd, &buf, buf.count)
            if n <= 0 {
                guard case .response(let head, let body)? = parser.finishAtEOF() else { throw TestFailure("no complete response") }
                return (head.status, body)
            }
            buf.withUnsafeBytes { parser.append(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            if case .response(let head, let body)? = parser.next() { return (head.status, body) }
        }
    }
}
