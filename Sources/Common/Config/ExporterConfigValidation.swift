import Glibc

/// The one set of rules for an exporter config, used by `fleet config set`, `fleet bootstrap`,
/// the KV store loader, `cephadm-exporter deploy`, and the daemon itself at start-up and on
/// SIGHUP (`checkSecrets`, on the files in its directory). Pacific had two that disagreed (Q8):
/// the mgr accepted any PEM key and only warned on a key/certificate mismatch, cephadm accepted
/// only PKCS#8 text and needed no port. Here every check runs and every failure is reported.
extension ExporterConfig {
    /// The longest token accepted. It travels as `Authorization: Bearer <token>`, which must fit
    /// in one request's header block (`HTTPLimits.default.maxHeaderBlockBytes`, 16 KiB) beside the
    /// other headers; a longer one would make every poll a 431. 4096 leaves ample room.
    public static let maximumTokenLength = 4096

    /// How far in the future a certificate's start of validity may lie: the machine that made
    /// it (the fleet's admin host) and the host checking it may disagree on the time.
    public static let clockSkewAllowanceSecs = 86_400

    /// Validates a parsed JSON document.
    /// - defaultPort: used when the document has no `port` (the host side may take the port from
    ///   `--port` or from the previous deployment); nil makes `port` required.
    /// - now: seconds since the epoch, for the expiry check.
    public static func validate(
        _ document: JSONValue,
        source: String,
        defaultPort: Int? = nil,
        now: Int? = nil
    ) throws(ExporterConfigError) -> ExporterConfig {
        guard case .object(let object) = document else {
            throw ExporterConfigError(source: source, field: "config",
                "must be a JSON object with the fields crt, key, token and port (and ca in the per-host form) (found \(kindName(document)))")
        }
        var crtText: String?, keyText: String?, tokenText: String?, port: Int?
        var caText: String?, requireClientCertificate = false, previousToken: PreviousToken?
        var problems = collect { problem in
            crtText = requiredString(object, "crt", what: "the PEM certificate (-----BEGIN CERTIFICATE-----...)", problem)
            keyText = requiredString(object, "key", what: "the PEM private key of the certificate", problem)
            tokenText = requiredString(object, "token", what: "the bearer token clients send (at least 8 characters)", problem)
            if object["ca"] != nil {
                caText = requiredString(object, "ca", what: "the PEM certificate of the CA that issued crt", problem)
            }
            if let flag = object["require_client_cert"] {
                if let b = flag.boolValue { requireClientCertificate = b } else {
                    problem("require_client_cert", "must be true or false (found \(kindName(flag)))")
                }
            }
            if let value = object["token_prev"], !value.isNull {
                switch PreviousToken.decode(value) {
                case .success(let p): previousToken = p
                case .failure(let e): problem("token_prev", e.description)
                }
            }
        }
        problems += checkSecrets(crt: crtText, key: keyText, token: tokenText, ca: caText,
                                 requireClientCertificate: requireClientCertificate, previousToken: previousToken, now: now)
        problems += collect { problem in port = checkPort(object["port"], defaultPort: defaultPort, problem) }

        guard problems.isEmpty, let crtText, let keyText, let tokenText, let port else {
            // Reported in the document's field order, whichever check found them first.
            let order = fieldNames
            let sorted = problems.enumerated().sorted { a, b in
                let ia = order.firstIndex(of: a.element.field) ?? 0, ib = order.firstIndex(of: b.element.field) ?? 0
                return ia != ib ? ia < ib : a.offset < b.offset
            }.map(\.element)
            throw ExporterConfigError(source: source, problems: sorted)
        }
        return ExporterConfig(crt: crtText, key: keyText, token: tokenText, port: port, ca: caText,
                              requireClientCertificate: requireClientCertificate, previousToken: previousToken)
    }

    /// Parses JSON text, then validates it. Empty input and bad JSON are reported as problems
    /// of the `config` field, with the byte offset of the JSON error. A leading UTF-8 byte order
    /// mark (some Windows editors write one) is ignored.
    public static func parse(
        text rawText: String,
        source: String,
        defaultPort: Int? = nil,
        now: Int? = nil
    ) throws(ExporterConfigError) -> ExporterConfig {
        let text = withoutByteOrderMark(rawText)
        if text.allSatisfy(\.isWhitespace) {
            throw ExporterConfigError(source: source, field: "config",
                "is empty; expected a JSON object with the fields crt, key, token and port")
        }
        let document: JSONValue
        do {
            document = try JSONParser.parse(text)
        } catch {
            throw ExporterConfigError(source: source, field: "config", "is not valid JSON: \(error)")
        }
        return try validate(document, source: source, defaultPort: defaultPort, now: now)
    }

    /// The text without a leading U+FEFF (a UTF-8 byte order mark is not part of a JSON document).
    public static func withoutByteOrderMark(_ text: String) -> String {
        text.unicodeScalars.first == "\u{FEFF}" ? String(text.unicodeScalars.dropFirst()) : text
    }

    /// Checks a port given on a command line (`--port`) with the same rule as the config field.
    public static func checkPortOption(_ text: String, option: String) -> String? {
        var message: String? = nil
        _ = checkPort(.string(text), defaultPort: nil) { _, m in message = m }
        return message.map { "\(option): \($0)" }
    }

    // MARK: - the individual rules

    /// The rules for the certificate, its key and the token, each checked when given: the
    /// certificate parses and is within its validity period, the key parses and matches it, the
    /// token is 8 to `maximumTokenLength` printable ASCII characters. The per-host form adds: `ca`
    /// is a bundle of CA certificates within their validity, one of which issued `crt`;
    /// `require_client_cert` needs `ca`; `token_prev` follows the token's rules. Problems name
    /// the field.
    /// - now: seconds since the epoch (default: this machine's clock).
    public static func checkSecrets(crt: String?, key: String?, token: String?, ca: String? = nil,
                                    requireClientCertificate: Bool = false, previousToken: PreviousToken? = nil,
                                    now: Int? = nil) -> [ExporterConfigProblem] {
        collect { problem in
            let nowSeconds = now ?? Clock.wallTime().seconds
            let certificate = checkSecrets(crt: crt, key: key, token: token, now: nowSeconds, problem)
            if let ca {
                let authorities = checkAuthorities(ca, now: nowSeconds, problem)
                if let certificate, !authorities.isEmpty, let why = certificate.chainProblem(to: authorities, now: nowSeconds) {
                    problem("crt", "is not issued by the CA in ca (\(why)); issue the host's config again (fleet config issue)")
                }
            }
            if requireClientCertificate && ca == nil {
                problem("require_client_cert", "needs ca: the CA whose certificates clients must present")
            }
            if let previousToken { checkToken(previousToken.token, field: "token_prev", problem) }
        }
    }

    /// Every certificate of the bundle parses, is a CA and is within its validity period.
    private static func checkAuthorities(_ bundle: String, now: Int, _ problem: (String, String) -> Void) -> [Certificate] {
        let authorities: [Certificate]
        do { authorities = try Certificate.parseAll(pem: bundle) } catch {
            problem("ca", "is not a usable PEM certificate bundle: \(error.message)")
            return []
        }
        var usable: [Certificate] = []
        for (i, ca) in authorities.enumerated() {
            let which = authorities.count == 1 ? "the CA certificate" : "CA certificate \(i + 1) of \(authorities.count)"
            if !ca.isCertificateAuthority {
                problem("ca", "\(which) is not a certificate authority (no basicConstraints CA:TRUE)")
            } else if let notAfter = ca.notAfterEpoch, notAfter < now {
                problem("ca", "\(which) expired on \(utcDate(notAfter)); rotate the CA (fleet rotate --ca)")
            } else {
                usable.append(ca)
            }
        }
        return usable
    }

    /// The problems `body` reports through the function it is given, in order.
    private static func collect(_ body: ((String, String) -> Void) -> Void) -> [ExporterConfigProblem] {
        var problems: [ExporterConfigProblem] = []
        body { problems.append(ExporterConfigProblem(field: $0, message: $1)) }
        return problems
    }

    /// Returns the parsed certificate (for the per-host rules).
    @discardableResult
    private static func checkSecrets(crt: String?, key: String?, token: String?, now nowSeconds: Int,
                                     _ problem: (String, String) -> Void) -> Certificate? {
        var certificate: Certificate? = nil
        if let crt {
            do {
                let parsed = try Certificate.parse(pem: crt)
                certificate = parsed
                if let notAfter = parsed.notAfterEpoch, notAfter < nowSeconds {
                    problem("crt", "the certificate expired on \(utcDate(notAfter)); generate a new one (fleet config generate) or supply a current one")
                } else if let notBefore = parsed.notBeforeEpoch, notBefore > nowSeconds + clockSkewAllowanceSecs {
                    problem("crt", "the certificate is not valid before \(utcDate(notBefore)); check this machine's clock, or supply a certificate valid now")
                }
            } catch {
                problem("crt", "is not a usable PEM certificate: \(error.message)")
            }
        }
        var privateKey: PrivateKey? = nil
        if let key {
            do {
                privateKey = try PrivateKey.parse(pem: key)
            } catch {
                problem("key", "is not a usable PEM private key: \(error.message) (PKCS#8, PKCS#1 RSA and SEC1 EC keys are accepted)")
            }
        }
        if let certificate, let privateKey, !certificate.matches(privateKey) {
            problem("key", "does not match the certificate in crt; use the private key the certificate was issued for")
        }
        if let token { checkToken(token, field: "token", problem) }
        return certificate
    }

    private static func requiredString(
        _ object: JSONObject, _ field: String, what: String,
        _ problem: (String, String) -> Void
    ) -> String? {
        guard let value = object[field] else {
            problem(field, "is missing; add \(what)")
            return nil
        }
        guard case .string(let text) = value else {
            problem(field, "must be a string holding \(what) (found \(kindName(value)))")
            return nil
        }
        guard !text.allSatisfy(\.isWhitespace) else {
            problem(field, "is empty; add \(what)")
            return nil
        }
        return text
    }

    private static func checkToken(_ token: String, field: String, _ problem: (String, String) -> Void) {
        let count = token.count
        if count < minimumTokenLength {
            problem(field, "is \(count) character\(count == 1 ? "" : "s") long; it must be at least \(minimumTokenLength) (fleet config generate makes a 64-character one)")
        } else if count > maximumTokenLength {
            problem(field, "is \(count) characters long; at most \(maximumTokenLength) fit in the Authorization header of a request (fleet config generate makes a 64-character one)")
        }
        // It travels as `Authorization: Bearer <token>` and is stored in a file that is read
        // back with whitespace stripped, so only visible ASCII survives both intact.
        if !token.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) }) {
            problem(field, "may contain only printable ASCII characters without spaces, tabs or newlines (it is sent in an HTTP header)")
        }
    }

    private static func checkPort(
        _ value: JSONValue?, defaultPort: Int?,
        _ problem: (String, String) -> Void
    ) -> Int? {
        let range = "between \(portRange.lowerBound) and \(portRange.upperBound)"
        guard let value else {
            if let defaultPort { return defaultPort }
            problem("port", "is missing; add a port number \(range) (\(defaultPort ?? ExporterConfig.defaultPort) is the usual one)")
            return nil
        }
        let number: Int
        switch value {
        case .int(let i):
            guard let n = Int(exactly: i) else {
                problem("port", "\(i) is out of range; use a port \(range)")
                return nil
            }
            number = n
        case .double(let d):
            guard d.isFinite, d.rounded() == d, let n = Int(exactly: d) else {
                problem("port", "\(d) is not a whole number; use a port \(range)")
                return nil
            }
            number = n
        case .string(let s):
            guard !s.isEmpty, s.utf8.allSatisfy({ (48...57).contains($0) }), s.count <= 6, let n = Int(s) else {
                problem("port", "'\(s)' is not a whole number; use a port \(range)")
                return nil
            }
            number = n
        default:
            problem("port", "must be a whole number \(range) (found \(kindName(value)))")
            return nil
        }
        guard portRange.contains(number) else {
            let hint = number > 0 && number < portRange.lowerBound ? " (ports up to 1024 are reserved for system services)" : ""
            problem("port", "\(number) is out of range; use a port \(range)\(hint)")
            return nil
        }
        return number
    }

    private static func kindName(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return "the number \(i)"
        case .double(let d): return "the number \(d)"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    private static func utcDate(_ epoch: Int) -> String { UTCDate.text(Double(epoch)) }

}

extension ExporterConfig {
    /// The same config with another port (a `--port` that overrides the config's), checked by
    /// the same port rule.
    public func withPort(_ port: Int, source: String) throws(ExporterConfigError) -> ExporterConfig {
        guard Self.portRange.contains(port) else {
            throw ExporterConfigError(source: source, field: "port",
                "\(port) is out of range; use a port between \(Self.portRange.lowerBound) and \(Self.portRange.upperBound)")
        }
        return ExporterConfig(crt: crt, key: key, token: token, port: port, ca: ca,
                              requireClientCertificate: requireClientCertificate, previousToken: previousToken)
    }
}
