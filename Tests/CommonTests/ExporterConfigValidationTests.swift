import Foundation
import XCTest
@testable import Common

final class ExporterConfigValidationTests: XCTestCase {
    private var ec = GeneratedCertificate(certificatePEM: "", privateKeyPEM: "")
    private var other = GeneratedCertificate(certificatePEM: "", privateKeyPEM: "")
    private let token = String(repeating: "ab", count: 32)

    override func setUpWithError() throws {
        ec = try SelfSignedCertificate.generate(keyType: .ec)
        other = try SelfSignedCertificate.generate(keyType: .ec)
    }

    private func document(
        crt: JSONValue? = nil,
        key: JSONValue? = nil,
        token: JSONValue? = nil,
        port: JSONValue? = 9443
    ) -> JSONValue {
        var o = JSONObject()
        o["crt"] = crt ?? .string(ec.certificatePEM)
        o["key"] = key ?? .string(ec.privateKeyPEM)
        o["token"] = token ?? .string(self.token)
        if let port { o["port"] = port }
        return .object(o)
    }

    private func problems(_ doc: JSONValue, defaultPort: Int? = nil, now: Int? = nil) -> [ExporterConfigProblem] {
        do {
            _ = try ExporterConfig.validate(doc, source: "test.json", defaultPort: defaultPort, now: now)
            return []
        } catch {
            return error.problems
        }
    }

    func test_valid_config_is_accepted_with_its_values() throws {
        let config = try ExporterConfig.validate(document(), source: "x")
        XCTAssertEqual(config.port, 9443)
        XCTAssertEqual(config.token, token)
        XCTAssertEqual(config.crt, ec.certificatePEM)
    }

    func test_port_may_be_a_numeric_string_or_an_integral_number() throws {
        XCTAssertEqual(try ExporterConfig.validate(document(port: "9555"), source: "x").port, 9555)
        XCTAssertEqual(try ExporterConfig.validate(document(port: .double(9556.0)), source: "x").port, 9556)
    }

    func test_every_missing_field_is_reported_by_name() {
        let found = problems(.object(JSONObject()))
        XCTAssertEqual(found.map(\.field), ["crt", "key", "token", "port"])
        XCTAssertTrue(found.allSatisfy { $0.message.hasPrefix("is missing") })
    }

    func test_missing_port_takes_the_default_when_one_is_given() throws {
        XCTAssertEqual(try ExporterConfig.validate(document(port: nil), source: "x", defaultPort: 9600).port, 9600)
        XCTAssertEqual(problems(document(port: nil)).map(\.field), ["port"])
    }

    func test_non_string_fields_are_reported_without_crashing() {
        let found = problems(document(crt: 5, key: .array([]), token: .bool(true)))
        XCTAssertEqual(found.map(\.field), ["crt", "key", "token"])
        XCTAssertTrue(found[0].message.contains("must be a string"), found[0].message)
        XCTAssertTrue(found[0].message.contains("the number 5"), found[0].message)
    }

    func test_garbage_certificate_is_reported_on_crt() {
        let found = problems(document(crt: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"))
        XCTAssertEqual(found.map(\.field), ["crt"])
        XCTAssertTrue(found[0].message.contains("not a usable PEM certificate"), found[0].message)
    }

    func test_garbage_key_is_reported_on_key() {
        let found = problems(document(key: "not a key"))
        XCTAssertEqual(found.map(\.field), ["key"])
        XCTAssertTrue(found[0].message.contains("not a usable PEM private key"))
    }

    func test_key_of_another_certificate_is_rejected_not_just_warned_about() {
        let found = problems(document(key: .string(other.privateKeyPEM)))
        XCTAssertEqual(found.map(\.field), ["key"])
        XCTAssertTrue(found[0].message.contains("does not match the certificate"), found[0].message)
    }

    func test_pkcs1_rsa_and_sec1_ec_keys_are_accepted() throws {
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/exporter-config")
        for name in ["rsa-pkcs1", "ec-sec1"] {
            let crt = try String(contentsOf: fixtures.appendingPathComponent("\(name).crt"), encoding: .utf8)
            let key = try String(contentsOf: fixtures.appendingPathComponent("\(name).key"), encoding: .utf8)
            XCTAssertFalse(key.contains("BEGIN PRIVATE KEY"), "fixture \(name) must not be PKCS#8")
            XCTAssertNoThrow(try ExporterConfig.validate(document(crt: .string(crt), key: .string(key)), source: name))
        }
    }

    func test_expired_certificate_is_reported() throws {
        let notAfter = try XCTUnwrap(Certificate.parse(pem: ec.certificatePEM).notAfterEpoch)
        let found = problems(document(), now: notAfter + 10)
        XCTAssertEqual(found.map(\.field), ["crt"])
        XCTAssertTrue(found[0].message.contains("expired"))
    }

    func test_token_shorter_than_8_is_rejected_and_exactly_8_accepted() {
        XCTAssertEqual(problems(document(token: "1234567")).map(\.field), ["token"])
        XCTAssertTrue(problems(document(token: "1234567"))[0].message.contains("is 7 characters long; it must be at least 8"))
        XCTAssertEqual(problems(document(token: "12345678")), [])
    }

    func test_a_token_longer_than_a_request_header_can_carry_is_rejected() {
        let longest = String(repeating: "t", count: ExporterConfig.maximumTokenLength)
        XCTAssertEqual(problems(document(token: .string(longest))), [])
        let found = problems(document(token: .string(String(repeating: "t", count: 20_000))))
        XCTAssertEqual(found.map(\.field), ["token"])
        XCTAssertTrue(found[0].message.hasPrefix("is 20000 characters long; at most 4096 fit in the Authorization header"), found[0].message)
    }

    func test_the_longest_token_fits_in_a_request_the_exporter_accepts() {
        // What the poller sends, with the longest token the rules allow.
        let token = String(repeating: "t", count: ExporterConfig.maximumTokenLength)
        let request = "GET /v1/metadata HTTP/1.1\r\nHost: stor01.example.com:9443\r\nAuthorization: Bearer \(token)\r\n"
            + "User-Agent: cephadm-fleet\r\nAccept: application/json\r\nConnection: keep-alive\r\n\r\n"
        var parser = HTTPRequestParser(limits: .default)
        parser.append(Array(request.utf8))
        guard case .request(let head)? = parser.next() else { return XCTFail("refused: \(String(describing: parser.next()))") }
        XCTAssertEqual(head.header("Authorization"), "Bearer " + token)
    }

    func test_a_certificate_not_valid_until_well_after_now_is_rejected() throws {
        let notBefore = try XCTUnwrap(Certificate.parse(pem: ec.certificatePEM).notBeforeEpoch)
        XCTAssertEqual(problems(document(), now: notBefore - 3600), [], "an hour of clock skew is tolerated")
        let found = problems(document(), now: notBefore - 2 * 86_400)
        XCTAssertEqual(found.map(\.field), ["crt"])
        XCTAssertTrue(found[0].message.contains("is not valid before"), found[0].message)
    }

    func test_token_with_whitespace_or_non_ascii_is_rejected() {
        XCTAssertEqual(problems(document(token: "abcd efgh")).map(\.field), ["token"])
        XCTAssertEqual(problems(document(token: "abcdefgh\n")).map(\.field), ["token"])
        XCTAssertEqual(problems(document(token: "abcdéfgh")).map(\.field), ["token"])
    }

    func test_ports_outside_1025_to_65535_and_non_integers_are_rejected() {
        for bad: JSONValue in [1024, 65536, 0, -1, "abc", "", " 9443", "9443.0", .double(9443.5), true, .null, .array([])] {
            let found = problems(document(port: bad))
            XCTAssertEqual(found.map(\.field), ["port"], "\(bad)")
        }
        XCTAssertEqual(problems(document(port: 1025)), [])
        XCTAssertEqual(problems(document(port: 65535)), [])
        XCTAssertTrue(problems(document(port: 1024))[0].message.contains("reserved"))
    }

    func test_all_problems_are_reported_together_in_field_order() {
        let found = problems(document(key: .string(other.privateKeyPEM), token: "short", port: 80))
        XCTAssertEqual(found.map(\.field), ["key", "token", "port"])
    }

    func test_problems_come_in_field_order_whichever_check_found_them() {
        let found = problems(document(crt: "junk", key: 5))
        XCTAssertEqual(found.map(\.field), ["crt", "key"])
    }

    func test_the_example_config_only_needs_its_placeholders_replaced() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("config/exporter-config.example.json").path
        XCTAssertThrowsError(try ExporterConfig.parse(text: String(contentsOfFile: path, encoding: .utf8), source: path)) { error in
            XCTAssertEqual((error as? ExporterConfigError)?.fields, ["crt", "key"], "\(error)")
        }
    }

    func test_error_lines_name_the_source_and_the_field() {
        do {
            _ = try ExporterConfig.parse(text: #"{"crt": "x", "key": "y", "token": "z", "port": 1}"#, source: "cfg.json")
            XCTFail("should fail")
        } catch {
            XCTAssertEqual(error.lines.count, 4)
            XCTAssertTrue(error.lines.allSatisfy { $0.hasPrefix("cfg.json: ") })
            XCTAssertTrue(error.lines[2].hasPrefix("cfg.json: token: "))
            XCTAssertEqual(error.description.split(separator: "\n").count, 4)
        }
    }

    func test_bad_json_names_the_byte_offset_and_empty_text_is_explained() {
        XCTAssertThrowsError(try ExporterConfig.parse(text: "{\"crt\": ", source: "f")) { error in
            let e = error as! ExporterConfigError
            XCTAssertEqual(e.fields, ["config"])
            XCTAssertTrue(e.description.contains("is not valid JSON: invalid JSON at byte"), e.description)
        }
        XCTAssertThrowsError(try ExporterConfig.parse(text: "  \n", source: "f")) { error in
            XCTAssertTrue("\(error)".contains("is empty"))
        }
        XCTAssertThrowsError(try ExporterConfig.parse(text: "[1]", source: "f")) { error in
            XCTAssertTrue("\(error)".contains("must be a JSON object"))
        }
    }

    func test_json_form_has_the_four_fields_in_order_with_a_numeric_port() throws {
        let config = try ExporterConfig.validate(document(port: "9443"), source: "x")
        XCTAssertEqual(config.json.objectValue?.keys, ["crt", "key", "token", "port"])
        XCTAssertEqual(config.json["port"], .int(9443))
        XCTAssertEqual(try ExporterConfig.parse(text: config.prettyJSON, source: "again"), config)
    }

    func test_description_never_contains_the_key_or_token() throws {
        let config = try ExporterConfig.validate(document(), source: "x")
        XCTAssertFalse(config.description.contains(token))
        XCTAssertFalse(config.description.contains("PRIVATE KEY"))
    }

    func test_generate_makes_a_valid_ec_config_with_a_64_hex_token() throws {
        let config = try ExporterConfig.generate(port: 9500)
        XCTAssertEqual(config.token.count, 64)
        XCTAssertTrue(config.token.allSatisfy(\.isHexDigit))
        XCTAssertEqual(config.port, 9500)
        XCTAssertEqual(try PrivateKey.parse(pem: config.key).typeName, "EC")
        XCTAssertNoThrow(try ExporterConfig.validate(config.json, source: "generated"))
    }

    func test_port_option_uses_the_same_rule() {
        XCTAssertNil(ExporterConfig.checkPortOption("9443", option: "--port"))
        XCTAssertEqual(ExporterConfig.checkPortOption("80", option: "--port")?.hasPrefix("--port: 80 is out of range"), true)
    }

    func test_config_input_reports_unreadable_files_and_accepts_inline_json_only_when_allowed() throws {
        XCTAssertThrowsError(try ExporterConfigInput.read("/nonexistent/cfg.json", optionName: "-i", allowInlineJSON: false, readStdin: { [] })) { error in
            XCTAssertEqual("\(error)", "/nonexistent/cfg.json: config: cannot be read: No such file or directory")
        }
        XCTAssertThrowsError(try ExporterConfigInput.read("/tmp", optionName: "-i", allowInlineJSON: false, readStdin: { [] })) { error in
            XCTAssertTrue("\(error)".contains("is a directory"))
        }
        let inline = try ExporterConfigInput.read(#" {"a": 1}"#, optionName: "--exporter-config", allowInlineJSON: true, readStdin: { [] })
        XCTAssertEqual(inline.source, "--exporter-config")
        let stdin = try ExporterConfigInput.read("-", optionName: "-i", allowInlineJSON: false, readStdin: { Array("{}".utf8) })
        XCTAssertEqual(stdin.text, "{}")
        XCTAssertEqual(stdin.source, "stdin")
    }

    func test_a_leading_utf8_byte_order_mark_is_ignored() throws {
        let text = "\u{FEFF}" + JSONWriter.pretty(document())
        XCTAssertEqual(try ExporterConfig.parse(text: text, source: "bom.json").token, token)
        let path = NSTemporaryDirectory() + "bom-\(getpid()).json"
        defer { unlink(path) }
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data([0xEF, 0xBB, 0xBF] + Array(JSONWriter.pretty(document()).utf8))))
        XCTAssertEqual(try ExporterConfig.parse(text: ExporterConfigInput.readFile(path), source: path).port, 9443)
    }

    func test_config_files_over_a_mebibyte_and_fifos_are_refused_not_cut() throws {
        let path = NSTemporaryDirectory() + "big-\(getpid()).json"
        defer { unlink(path) }
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(repeating: 0x20, count: (1 << 20) + 1)))
        XCTAssertThrowsError(try ExporterConfigInput.readFile(path)) { error in
            XCTAssertTrue("\(error)".contains("larger than 1 MiB"), "\(error)")
        }
        let fifo = NSTemporaryDirectory() + "fifo-\(getpid())"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        defer { unlink(fifo) }
        XCTAssertThrowsError(try FileReader.read(fifo, regularFileOnly: true)) { error in
            XCTAssertEqual((error as? FileReadError)?.reason, .notRegularFile)
        }
    }

    func test_daemon_ids_and_fsids_are_checked_for_path_safety() {
        XCTAssertNil(DaemonIdentity.problem(fsid: "c0ffee00-1234-4abc-8def-000000000001"))
        XCTAssertNotNil(DaemonIdentity.problem(fsid: "../etc"))
        XCTAssertNotNil(DaemonIdentity.problem(fsid: "a.b"))
        XCTAssertNil(DaemonIdentity.problem(daemonID: "127.0.0.2"))
        XCTAssertNotNil(DaemonIdentity.problem(daemonID: "a/b"))
        XCTAssertNotNil(DaemonIdentity.problem(daemonID: "-x"))
        XCTAssertEqual(DaemonIdentity.daemonID(forHostName: "node1.example.com"), "node1")
        XCTAssertEqual(DaemonIdentity.daemonID(forHostName: "127.0.0.2"), "127.0.0.2")
        XCTAssertEqual(DaemonIdentity.daemonID(forHostName: "fe80::1"), "fe80--1")
    }
}
