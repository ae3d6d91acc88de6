import Common
import Glibc

/// The daemon's crt, key and token, read from its directory and checked together by the rules of
/// `fleet config set` (`ExporterConfig.checkSecrets`), so that a start-up or a SIGHUP reload
/// either gets a working set or a list of what is wrong.
struct DaemonCredentials: Sendable {
    let certificatePEM: String
    let keyPEM: String
    let token: String
    let tlsContext: TLSContext

    /// Each file is a few kilobytes; a bigger one is the wrong file.
    static let fileSizeLimit = ExporterConfigInput.sizeLimit

    /// Every problem found, one line each, naming the file. Only regular files are read (a FIFO
    /// in their place could otherwise hold the reader forever), at most `fileSizeLimit` bytes each.
    /// - now: seconds since the epoch, for the certificate's validity (default: the clock).
    static func load(from dir: String, resumption: Bool = true, now: Int? = nil) -> Result<DaemonCredentials, CredentialProblems> {
        var problems: [String] = []
        let crt = readFile(dir, "crt", into: &problems)
        let key = readFile(dir, "key", into: &problems)
        // Written without a newline by deploy; a hand-edited file usually ends in one.
        let token = readFile(dir, "token", into: &problems)?.trimmingWhitespace()
        for p in ExporterConfig.checkSecrets(crt: crt, key: key, token: token, now: now) {
            problems.append("\(what(p.field)) '\(dir)/\(p.field)': \(p.message)")
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

    private static func what(_ field: String) -> String {
        switch field {
        case "crt": return "Certificate file"
        case "key": return "Key file"
        default: return "Authentication token"
        }
    }

    private static func readFile(_ dir: String, _ name: String, into problems: inout [String]) -> String? {
        let path = "\(dir)/\(name)"
        do {
            return try FileReader.readText(path, limit: fileSizeLimit, regularFileOnly: true)
        } catch {
            problems.append(error.code == ENOENT ? "\(what(name)) '\(name)' is missing from \(dir)" : "\(what(name)) '\(path)' cannot be read: \(error.reasonText)")
            return nil
        }
    }
}

struct CredentialProblems: Error {
    let lines: [String]
}
