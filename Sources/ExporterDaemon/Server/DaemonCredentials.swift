import Common
import Glibc

/// The daemon's crt, key and token, read from its directory and checked together, so that a
/// start-up or a SIGHUP reload either gets a working set or a list of what is wrong.
struct DaemonCredentials: Sendable {
    let certificatePEM: String
    let keyPEM: String
    let token: String
    let tlsContext: TLSContext

    static let minimumTokenLength = 8

    /// Every problem found, one line each, naming the file.
    static func load(from dir: String, resumption: Bool = true) -> Result<DaemonCredentials, CredentialProblems> {
        var problems: [String] = []
        let crt = readFile(dir, "crt", what: "Certificate file", into: &problems)
        let key = readFile(dir, "key", what: "Key file", into: &problems)
        let tokenText = readFile(dir, "token", what: "Authentication token", into: &problems)

        var cert: Certificate?
        var pkey: PrivateKey?
        if let crt {
            do { cert = try Certificate.parse(pem: crt) } catch { problems.append("Certificate file '\(dir)/crt' is not valid: \(error)") }
        }
        if let key {
            do { pkey = try PrivateKey.parse(pem: key) } catch { problems.append("Key file '\(dir)/key' is not valid: \(error)") }
        }
        if let cert, let pkey, !cert.matches(pkey) {
            problems.append("Key file '\(dir)/key' does not match the certificate in '\(dir)/crt'")
        }
        let token = tokenText.map { $0.trimmingWhitespace() }
        if let token, token.count < minimumTokenLength {
            problems.append("Authentication token '\(dir)/token' must be at least \(minimumTokenLength) characters (it has \(token.count))")
        }
        guard problems.isEmpty, let crt, let key, let token else { return .failure(CredentialProblems(lines: problems)) }
        do {
            let ctx = try TLSContext.server(certificatePEM: crt, keyPEM: key, resumption: resumption)
            return .success(DaemonCredentials(certificatePEM: crt, keyPEM: key, token: token, tlsContext: ctx))
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
        return out
    }

    private static func readFile(_ dir: String, _ name: String, what: String, into problems: inout [String]) -> String? {
        let path = "\(dir)/\(name)"
        do {
            return try FileReader.readText(path)
        } catch {
            problems.append(error.code == ENOENT ? "\(what) '\(name)' is missing from \(dir)" : "\(what) '\(path)' cannot be read: \(error)")
            return nil
        }
    }
}

struct CredentialProblems: Error {
    let lines: [String]
}
