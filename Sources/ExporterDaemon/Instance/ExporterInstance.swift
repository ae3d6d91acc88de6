import Common
import Glibc

/// One exporter instance on this host: which cluster and which daemon it is (the fsid and id are
/// validated once, here, because both become file and systemd unit names), and where its files
/// live. `run`, `deploy`, `rm-daemon` and the running service all work from this one value:
///
///     <data>/<fsid>/                          0700  cluster directory
///     <data>/<fsid>/cephadm-exporter.<id>/    0700  daemon directory
///         crt key token                       0600  TLS certificate, private key, bearer token
///         ca.crt token.prev mtls              0600  per-host mode: fleet CA, previous token, mTLS marker
///         exporter.pid                        0600  the running daemon's pid (deploy --reload)
///         unit.run                            0700  start script (execs the binary in the foreground)
///         unit.meta                           0600  JSON: service_name, ports
///         unit.created unit.configured        0600  markers (mtime = first deploy / last deploy)
///     <log>/<fsid>/                           0770  the daemon's log file goes here
///     <units>/ceph-<fsid>-cephadm-exporter.<id>.service   0644
///     <units>/ceph-<fsid>.target, ceph.target             0644, installed when missing
struct ExporterInstance: Sendable, Equatable {
    let fsid: String
    let id: String
    let dataDir: String
    let unitDir: String
    let logDir: String

    static let defaultDataDir = "/var/lib/ceph"
    static let defaultUnitDir = "/etc/systemd/system"
    static let defaultLogDir = "/var/log/ceph"

    static let clusterDirMode: mode_t = 0o700
    static let daemonDirMode: mode_t = 0o700
    static let secretFileMode: mode_t = 0o600
    static let scriptMode: mode_t = 0o700
    static let markerMode: mode_t = 0o600
    static let logDirMode: mode_t = 0o770
    static let unitFileMode: mode_t = 0o644

    /// Checks the fsid and id (`DaemonIdentity`'s rules, the ones `fleet apply` uses for the ids
    /// it derives) and makes the directories absolute: they end up in unit files.
    init(fsid: String, id: String, dataDir: String = defaultDataDir, unitDir: String = defaultUnitDir,
         logDir: String = defaultLogDir) throws(UsageError) {
        if let p = DaemonIdentity.problem(fsid: fsid) { throw UsageError(p) }
        if let p = DaemonIdentity.problem(daemonID: id) { throw UsageError(p) }
        self.fsid = fsid
        self.id = id
        self.dataDir = Self.absolute(dataDir)
        self.unitDir = Self.absolute(unitDir)
        self.logDir = Self.absolute(logDir)
    }

    /// The options every host command declares: `--fsid`, `--id` (default: the short host name),
    /// and the directories (`--unit-dir` only where the command has it).
    static func options(idHelp: String, unitDir: Bool) -> [OptionSpec] {
        [
            .value("--fsid", name: "FSID", help: "cluster fsid (required)"),
            .value("--id", name: "ID", help: idHelp, defaultHelp: "the short host name"),
            .value("--data-dir", name: "DIR", help: "base data directory: DIR/FSID/cephadm-exporter.ID/ holds crt, key, token",
                   default: defaultDataDir),
        ] + (unitDir ? [.value("--unit-dir", name: "DIR", help: "systemd unit directory", default: defaultUnitDir)] : []) + [
            .value("--log-dir", name: "DIR", help: "base log directory: the log file is DIR/FSID/cephadm-exporter.ID.log",
                   default: defaultLogDir),
        ]
    }

    /// The instance the `options` name.
    init(options parsed: ParsedArguments) throws(UsageError) {
        try self.init(fsid: try parsed.required("--fsid"), id: parsed.string("--id") ?? HostName.short(),
                      dataDir: try parsed.stringValue("--data-dir"), unitDir: parsed.string("--unit-dir") ?? Self.defaultUnitDir,
                      logDir: try parsed.stringValue("--log-dir"))
    }

    var daemonName: String { DaemonIdentity.daemonName(id: id) }
    var clusterDir: String { PathText.join(dataDir, fsid) }
    var daemonDir: String { PathText.join(clusterDir, daemonName) }
    var clusterLogDir: String { PathText.join(logDir, fsid) }
    var logFile: String { PathText.join(clusterLogDir, daemonName + ".log") }
    var unitName: String { DaemonIdentity.unitName(fsid: fsid, id: id) }
    var unitFileName: String { unitName + ".service" }
    var unitFilePath: String { PathText.join(unitDir, unitFileName) }
    var clusterTargetName: String { "ceph-\(fsid).target" }
    var clusterTargetPath: String { PathText.join(unitDir, clusterTargetName) }
    var cephTargetPath: String { PathText.join(unitDir, "ceph.target") }

    func file(_ name: String) -> String { PathText.join(daemonDir, name) }

    /// The certificate, key and token in the daemon directory, checked by the rules of
    /// `fleet config set` (start-up and SIGHUP).
    func loadCredentials(resumption: Bool = true, now: Int? = nil) -> Result<DaemonCredentials, CredentialProblems> {
        DaemonCredentials.load(from: daemonDir, resumption: resumption, now: now)
    }

    static func absolute(_ path: String) -> String {
        var p = path
        while p.count > 1 && p.hasSuffix("/") { p.removeLast() }
        if p.hasPrefix("/") { return p }
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else { return p }
        let cwd = String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return p == "." ? cwd : PathText.join(cwd, p)
    }
}

enum HostName {
    /// The host name up to its first dot (Pacific's default daemon id).
    static func short() -> String {
        var buf = [CChar](repeating: 0, count: 256)
        guard gethostname(&buf, 255) == 0 else { return "localhost" }
        let name = String(decoding: buf.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return String(name.split(separator: ".").first ?? "localhost")
    }
}
