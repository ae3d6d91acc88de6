/// The exporter's settings as the operator manages them (Pacific's `mgr/cephadm/exporter_config`):
/// the TLS certificate and key (PEM), the bearer token clients send, and the HTTPS port.
/// Values of this type have passed `ExporterConfig.validate`, so both the fleet side and the
/// host side work from one set of rules.
public struct ExporterConfig: Sendable, Equatable {
    public let crt: String
    public let key: String
    public let token: String
    public let port: Int

    public static let defaultPort = 9443
    public static let portRange = 1025...65535
    public static let minimumTokenLength = 8
    public static let fieldNames = ["crt", "key", "token", "port"]

    /// Only `validate` builds configs from outside data; this is for values already known good
    /// (a freshly generated certificate) and for tests.
    init(crt: String, key: String, token: String, port: Int) {
        self.crt = crt
        self.key = key
        self.token = token
        self.port = port
    }

    /// `{"crt", "key", "token", "port"}` with the port as a JSON number, the form stored and
    /// printed by `fleet config get` (the `config.json` clients read).
    public var json: JSONValue {
        .object(JSONObject([
            ("crt", .string(crt)),
            ("key", .string(key)),
            ("token", .string(token)),
            ("port", .int(port)),
        ]))
    }

    /// Indented JSON text with a final newline.
    public var prettyJSON: String { JSONWriter.pretty(json) + "\n" }
}

extension ExporterConfig: CustomStringConvertible {
    /// Never shows the key or the token: this is what ends up in logs and error messages.
    public var description: String {
        "ExporterConfig(port: \(port), token: \(token.count) characters, crt: \(crt.count) bytes)"
    }
}
