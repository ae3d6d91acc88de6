import Common
import Foundation
import XCTest

/// Start-up refusal, signals and reload of the real daemon.
final class ExporterLifecycleTests: XCTestCase {
    func test_sigterm_exits_0_promptly() throws {
        let h = try ExporterHarness()
        let p = try h.start()
        XCTAssertEqual(try h.get("/v1/metadata/health").status, 200)
        let t0 = Date()
        p.signal(SIGTERM)
        XCTAssertEqual(p.wait(timeout: 5), 0, p.stderr)
        XCTAssertLessThan(Date().timeIntervalSince(t0), 3)
        XCTAssertTrue(p.stderr.contains("Shutdown request received"))
    }

    func test_sighup_reloads_a_new_token_and_keeps_serving() throws {
        let h = try ExporterHarness()
        let p = try h.start()
        let kept = try h.client()
        XCTAssertEqual(try kept.request("GET", "/v1/metadata/health", token: h.token).status, 200)
        let old = h.token
        h.token = "a-brand-new-token-42"
        try h.write("token", h.token)
        p.signal(SIGHUP)
        XCTAssertTrue(TestPaths.eventually { p.stderr.contains("reload: new token") }, p.stderr)
        XCTAssertEqual(try h.get("/v1/metadata/health", token: h.token).status, 200)
        XCTAssertEqual(try h.get("/v1/metadata/health", token: old).status, 401)
        // The connection opened before the reload is still served.
        XCTAssertEqual(try kept.request("GET", "/v1/metadata/health", token: h.token).status, 200)
        XCTAssertFalse(p.stderr.contains(h.token), "the token must never be logged")
    }

    func test_log_file_is_appended_and_reopened_on_sighup_after_logrotate() throws {
        let h = try ExporterHarness()
        let p = try h.start()
        let log = "\(h.logDir)/\(h.fsid)/cephadm-exporter.\(h.id).log"
        XCTAssertTrue(TestPaths.eventually { ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("https server listening") })
        // logrotate renames the file, then sends SIGHUP.
        try FileManager.default.moveItem(atPath: log, toPath: log + ".1")
        p.signal(SIGHUP)
        XCTAssertTrue(TestPaths.eventually { ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("reload: crt, key and token unchanged") },
                      "a new log file must be opened after SIGHUP")
        XCTAssertFalse((try String(contentsOfFile: log + ".1", encoding: .utf8)).contains("reload:"))
    }

    func test_sighup_with_an_invalid_certificate_keeps_the_old_one() throws {
        let h = try ExporterHarness()
        let p = try h.start()
        try h.write("crt", "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n")
        p.signal(SIGHUP)
        XCTAssertTrue(TestPaths.eventually { p.stderr.contains("keeping the previous certificate") }, p.stderr)
        XCTAssertEqual(try h.get("/v1/metadata/health").status, 200)
        XCTAssertTrue(p.isRunning)
    }

    func test_missing_token_refuses_to_start_with_status_1() throws {
        let h = try ExporterHarness(writeToken: false)
        let p = try h.start(waitForListening: false)
        XCTAssertEqual(p.wait(timeout: 10), 1)
        XCTAssertTrue(p.stderr.contains("Unable to start the exporter daemon"))
        XCTAssertTrue(p.stderr.contains("Authentication token 'token' is missing from \(h.daemonDir)"), p.stderr)
    }

    func test_key_that_does_not_match_the_certificate_refuses_to_start() throws {
        let h = try ExporterHarness()
        try h.write("key", try SelfSignedCertificate.generate().privateKeyPEM)
        let p = try h.start(waitForListening: false)
        XCTAssertEqual(p.wait(timeout: 10), 1)
        XCTAssertTrue(p.stderr.contains("does not match the certificate"), p.stderr)
    }

    func test_expired_certificate_and_overlong_token_refuse_to_start_with_clear_messages() throws {
        let expired = try ExporterHarness()
        let old = try SelfSignedCertificate.generate(validDays: -1)
        try expired.write("crt", old.certificatePEM)
        try expired.write("key", old.privateKeyPEM)
        let p1 = try expired.start(waitForListening: false)
        XCTAssertEqual(p1.wait(timeout: 10), 1, p1.stderr)
        XCTAssertTrue(p1.stderr.contains("Certificate file '\(expired.daemonDir)/crt': the certificate expired on "), p1.stderr)

        let long = try ExporterHarness()
        try long.write("token", String(repeating: "t", count: 20_000) + "\n")
        let p2 = try long.start(waitForListening: false)
        XCTAssertEqual(p2.wait(timeout: 10), 1, p2.stderr)
        XCTAssertTrue(p2.stderr.contains("Authentication token '\(long.daemonDir)/token': is 20000 characters long; at most 4096 fit"), p2.stderr)
    }

    func test_sighup_refuses_an_expired_certificate_an_overlong_token_and_a_fifo_and_keeps_serving() throws {
        let h = try ExporterHarness()
        let p = try h.start()
        let old = try SelfSignedCertificate.generate(validDays: -1)
        try h.write("crt", old.certificatePEM)
        try h.write("key", old.privateKeyPEM)
        p.signal(SIGHUP)
        XCTAssertTrue(TestPaths.eventually { p.stderr.contains("the certificate expired on") }, p.stderr)
        XCTAssertTrue(p.stderr.contains("reload rejected: Certificate file '\(h.daemonDir)/crt'"), p.stderr)
        XCTAssertEqual(try h.get("/v1/metadata/health").status, 200, "the previous certificate still serves")

        try h.write("crt", h.certificatePEM)
        try h.write("key", h.keyPEM)
        try h.write("token", String(repeating: "t", count: 20_000))
        p.signal(SIGHUP)
        XCTAssertTrue(TestPaths.eventually { p.stderr.contains("is 20000 characters long") }, p.stderr)
        XCTAssertEqual(try h.get("/v1/metadata/health").status, 200, "the previous token still works")

        // A FIFO as the token file: nothing writes to it, so a reader that opened it would wait forever.
        unlink(h.daemonDir + "/token")
        XCTAssertEqual(mkfifo(h.daemonDir + "/token", 0o600), 0)
        p.signal(SIGHUP)
        XCTAssertTrue(TestPaths.eventually { p.stderr.contains("token' cannot be read: not a regular file") }, p.stderr)
        XCTAssertEqual(try h.get("/v1/metadata/health").status, 200)
        XCTAssertEqual(p.stderr.components(separatedBy: "keeping the previous certificate, key and token").count - 1, 3)
        XCTAssertTrue(p.isRunning)
    }

    func test_a_refused_start_never_completes_a_tcp_handshake() throws {
        // A key that does not match (RSA, the slowest to check), and a key file that is a FIFO
        // (a reader that opened it would wait forever, listening all the while). The port is fixed:
        // a client must know where to knock.
        let mismatched = try ExporterHarness()
        try mismatched.write("key", try SelfSignedCertificate.generate(keyType: .rsa).privateKeyPEM)
        let fifo = try ExporterHarness()
        unlink(fifo.daemonDir + "/key")
        XCTAssertEqual(mkfifo(fifo.daemonDir + "/key", 0o600), 0)
        for (h, reason) in [(mismatched, "does not match the certificate"), (fifo, "not a regular file")] {
            let (status, handshakes, stderr) = try PortCandidates.retrying { port -> (Int32?, Int, String)? in
                guard !PortCandidates.accepts(port) else { return nil }
                let p = try h.start(["--port", String(port)], waitForListening: false)
                var handshakes = 0
                let deadline = Date().addingTimeInterval(5)
                while p.isRunning && Date() < deadline {
                    if PortCandidates.accepts(port) { handshakes += 1 }
                }
                if p.isRunning {
                    // Still waiting on the FIFO: give it an end of file so that it stops.
                    let w = open(h.daemonDir + "/key", O_WRONLY | O_NONBLOCK)
                    if w >= 0 { close(w) }
                }
                let status = p.wait(timeout: 10)
                if p.stderr.contains("already in use") { return nil }
                return (status, handshakes, p.stderr)
            }
            XCTAssertEqual(status, 1, stderr)
            XCTAssertTrue(stderr.contains(reason), stderr)
            XCTAssertEqual(handshakes, 0, "a connection was accepted on the port of a refused start (\(reason))")
        }
    }

    func test_busy_port_refuses_to_start_and_names_the_port() throws {
        let first = try ExporterHarness()
        try first.start()
        let second = try ExporterHarness()
        let p = try second.start(["--port", String(first.port)], waitForListening: false)
        // The harness passes --port 0 first; a later --port wins.
        XCTAssertEqual(p.wait(timeout: 10), 1, p.stderr)
        XCTAssertTrue(p.stderr.contains("TCP port \(first.port) already in use"), p.stderr)
    }

    func test_default_bind_serves_ipv4_and_ipv6() throws {
        guard (try? String(contentsOfFile: "/proc/net/if_inet6", encoding: .utf8))?.contains("00000000000000000000000000000001") == true else {
            throw XCTSkip("no IPv6 loopback on this machine")
        }
        let h = try ExporterHarness()
        try h.start(defaultBind: true)
        XCTAssertEqual(try TestHTTPSClient(port: h.port, trusting: h.certificatePEM, host: "127.0.0.1")
            .request("GET", "/v1/metadata/health", token: h.token).status, 200)
        XCTAssertEqual(try TestHTTPSClient(port: h.port, trusting: h.certificatePEM, host: "::1")
            .request("GET", "/v1/metadata/health", token: h.token).status, 200)
    }

    func test_bad_arguments_exit_2_with_a_message() throws {
        let dir = try TestPaths.makeTempDir("exporter-args")
        let p = try SpawnedProcess([TestPaths.exporter, "run", "--fsid", "x", "--port", "99999"], outputDir: dir, name: "args")
        XCTAssertEqual(p.wait(timeout: 10), 2)
        XCTAssertTrue(p.stderr.contains("--port"), p.stderr)
        let help = try SpawnedProcess([TestPaths.exporter, "run", "--help"], outputDir: dir, name: "help")
        XCTAssertEqual(help.wait(timeout: 10), 0)
        for flag in ["--fsid", "--id", "--port", "--bind", "--data-dir", "--log-dir", "--host-interval", "--daemons-interval",
                     "--disks-interval", "--ceph-volume", "--restart-policy"] {
            XCTAssertTrue(help.stdout.contains(flag), flag)
        }
    }
}
