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
