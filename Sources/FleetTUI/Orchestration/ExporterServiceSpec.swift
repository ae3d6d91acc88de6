import Common

/// The applied exporter service, stored under `mgr/cephadm/spec.cephadm-exporter`: which hosts
/// run it and how they were reached, so `fleet rm` (and a later `fleet apply`) can find every
/// daemon again. Its presence also freezes the exporter config (the guard). It lives with the
/// orchestration that writes it: the store below knows keys and strings, not deploy targets.
public struct ExporterServiceSpec: Sendable, Equatable {
    public var fsid: String
    public var hosts: [DeployTarget]
    public var ssh: SSHSettings
    public var remote: RemoteLayout
    /// Names of the hosts where a deploy has succeeded at least once. A host dropped from the
    /// list that never got the exporter is forgotten without trying to remove it.
    public var deployedHosts: [String]

    public init(fsid: String, hosts: [DeployTarget], ssh: SSHSettings, remote: RemoteLayout, deployedHosts: [String] = []) {
        self.fsid = fsid
        self.hosts = hosts
        self.ssh = ssh
        self.remote = remote
        self.deployedHosts = deployedHosts
    }

    public var json: JSONValue {
        func optional(_ s: String?) -> JSONValue { s.map { .string($0) } ?? .null }
        let hostObjects: [JSONValue] = hosts.map { h in
            .object(JSONObject([
                ("hostname", .string(h.name)),
                ("addr", .string(h.address)),
                ("ssh_port", h.sshPort.map { .int($0) } ?? .null),
                ("local", .bool(h.isLocal)),
            ]))
        }
        return .object(JSONObject([
            ("service_type", "cephadm-exporter"),
            ("service_name", "cephadm-exporter"),
            ("placement", .object(JSONObject([("hosts", .array(hosts.map { .string($0.name) }))]))),
            ("fsid", .string(fsid)),
            ("hosts", .array(hostObjects)),
            ("ssh", .object(JSONObject([
                ("user", optional(ssh.user)),
                ("identity", optional(ssh.identityFile)),
                ("options", .array(ssh.options.map { .string($0) })),
                ("connect_timeout", .int(ssh.connectTimeout)),
            ]))),
            ("remote", .object(JSONObject([
                ("binary", .string(remote.binary)),
                ("data_dir", optional(remote.dataDir)),
                ("unit_dir", optional(remote.unitDir)),
                ("log_dir", optional(remote.logDir)),
                ("no_start", .bool(remote.noStart)),
            ]))),
            ("deployed_hosts", .array(deployedHosts.map { .string($0) })),
        ]))
    }

    /// Reads a stored spec; the reason names the first field that is wrong.
    public static func decode(_ text: String) throws(FleetStoreError) -> ExporterServiceSpec {
        func bad(_ reason: String) -> FleetStoreError { .invalidValue(key: StoreKey.exporterSpec, reason: reason) }
        let document: JSONValue
        do { document = try JSONParser.parse(text) } catch { throw bad("\(error)") }
        guard let fsid = document["fsid"]?.stringValue else { throw bad("no \"fsid\" string") }
        guard let hostValues = document["hosts"]?.arrayValue else { throw bad("no \"hosts\" array") }
        var hosts: [DeployTarget] = []
        for (i, h) in hostValues.enumerated() {
            guard let name = h["hostname"]?.stringValue, let addr = h["addr"]?.stringValue else {
                throw bad("hosts[\(i)] lacks \"hostname\" or \"addr\"")
            }
            hosts.append(DeployTarget(name: name, address: addr, sshPort: h["ssh_port"]?.intValue,
                                      isLocal: h["local"]?.boolValue ?? false))
        }
        let s = document["ssh"]
        let ssh = SSHSettings(
            user: s?["user"]?.stringValue,
            identityFile: s?["identity"]?.stringValue,
            options: (s?["options"]?.arrayValue ?? []).compactMap(\.stringValue),
            connectTimeout: s?["connect_timeout"]?.intValue ?? 10)
        let r = document["remote"]
        let remote = RemoteLayout(
            binary: r?["binary"]?.stringValue ?? RemoteLayout.defaultBinary,
            dataDir: r?["data_dir"]?.stringValue,
            unitDir: r?["unit_dir"]?.stringValue,
            logDir: r?["log_dir"]?.stringValue,
            noStart: r?["no_start"]?.boolValue ?? false)
        let deployed = (document["deployed_hosts"]?.arrayValue ?? []).compactMap(\.stringValue)
        return ExporterServiceSpec(fsid: fsid, hosts: hosts, ssh: ssh, remote: remote, deployedHosts: deployed)
    }
}

/// Reading and writing the applied service in the store.
extension FleetStore {
    public func exporterSpec() throws(FleetStoreError) -> ExporterServiceSpec? {
        try Self.exporterSpec(in: entries())
    }

    static func exporterSpec(in entries: StoreEntries) throws(FleetStoreError) -> ExporterServiceSpec? {
        guard let text = entries[StoreKey.exporterSpec] else { return nil }
        return try ExporterServiceSpec.decode(text)
    }
}

extension StoreEntries {
    public mutating func setExporterSpec(_ spec: ExporterServiceSpec?) {
        self[StoreKey.exporterSpec] = spec.map { JSONWriter.compactString($0.json) }
    }
}
