import Common
import Glibc

/// The daemon's credentials, read from its directory and checked together by the rules of
/// `fleet config set` (`ExporterConfig.checkSecrets`), so that a start-up or a SIGHUP reload
/// either gets a working set or a list of what is wrong:
///
///     crt, key, token   always
///     ca.crt            per-host mode: the fleet's CA (two during a CA rotation); crt must chain to it
///     token.prev        during a token rotation: {"token", "expires_epoch_secs"}, accepted until then
///     mtls              "required": clients must present a certificate issued by ca.crt
struct DaemonCredentials: Sendable {
    let certificatePEM: String
    let keyPEM: String
    let token: String
    let caPEM: String?
    let previousToken: PreviousToken?
    let requireClientCertificate: Bool
    let tlsContext: TLSContext

    /// The files beside crt, key and token, and the config field each one carries.
    enum File {
        static let ca = "ca.crt"
        static let previousToken = "token.prev"
        static let clientCertificateRequired = "mtls"
        static let clientCertificateRequiredText = "required\n"
    }

    /// Each file is a few kilobytes; a bigger one is the wrong file.
    static let fileSizeLimit = ExporterConfigInput.sizeLimit

    /// Epoch seconds at which the certificate expires (the health object reports it).
    var certificateExpiryEpochSecs: Double? { tlsContext.certificate?.notAfterEpoch.map(Double.init) }

    /// Every problem found, one line each, naming the file. Only regular files are read (a FIFO
    /// in their place could otherwise hold the reader forever), at most `fileSizeLimit` bytes each.
    /// - now: seconds since the epoch, for the certificate's validity (default: the clock).
    static func load(from dir: String, resumption: Bool = true, now: Int? = nil) -> Result<DaemonCredentials, CredentialProblems> {
        var problems: [String] = []
        let crt = readFile(dir, "crt", into: &problems)
        let key = readFile(dir, "key", into: &problems)
        // Written without a newline by deploy; a hand-edited file usually ends in one.
        let token = readFile(dir, "token", into: &problems)?.trimmingWhitespace()
        let ca = readFile(dir, File.ca, field: "ca", optional: true, into: &problems)
        var previous: PreviousToken?
        if let text = readFile(dir, File.previousToken, field: "token_prev", optional: true, into: &problems) {
            switch PreviousToken.parse(text: text) {
            case .success(let p): previous = p
            case .failure(let e): problems.append("\(what("token_prev")) '\(dir)/\(File.previousToken)': \(e)")
            }
        }
        var requireClientCertificate = false
        if let marker = readFile(dir, File.clientCertificateRequired, field: "require_client_cert", optional: true, into: &problems) {
            requireClientCertificate = marker.trimmingWhitespace() == "required"
            if !requireClientCertificate {
                problems.append("\(what("require_client_cert")) '\(dir)/\(File.clientCertificateRequired)': must say 'required' (or be absent)")
            }
        }
        for p in ExporterConfig.checkSecrets(crt: crt, key: key, token: token, ca: ca, requireClientCertificate: requireClientCertificate,
                                             previousToken: previous, now: now) {
            problems.append("\(what(p.field)) '\(dir)/\(fileName(p.field))': \(p.message)")
        }
        guard problems.isEmpty, let crt, let key, let token else { return .failure(CredentialProblems(lines: problems)) }
        do {
            let ctx = try TLSContext.server(certificatePEM: crt, keyPEM: key, resumption: resumption,
                                            clientAuthorities: requireClientCertificate ? ca : nil)
            return .success(DaemonCredentials(certificatePEM: crt, keyPEM: key, token: token, caPEM: ca, previousToken: previous,
                                              requireClientCertificate: requireClientCertificate, tlsContext: ctx))
        } catch {
            return .failure(CredentialProblems(lines: ["TLS set-up with '\(dir)/crt' and '\(dir)/key' failed: \(error)"]))
        }
    }

    /// What changed compared with `old`, for the reload log line (never the secrets themselves).
    func changes(since old: DaemonCredentials) -> [String] {
        var out: [String] = []
        if certificatePEM != old.certificatePEM {
            out.append("certificate (sha256 \(old.tlsContext.certificate?.fingerprint.prefix(11) ?? "?")… → \(tlsContext.certificate?.fingerprint.prefix(11) ?? "?")…)")
        }
        if keyPEM != old.keyPEM { out.append("key") }
        if token != old.token { out.append("token") }
        if caPEM != old.caPEM { out.append("CA certificate") }
        if previousToken != old.previousToken { out.append(previousToken == nil ? "no previous token" : "previous token") }
        if requireClientCertificate != old.requireClientCertificate {
            out.append(requireClientCertificate ? "client certificates required" : "client certificates not required")
        }
        return out
    }

    private static func what(_ field: String) -> String {
        switch field {
        case "crt": return "Certificate file"
        case "key": return "Key file"
        case "ca": return "CA certificate file"
        case "token_prev": return "Previous token file"
        case "require_client_cert": return "Client certificate marker"
        default: return "Authentication token"
        }
    }

    private static func fileName(_ field: String) -> String {
        switch field {
        case "ca": return File.ca
        case "token_prev": return File.previousToken
        case "require_client_cert": return File.clientCertificateRequired
        default: return field
        }
    }

    /// nil when the file is missing: a problem unless `optional`.
    private static func readFile(_ dir: String, _ name: String, field: String? = nil, optional: Bool = false,
                                 into problems: inout [String]) -> String? {
        let label = Self.what(field ?? name)
        let path = "\(dir)/\(name)"
        do {
            return try FileReader.readText(path, limit: fileSizeLimit, regularFileOnly: true)
        } catch {
            if error.code == ENOENT {
                if !optional { problems.append("\(label) '\(name)' is missing from \(dir)") }
            } else {
                problems.append("\(label) '\(path)' cannot be read: \(error.reasonText)")
            }
            return nil
        }
    }
}

struct CredentialProblems: Error {
    let lines: [String]
}
