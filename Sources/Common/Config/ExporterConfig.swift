/// The exporter's settings as the operator manages them (Pacific's `mgr/cephadm/exporter_config`):
/// the TLS certificate and key (PEM), the bearer token clients send, and the HTTPS port.
///
/// Two forms share these fields and one set of rules (`ExporterConfig.validate`):
/// - shared (Pacific's): every host gets the same certificate, key and token;
/// - per-host (`fleet config issue`): the host's own certificate, issued by the fleet's CA for
///   its name and addresses, its own token, and the CA certificate under `ca` (a bundle of two
///   during a CA rotation); `require_client_cert` turns on mutual TLS; `token_prev` carries the
///   token being rotated out and until when it is still accepted.
/// Values of this type have passed validation, so both the fleet side and the host side work
/// from one set of rules.
public struct ExporterConfig: Sendable, Equatable {
    public let crt: String
    public let key: String
    public let token: String
    public let port: Int
    /// PEM bundle of the CA certificate(s) that issued `crt` (per-host form).
    public let ca: String?
    /// Clients must present a certificate issued by `ca` (mutual TLS).
    public let requireClientCertificate: Bool
    /// The token before a rotation, accepted until its expiry.
    public let previousToken: PreviousToken?

    public static let defaultPort = 9443
    public static let portRange = 1025...65535
    public static let minimumTokenLength = 8
    public static let fieldNames = ["crt", "key", "token", "port", "ca", "require_client_cert", "token_prev"]

    /// Only `validate` builds configs from outside data; this is for values already known good
    /// (a freshly generated or issued certificate) and for tests.
    init(crt: String, key: String, token: String, port: Int, ca: String? = nil, requireClientCertificate: Bool = false,
         previousToken: PreviousToken? = nil) {
        self.crt = crt
        self.key = key
        self.token = token
        self.port = port
        self.ca = ca
        self.requireClientCertificate = requireClientCertificate
        self.previousToken = previousToken
    }

    /// The per-host form: the certificate was issued by a CA the config names.
    public var isPerHost: Bool { ca != nil }

    /// `{"crt", "key", "token", "port"}` with the port as a JSON number, the form stored and
    /// printed by `fleet config get` (the `config.json` clients read); the per-host form adds
    /// `ca`, and `require_client_cert` and `token_prev` when set.
    public var json: JSONValue {
        var object = JSONObject([
            ("crt", .string(crt)),
            ("key", .string(key)),
            ("token", .string(token)),
            ("port", .int(port)),
        ])
        if let ca { object["ca"] = .string(ca) }
        if requireClientCertificate { object["require_client_cert"] = .bool(true) }
        if let previousToken { object["token_prev"] = previousToken.json }
        return .object(object)
    }

    /// Indented JSON text with a final newline.
    public var prettyJSON: String { JSONWriter.pretty(json) + "\n" }
}

extension ExporterConfig: CustomStringConvertible {
    /// Never shows the key or the token: this is what ends up in logs and error messages.
    public var description: String {
        "ExporterConfig(port: \(port), token: \(token.count) characters, crt: \(crt.count) bytes\(isPerHost ? ", per-host" : ""))"
    }
}
