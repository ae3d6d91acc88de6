import Common
import Foundation
import XCTest

@testable import ExporterDaemon

/// The host-side identity: fsid and id checked once, the layout derived, and the daemon's files
/// checked by the rules of `fleet config set`.
final class ExporterInstanceTests: XCTestCase {
    private var dir = ""
    private var instance: ExporterInstance!

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "instance-\(getpid())-\(Int.random(in: 0..<1_000_000))"
        instance = try ExporterInstance(fsid: "4f1e7c52-7a5b-11ee-9c3e-0242ac110002", id: "stor01", dataDir: dir + "/data",
                                        unitDir: dir + "/units", logDir: dir + "/log")
        try FileManager.default.createDirectory(atPath: instance.daemonDir, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    private func write(_ name: String, _ text: String) throws {
        try text.write(toFile: instance.file(name), atomically: true, encoding: .utf8)
    }

    private func writeValid(token: String = "a-good-token-123\n", validDays: Int = 30) throws {
        let g = try SelfSignedCertificate.generate(validDays: validDays)
        try write("crt", g.certificatePEM)
        try write("key", g.privateKeyPEM)
        try write("token", token)
    }

    private func problems() -> [String] {
        if case .failure(let p) = instance.loadCredentials() { return p.lines }
        return []
    }

    func test_ids_are_checked_once_and_the_layout_follows() throws {
        XCTAssertEqual(instance.daemonDir, dir + "/data/4f1e7c52-7a5b-11ee-9c3e-0242ac110002/cephadm-exporter.stor01")
        XCTAssertEqual(instance.logFile, dir + "/log/4f1e7c52-7a5b-11ee-9c3e-0242ac110002/cephadm-exporter.stor01.log")
        XCTAssertEqual(instance.unitName, "ceph-4f1e7c52-7a5b-11ee-9c3e-0242ac110002-cephadm-exporter.stor01")
        for (fsid, id) in [("ünïcode", "x"), ("../etc", "x"), ("abc", "a/b"), ("abc", ""), (String(repeating: "f", count: 65), "x")] {
            XCTAssertThrowsError(try ExporterInstance(fsid: fsid, id: id), "\(fsid) \(id)")
        }
    }

    func test_valid_files_load_and_the_token_is_trimmed() throws {
        try writeValid()
        guard case .success(let c) = instance.loadCredentials() else { return XCTFail("\(problems())") }
        XCTAssertEqual(c.token, "a-good-token-123")
    }

    func test_an_expired_certificate_is_refused_naming_the_file() throws {
        try writeValid(validDays: -1)
        let lines = problems()
        XCTAssertEqual(lines.count, 1, "\(lines)")
        XCTAssertTrue(lines[0].hasPrefix("Certificate file '\(instance.daemonDir)/crt': the certificate expired on "), lines[0])
    }

    func test_a_token_too_long_for_a_request_header_is_refused() throws {
        try writeValid(token: String(repeating: "t", count: 20_000))
        XCTAssertEqual(problems(), ["Authentication token '\(instance.daemonDir)/token': is 20000 characters long; at most 4096 fit in the Authorization header of a request (fleet config generate makes a 64-character one)"])
    }

    func test_a_fifo_in_place_of_the_token_is_refused_without_blocking() throws {
        try writeValid()
        unlink(instance.file("token"))
        XCTAssertEqual(mkfifo(instance.file("token"), 0o600), 0)
        XCTAssertEqual(problems(), ["Authentication token '\(instance.daemonDir)/token' cannot be read: not a regular file"])
    }

    func test_every_problem_is_reported_at_once() throws {
        try write("crt", "-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n")
        try write("key", try SelfSignedCertificate.generate().privateKeyPEM)
        let lines = problems()
        XCTAssertEqual(lines.count, 2, "\(lines)")
        XCTAssertEqual(lines[0], "Authentication token 'token' is missing from \(instance.daemonDir)", "unreadable files first")
        XCTAssertTrue(lines[1].hasPrefix("Certificate file '\(instance.daemonDir)/crt': is not a usable PEM certificate"), lines[1])
    }
}
