import Common
import Foundation
import Glibc
import Synchronization

/// Small hostile peers for the fairness and connection-pressure tests, on plain blocking
/// sockets and the project's TLS, each on its own threads.
enum HostilePeers {
    static func socketTo(_ port: Int, from source: String? = nil, timeout: Double = 5) -> Int32? {
        guard let addr = SocketAddress(ip: "127.0.0.1", port: port) else { return nil }
        let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard s >= 0 else { return nil }
        var tv = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - Double(Int(timeout))) * 1e6))
        setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        if let source, let local = SocketAddress(ip: source, port: 0) {
            guard local.withSockaddr({ bind(s, $0, $1) }) == 0 else {
                close(s)
                return nil
            }
        }
        guard addr.withSockaddr({ connect(s, $0, $1) }) == 0 else {
            close(s)
            return nil
        }
        return s
    }

    /// Prepares the test process: its soft open-files limit raised to the hard limit (the
    /// tests open thousands of sockets), and SIGPIPE ignored (a peer cut off mid-write must not
    /// kill the test process).
    static func prepareProcess() {
        _ = OpenFileLimit.setSoft(OpenFileLimit.current().hard)
        signal(SIGPIPE, SIG_IGN)
    }
}

/// A fake exporter that answers every request with `script`: the script gets a `send`
/// function and keeps sending until it returns false (the client went away) or `stop()`.
final class HostileTLSServer: Sendable {
    let port: Int
    let certificatePEM: String
    private let listenFD: Int32
    private let context: TLSContext
    private let stopped = Atomic<Bool>(false)
    private let script: @Sendable (_ send: (String) -> Bool, _ stopped: () -> Bool) -> Void

    convenience init(script: @escaping @Sendable (_ send: (String) -> Bool, _ stopped: () -> Bool) -> Void) throws {
        let generated = try SelfSignedCertificate.generate()
        try self.init(certificatePEM: generated.certificatePEM, keyPEM: generated.privateKeyPEM, script: script)
    }

    init(certificatePEM: String, keyPEM: String, script: @escaping @Sendable (_ send: (String) -> Bool, _ stopped: () -> Bool) -> Void) throws {
        self.certificatePEM = certificatePEM
        self.script = script
        context = try TLSContext.server(certificatePEM: certificatePEM, keyPEM: keyPEM)
        let fds = try Sockets.listen(bind: "127.0.0.1", port: 0)
        listenFD = fds[0]
        port = Sockets.localPort(listenFD) ?? 0
        // Blocking accepts on this thread (the listener was made non-blocking for epoll).
        _ = fcntl(listenFD, F_SETFL, fcntl(listenFD, F_GETFL) & ~O_NONBLOCK)
        _ = NativeThread.spawn(name: "hostile-accept") { [self] in acceptLoop() }
    }

    func stop() {
        stopped.store(true, ordering: .releasing)
        shutdown(listenFD, Int32(SHUT_RDWR))
    }

    private func acceptLoop() {
        while !stopped.load(ordering: .acquiring) {
            let fd = accept(listenFD, nil, nil)
            if fd < 0 {
                if errno == EINTR { continue }
                break
            }
            _ = NativeThread.spawn(name: "hostile-conn") { [self] in serve(fd) }
        }
        close(listenFD)
    }

    private func serve(_ fd: Int32) {
        defer { close(fd) }
        var tv = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        guard let stream = try? TLSStream(context: context, fd: fd, isServer: true), case .done = stream.handshake() else { return }
        // Read one request head.
        var head: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        while !head.suffix(4).elementsEqual("\r\n\r\n".utf8) {
            guard case .done(let n) = buf.withUnsafeMutableBytes({ stream.read(into: $0) }) else { return }
            head.append(contentsOf: buf[0..<n])
        }
        let isStopped = { self.stopped.load(ordering: .acquiring) }
        script({ text in
            let bytes = Array(text.utf8)
            var offset = 0
            while offset < bytes.count {
                guard !isStopped(),
                      case .done(let n) = bytes.withUnsafeBytes({ stream.write(UnsafeRawBufferPointer(rebasing: $0[offset...])) })
                else { return false }
                offset += n
            }
            return true
        }, isStopped)
    }
}

/// Clients that flood an exporter from their own threads until stopped, reconnecting when
/// the exporter cuts them off; they count how often that happened.
final class FloodingClients: Sendable {
    enum Kind: Sendable {
        /// Streams CRLFs (empty lines before a request line).
        case emptyLines
        /// Pipelines thousands of valid requests, reading the answers as they come.
        case pipelining(token: String)
    }

    let cutOffs = Atomic<Int>(0)
    let answered = Atomic<Int>(0)
    private let stopped = Atomic<Bool>(false)
    private let running = Atomic<Int>(0)

    init(kind: Kind, count: Int, port: Int, certificatePEM: String) {
        for i in 0..<count {
            running.add(1, ordering: .relaxed)
            _ = NativeThread.spawn(name: "flood-\(i)") { [self] in
                defer { running.subtract(1, ordering: .relaxed) }
                while !stopped.load(ordering: .acquiring) {
                    flood(kind, port: port, pem: certificatePEM)
                }
            }
        }
    }

    /// Stops the threads and waits (briefly) for them to finish.
    func stop() {
        stopped.store(true, ordering: .releasing)
        for _ in 0..<300 where running.load(ordering: .relaxed) > 0 { usleep(10_000) }
    }

    private func flood(_ kind: Kind, port: Int, pem: String) {
        guard let client = try? TestHTTPSClient(port: port, trusting: pem, timeout: 2) else {
            usleep(20_000)
            return
        }
        switch kind {
        case .emptyLines:
            let chunk = String(repeating: "\r\n", count: 8192)
            while !stopped.load(ordering: .acquiring), (try? client.sendRaw(chunk)) != nil {}
            cutOffs.add(1, ordering: .relaxed)
            // Cut off: come back soon, not in a tight loop (each reconnect costs a full TLS
            // handshake on both sides, which would measure the CPU, not the server's fairness).
            usleep(20_000)
        case .pipelining(let token):
            // Batches of 500 pipelined requests (45 KB, which the socket buffers hold), then
            // all 500 answers, again and again.
            let request = "GET /v1/metadata/health HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(token)\r\n\r\n"
            let batch = String(repeating: request, count: 500)
            let statusLine = Array("HTTP/1.1 ".utf8)
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            var tail: [UInt8] = []
            batches: while !stopped.load(ordering: .acquiring) {
                guard (try? client.sendRaw(batch)) != nil else { break }
                // Count status lines in the raw stream (cheap: parsing every answer in this
                // process would take the CPU the server is being measured on).
                var seen = 0
                while seen < 500 {
                    guard case .done(let n) = buffer.withUnsafeMutableBytes({ client.stream.read(into: $0) }) else { break batches }
                    let window = tail + buffer[0..<n]
                    var i = 0
                    while i + statusLine.count <= window.count {
                        if window[i] == statusLine[0], window[i..<(i + statusLine.count)].elementsEqual(statusLine) { seen += 1 }
                        i += 1
                    }
                    tail = Array(window.suffix(statusLine.count - 1))
                }
                answered.add(seen, ordering: .relaxed)
            }
            cutOffs.add(1, ordering: .relaxed)
        }
    }
}

/// A well-behaved keep-alive client measuring request latency.
enum LatencyProbe {
    /// Sends `count` requests on one kept-alive connection (reconnecting if it drops), for at
    /// most `budgetSecs`, and returns each latency in milliseconds plus the number of failed
    /// attempts (requests not sent in time count as failures).
    static func measure(port: Int, pem: String, token: String, count: Int, path: String = "/v1/metadata/health",
                        budgetSecs: Double = 15) -> (latenciesMs: [Double], failures: Int)
    {
        var latencies: [Double] = []
        var failures = 0
        var client: TestHTTPSClient?
        let deadline = Clock.monotonicNanos() + Clock.nanos(fromSeconds: budgetSecs)
        while latencies.count + failures < count {
            guard Clock.monotonicNanos() < deadline else {
                failures += count - latencies.count - failures
                break
            }
            let start = Clock.monotonicNanos()
            do {
                if client == nil { client = try TestHTTPSClient(port: port, trusting: pem, timeout: 3) }
                let response = try client?.request("GET", path, token: token)
                guard response?.status == 200 else { throw TestFailure("status \(response?.status ?? 0)") }
                latencies.append(Double(Clock.monotonicNanos() - start) / 1e6)
            } catch {
                failures += 1
                client = nil
            }
            usleep(2_000)
        }
        return (latencies, failures)
    }

    static func percentile(_ values: [Double], _ p: Double) -> Double {
        guard !values.isEmpty else { return .infinity }
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
    }
}

/// CPU seconds (user + system) a process has used, from /proc/PID/stat.
func processCPUSeconds(_ pid: pid_t) -> Double {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = text.lastIndex(of: ")") else { return 0 }
    let fields = text[text.index(after: close)...].split(separator: " ")
    // After the command: state is field 3, utime field 14, stime field 15 (1-based).
    guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
    return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
}
