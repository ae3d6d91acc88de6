import XCTest
import Glibc
@testable import FleetTUI
@testable import Common

final class ConfigCommandTests: StoreTestCase {
    @discardableResult
    private func config(_ args: [String], stdin: String = "") -> (status: Int32, out: String, err: String) {
        let captured = CapturedCommandIO(stdin: stdin)
        let status = ConfigCommand.run(args + ["--state-dir", stateDir], io: captured.io)
        return (status, captured.out, captured.err)
    }

    private func storedConfig() throws -> ExporterConfig? { try openStore().exporterConfig() }

    func test_generate_stores_an_ec_config_with_a_64_hex_token_on_9443_and_enables_it() throws {
        let r = config(["generate"])
        XCTAssertEqual(r.status, 0, r.err)
        let stored = try XCTUnwrap(storedConfig())
        XCTAssertEqual(stored.port, 9443)
        XCTAssertEqual(stored.token.count, 64)
        XCTAssertEqual(try PrivateKey.parse(pem: stored.key).typeName, "EC")
        XCTAssertTrue(try openStore().exporterEnabled())
    }

    func test_generate_with_rsa_and_a_port() throws {
        XCTAssertEqual(config(["generate", "--key-type", "rsa", "--port", "9600"]).status, 0)
        let stored = try XCTUnwrap(storedConfig())
        XCTAssertEqual(try PrivateKey.parse(pem: stored.key).typeName, "RSA")
        XCTAssertEqual(stored.port, 9600)
    }

    func test_get_prints_empty_object_when_unset_and_the_config_as_indented_json() throws {
        XCTAssertEqual(config(["get"]).out, "{}\n")
        config(["generate"])
        let out = config(["get"]).out
        XCTAssertTrue(out.hasPrefix("{\n  \"crt\": \"-----BEGIN CERTIFICATE-----"), out)
        let parsed = try JSONParser.parse(out)
        XCTAssertEqual(parsed.objectValue?.keys, ["crt", "key", "token", "port"])
        XCTAssertEqual(parsed["port"], .int(9443))
    }

    func test_get_output_writes_a_0600_file() throws {
        config(["generate"])
        let path = tempDir + "/config.json"
        let r = config(["get", "--output", path])
        XCTAssertEqual(r.status, 0)
        XCTAssertEqual(r.out, "")
        XCTAssertEqual(mode(path), 0o600)
        XCTAssertEqual(try ExporterConfig.parse(text: String(contentsOfFile: path, encoding: .utf8), source: path), try storedConfig())
    }

    func test_set_stores_a_valid_file_and_stdin() throws {
        let text = try Self.validConfigJSON(port: "9444")
        let path = write(text, to: "in.json")
        XCTAssertEqual(config(["set", "-i", path]).status, 0)
        XCTAssertEqual(try storedConfig()?.port, 9444)
        XCTAssertTrue(try openStore().exporterEnabled())

        let other = try Self.validConfigJSON(port: 9445)
        let r = config(["set", "-i", "-"], stdin: other)
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(try storedConfig()?.port, 9445)
    }

    func test_set_with_each_kind_of_bad_input_fails_and_changes_nothing() throws {
        config(["generate"])
        let before = storeBytes()
        let g = try SelfSignedCertificate.generate()
        let otherKey = try SelfSignedCertificate.generate().privateKeyPEM
        let expired = try SelfSignedCertificate.generate(validDays: -1)
        func doc(_ fields: [(String, JSONValue)]) -> String { JSONWriter.pretty(.object(JSONObject(fields))) }
        let good: [(String, JSONValue)] = [("crt", .string(g.certificatePEM)), ("key", .string(g.privateKeyPEM)), ("token", "abcdefgh"), ("port", 9443)]
        func replacing(_ name: String, _ value: JSONValue?) -> String {
            doc(good.compactMap { $0.0 == name ? value.map { (name, $0) } : $0 })
        }
        let cases: [(String, String, [String])] = [
            ("bad json", "{\"crt\": ", ["config"]),
            ("empty", "", ["config"]),
            ("missing port", replacing("port", nil), ["port"]),
            ("missing crt", replacing("crt", nil), ["crt"]),
            ("bad cert", replacing("crt", "-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n"), ["crt"]),
            ("bad key", replacing("key", "junk"), ["key"]),
            ("mismatched key", replacing("key", .string(otherKey)), ["key"]),
            ("short token", replacing("token", "1234567"), ["token"]),
            ("token too long for a request header", replacing("token", .string(String(repeating: "t", count: 20_000))), ["token"]),
            ("expired certificate", doc([("crt", .string(expired.certificatePEM)), ("key", .string(expired.privateKeyPEM)),
                                         ("token", "abcdefgh"), ("port", 9443)]), ["crt"]),
            ("low port", replacing("port", 1024), ["port"]),
            ("text port", replacing("port", "https"), ["port"]),
            ("float port", replacing("port", .double(9443.5)), ["port"]),
            ("several", doc([("crt", .string(g.certificatePEM)), ("key", .string(otherKey)), ("token", "x"), ("port", 99999)]), ["key", "token", "port"]),
        ]
        for (name, text, fields) in cases {
            let path = write(text, to: "bad.json")
            let r = config(["set", "-i", path])
            XCTAssertEqual(r.status, 1, name)
            for field in fields {
                XCTAssertTrue(r.err.contains("\(path): \(field): "), "\(name): \(r.err)")
            }
            let problemLines = r.err.split(separator: "\n").filter { $0.contains("\(path): ") }
            XCTAssertEqual(problemLines.count, fields.count, "\(name): one line per problem: \(r.err)")
            XCTAssertEqual(storeBytes(), before, "\(name) must not change the store")
        }
        let missing = config(["set", "-i", tempDir + "/nope.json"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.err.contains("nope.json: config: cannot be read: No such file or directory"), missing.err)
        XCTAssertEqual(storeBytes(), before)
    }

    func test_set_without_input_is_a_usage_error() {
        let r = config(["set"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.err.contains("JSON configuration has not been provided"))
    }

    func test_clear_removes_config_and_enabled_flag() throws {
        config(["generate"])
        XCTAssertEqual(config(["clear"]).status, 0)
        XCTAssertNil(try storedConfig())
        XCTAssertFalse(try openStore().exporterEnabled())
        XCTAssertEqual(config(["get"]).out, "{}\n")
    }

    func test_generate_set_and_clear_are_refused_while_the_service_is_applied() throws {
        config(["generate"])
        try openStore().update { $0[StoreKey.exporterSpec] = "{}" }
        let before = storeBytes()
        let path = write(try Self.validConfigJSON(), to: "ok.json")
        for args in [["generate"], ["set", "-i", path], ["clear"]] {
            let r = config(args)
            XCTAssertEqual(r.status, 1, "\(args)")
            XCTAssertTrue(r.err.contains("Unable to change configuration of an active service cephadm-exporter"), r.err)
            XCTAssertEqual(storeBytes(), before)
        }
        XCTAssertEqual(config(["get"]).status, 0, "get is not guarded")
    }

    func test_help_and_usage_errors() {
        XCTAssertEqual(config(["--help"]).status, 0)
        let help = config(["set", "--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.out.contains("Usage: fleet config set"))
        XCTAssertEqual(config(["frobnicate"]).status, 2)
        XCTAssertEqual(config(["generate", "--key-type", "dsa"]).status, 2)
        XCTAssertEqual(config(["generate", "--port", "80"]).status, 2)
        XCTAssertEqual(ConfigCommand.run([], io: CapturedCommandIO().io), 2)
    }
}
