import Common

/// One host the exporter is deployed to: the name it is known by (which gives the daemon id),
/// the address ssh connects to, and an optional ssh port. `isLocal` hosts are reached without
/// ssh (the host `fleet bootstrap` runs on).
public struct DeployTarget: Sendable, Equatable {
    public let name: String
    public let address: String
    public let sshPort: Int?
    public let isLocal: Bool

    public init(name: String, address: String, sshPort: Int? = nil, isLocal: Bool = false) {
        self.name = name
        self.address = address
        self.sshPort = sshPort
        self.isLocal = isLocal
    }

    /// `cephadm-exporter.<id>` on that host: the short host name, or the whole address for IPs.
    public var daemonID: String { DaemonIdentity.daemonID(forHostName: name) }
}

/// How `ssh` is invoked for every host.
public struct SSHSettings: Sendable, Equatable {
    /// `ssh -l USER`; nil leaves it to ssh (the current user or ~/.ssh/config).
    public var user: String?
    /// `ssh -i FILE`.
    public var identityFile: String?
    /// Extra `-o NAME=VALUE` options, in order.
    public var options: [String]
    /// ssh's ConnectTimeout, seconds.
    public var connectTimeout: Int

    public init(user: String? = nil, identityFile: String? = nil, options: [String] = [], connectTimeout: Int = 10) {
        self.user = user
        self.identityFile = identityFile
        self.options = options
        self.connectTimeout = connectTimeout
    }
}

/// Where things live on the hosts, passed to `cephadm-exporter deploy` / `rm-daemon` there.
/// nil directories leave the host-side defaults (/var/lib/ceph, /etc/systemd/system, /var/log/ceph).
public struct RemoteLayout: Sendable, Equatable {
    public var binary: String
    public var dataDir: String?
    public var unitDir: String?
    public var logDir: String?
    public var noStart: Bool

    public static let defaultBinary = "cephadm-exporter"

    public init(binary: String = RemoteLayout.defaultBinary, dataDir: String? = nil, unitDir: String? = nil, logDir: String? = nil, noStart: Bool = false) {
        self.binary = binary
        self.dataDir = dataDir
        self.unitDir = unitDir
        self.logDir = logDir
        self.noStart = noStart
    }

    /// The options shared by `deploy` and `rm-daemon` on the host.
    var directoryArguments: [String] {
        var args: [String] = []
        if let dataDir { args += ["--data-dir", dataDir] }
        if let unitDir { args += ["--unit-dir", unitDir] }
        if let logDir { args += ["--log-dir", logDir] }
        return args
    }
}
