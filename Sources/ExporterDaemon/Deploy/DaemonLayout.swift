import Common
import Glibc

/// Where one exporter daemon's files live on a host, and their modes:
///
///     <data>/<fsid>/                          0700  cluster directory
///     <data>/<fsid>/cephadm-exporter.<id>/    0700  daemon directory
///         crt key token                       0600  TLS certificate, private key, bearer token
///         unit.run                            0700  start script (execs the binary in the foreground)
///         unit.meta                           0600  JSON: service_name, ports
///         unit.created unit.configured        0600  markers (mtime = first deploy / last deploy)
///     <log>/<fsid>/                           0770  the daemon's log file goes here
///     <units>/ceph-<fsid>-cephadm-exporter.<id>.service   0644
///     <units>/ceph-<fsid>.target, ceph.target             0644, installed when missing
struct DaemonLayout: Sendable, Equatable {
    let fsid: String
    let id: String
    let dataDir: String
    let unitDir: String
    let logDir: String

    static let defaultDataDir = "/var/lib/ceph"
    static let defaultUnitDir = "/etc/systemd/system"
    static let defaultLogDir = "/var/log/ceph"

    /// The layout `--data-dir`, `--unit-dir` and `--log-dir` describe (deploy and rm-daemon).
    init(fsid: String, id: String, options parsed: ParsedArguments) {
        self.init(fsid: fsid, id: id,
                  dataDir: parsed.string("--data-dir") ?? DaemonLayout.defaultDataDir,
                  unitDir: parsed.string("--unit-dir") ?? DaemonLayout.defaultUnitDir,
                  logDir: parsed.string("--log-dir") ?? DaemonLayout.defaultLogDir)
    }

    static let clusterDirMode: mode_t = 0o700
    static let daemonDirMode: mode_t = 0o700
    static let secretFileMode: mode_t = 0o600
    static let scriptMode: mode_t = 0o700
    static let markerMode: mode_t = 0o600
    static let logDirMode: mode_t = 0o770
    static let unitFileMode: mode_t = 0o644

    static let secretFiles = ["crt", "key", "token"]

    /// Relative directories are made absolute: they end up in unit files, which need absolute paths.
    init(fsid: String, id: String, dataDir: String, unitDir: String, logDir: String) {
        self.fsid = fsid
        self.id = id
        self.dataDir = Self.absolute(dataDir)
        self.unitDir = Self.absolute(unitDir)
        self.logDir = Self.absolute(logDir)
    }

    var daemonName: String { DaemonIdentity.daemonName(id: id) }
    var clusterDir: String { PathText.join(dataDir, fsid) }
    var daemonDir: String { PathText.join(clusterDir, daemonName) }
    var clusterLogDir: String { PathText.join(logDir, fsid) }
    var unitName: String { DaemonIdentity.unitName(fsid: fsid, id: id) }
    var unitFileName: String { unitName + ".service" }
    var unitFilePath: String { PathText.join(unitDir, unitFileName) }
    var clusterTargetName: String { "ceph-\(fsid).target" }
    var clusterTargetPath: String { PathText.join(unitDir, clusterTargetName) }
    var cephTargetPath: String { PathText.join(unitDir, "ceph.target") }

    func file(_ name: String) -> String { PathText.join(daemonDir, name) }

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
