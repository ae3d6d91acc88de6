import Common
import Glibc

/// What the dashboard and the check share: the host list, the exporter's crt/token/port, the
/// poll settings and thresholds, all validated before any connection is made.
struct FleetInputs {
    let hosts: [HostEntry]
    let hostsSource: String
    let credentials: FleetCredentials
    /// The KV store the credentials came from (per-host mode re-reads it after a rotation);
    /// nil with `--config FILE`.
    let credentialStore: String?
    let port: Int
    let intervalSecs: Double
    let timeoutSecs: Double
    let maxInFlight: Int
    let thresholds: Thresholds
    let title: String
    let warnings: [String]

    static let options: [OptionSpec] = [
        .value("--hosts", name: "FILE", help: "host list: one host[:port] per line, or 'ceph orch host ls --format json' output (required)"),
        .value("--config", name: "FILE", help: "exporter config.json (crt, token, port); shared mode only", defaultHelp: "the KV store's config: shared or per-host"),
        .value("--state-dir", name: "DIR", help: "KV store directory", defaultHelp: "/etc/ceph/fleet as root, else $XDG_CONFIG_HOME/cephadm-fleet"),
        .value("--port", name: "PORT", help: "port for hosts listed without one", defaultHelp: "the config's port, 9443", range: 1...65535),
        .value("--interval", name: "SECS", help: "poll every host this often", default: "5", range: 0.1...3600),
        .value("--timeout", name: "SECS", help: "deadline of one request (connect, TLS and response)", default: "2", range: 0.05...600),
        .value("--stale-after", name: "SECS|Nx", help: "data older than this is stale: seconds (0.1-10000000), or a multiple of the task's interval (0.1x-1000x)", default: "3x"),
        .value("--warn-age", name: "SECS", help: "data older than this is a warning", range: 0...1e7),
        .value("--crit-age", name: "SECS", help: "data older than this is critical", range: 0...1e7),
        .value("--cert-warn-days", name: "DAYS", help: "a host certificate expiring within this many days is a warning", default: "30", range: 0...3650),
        .value("--max-in-flight", name: "N", help: "requests in flight at once", default: "512", range: 1...100_000),
        .value("--title", name: "NAME", help: "name shown in the header, beside the fsid the hosts report", default: "fleet"),
    ] + PrometheusInputs.options

    /// Which way the fleet is read: every host polled directly (`--hosts`), or a Prometheus
    /// server's view of them (`--prometheus`).
    enum Source {
        case hosts(FleetInputs)
        case prometheus(PrometheusInputs)
    }

    /// Parses a dashboard/check command line: nil after printing `--help`; otherwise the
    /// inputs, with the host-list warnings already printed and SIGPIPE ignored.
    static func commandLine(_ args: [String], options: [OptionSpec], help: String) -> Result<(ParsedArguments, Source)?, UsageError> {
        do {
            guard let p = try ParsedArguments.unlessHelp(args, options: options, print: { Console.out($0, newline: false) }, help: help)
            else { return .success(nil) }
            let source: Source
            if p.given("--prometheus") {
                source = .prometheus(try PrometheusInputs.load(p))
            } else {
                let inputs = try load(p)
                for w in inputs.warnings { Console.err("warning: \(w)") }
                source = .hosts(inputs)
            }
            signal(SIGPIPE, SIG_IGN)
            return .success((p, source))
        } catch {
            return .failure(error)
        }
    }

    /// The thresholds of `--stale-after`, `--warn-age` and `--crit-age`, checked together.
    static func thresholds(_ p: ParsedArguments) throws(UsageError) -> Thresholds {
        var thresholds = Thresholds(warnAgeSecs: try p.double("--warn-age"), critAgeSecs: try p.double("--crit-age"))
        thresholds.certificateWarnSecs = try p.doubleValue("--cert-warn-days") * 86_400
        switch try StaleAfter.parse(try p.stringValue("--stale-after")) {
        case .factor(let f): thresholds.staleAfterFactor = f
        case .seconds(let s): thresholds.staleAfterSecs = s
        }
        if let w = thresholds.warnAgeSecs, let c = thresholds.critAgeSecs, w > c {
            throw UsageError("--warn-age (\(w)) must not exceed --crit-age (\(c))")
        }
        return thresholds
    }

    /// Reads and checks everything; every problem is a line of the error.
    static func load(_ p: ParsedArguments) throws(UsageError) -> FleetInputs {
        guard let hostsPath = p.string("--hosts") else {
            throw UsageError("--hosts FILE is required (one host[:port] per line), or --prometheus URL to read the fleet from Prometheus")
        }
        let hostsText: String
        do { hostsText = try FileReader.readText(hostsPath) } catch { throw UsageError("--hosts: cannot read \(error)") }
        let interval = try p.doubleValue("--interval")
        let timeout = try p.doubleValue("--timeout")
        let config = try ClientConfig.load(path: p.string("--config"), stateDir: p.string("--state-dir"))
        let stateDir = p.string("--config") == nil ? (p.string("--state-dir") ?? FleetStore.defaultStateDir()) : nil
        let port = try p.int("--port") ?? config.port
        let inventory = InventoryParser.parse(hostsText, defaultPort: port)
        let warnings = inventory.problems.map { inventory.describe($0, source: hostsPath) }
        guard !inventory.hosts.isEmpty else {
            throw UsageError(([("--hosts: \(hostsPath) lists no usable host")] + warnings).joined(separator: "\n"))
        }
        let thresholds = try thresholds(p)
        // Hosts listed with a port are shown with it, so exporters sharing an address (a
        // simulated fleet, several per host) stay distinguishable.
        let hosts = inventory.hosts.map { h in
            inventory.format == .hostList && h.port != nil
                ? HostEntry(displayName: h.endpoint(defaultPort: nil), address: h.address, port: h.port, line: h.line) : h
        }
        return FleetInputs(
            hosts: hosts, hostsSource: hostsPath, credentials: config.credentials, credentialStore: stateDir,
            port: port, intervalSecs: interval, timeoutSecs: timeout,
            maxInFlight: try p.intValue("--max-in-flight"), thresholds: thresholds,
            title: try p.stringValue("--title"), warnings: warnings)
    }

    func targets(now: Double) throws(TLSError) -> [PollTarget] {
        let credentials = try credentials.targets(for: hosts, now: now)
        return hosts.enumerated().map { i, h in
            PollTarget(index: i, name: h.displayName, address: h.address, port: h.port ?? port, credentials: credentials[i])
        }
    }
}

/// The client's view of the exporter config: shared mode's certificate to trust and token
/// (checked by the same rules as `fleet config set`; the key is not needed to poll, so a
/// config without it is fine here), or per-host mode's authority from the KV store; and the
/// default port.
struct ClientConfig {
    let credentials: FleetCredentials
    let port: Int

    init(certificatePEM: String, token: String, port: Int) {
        credentials = .shared(certificatePEM: certificatePEM, token: token)
        self.port = port
    }

    init(perHost: PerHostClient) {
        credentials = .perHost(perHost)
        port = perHost.authority.port
    }

    static func load(path: String?, stateDir: String?) throws(UsageError) -> ClientConfig {
        if let path {
            let text: String
            do { text = try FileReader.readText(path, limit: ExporterConfigInput.sizeLimit) } catch {
                throw UsageError("--config: cannot read \(error)")
            }
            return try parse(text, source: path)
        }
        // No --config: the KV store's config (what `fleet config generate/set` stored).
        let dir = stateDir ?? FleetStore.defaultStateDir()
        let stored: ExporterConfig?
        do {
            let entries = try FleetStore.open(stateDir: dir).entries()
            if let authority = try FleetStore.fleetAuthority(in: entries) {
                guard let fsid = entries[StoreKey.clusterFSID] else {
                    throw UsageError("per-host mode: the store in \(dir) has no cluster fsid yet, so no host has credentials; `fleet apply` (or `fleet config issue`) issues them")
                }
                return ClientConfig(perHost: PerHostClient(authority: authority, fsid: fsid, issued: try FleetStore.issuedHosts(in: entries)))
            }
            stored = try FleetStore.exporterConfig(in: entries)
        } catch let e as UsageError {
            throw e
        } catch {
            throw UsageError("cannot read the exporter config from the KV store in \(dir): \(error)")
        }
        guard let stored else {
            throw UsageError("no exporter config: give --config FILE, or store one with 'fleet config generate' (state dir \(dir))")
        }
        return ClientConfig(certificatePEM: stored.crt, token: stored.token, port: stored.port)
    }

    static func parse(_ text: String, source: String) throws(UsageError) -> ClientConfig {
        let doc: JSONValue
        do { doc = try JSONParser.parse(ExporterConfig.withoutByteOrderMark(text)) } catch { throw UsageError("\(source): not valid JSON: \(error)") }
        if doc["mode"]?.stringValue == "per-host" {
            throw UsageError("\(source): per-host mode: tokens are derived from the master secret, which stays in the KV store; poll with --state-dir DIR instead of --config")
        }
        var problems: [String] = []
        let crt = doc["crt"]?.stringValue
        if crt == nil { problems.append("\(source): crt: missing (the exporter's PEM certificate)") }
        let token = doc["token"]?.stringValue
        if token == nil { problems.append("\(source): token: missing (the bearer token the exporters expect)") }
        // The rules of `fleet config set`, less the key (a client has no use for it).
        problems += ExporterConfig.checkSecrets(crt: crt, key: nil, token: token).map { "\(source): \($0)" }
        var port = ExporterConfig.defaultPort
        if let p = doc["port"] {
            if let n = p.intValue ?? p.stringValue.flatMap({ Int($0) }), (1...65535).contains(n) {
                port = n
            } else {
                problems.append("\(source): port: not a port number")
            }
        }
        guard problems.isEmpty, let crt, let token else { throw UsageError(problems.joined(separator: "\n")) }
        return ClientConfig(certificatePEM: crt, token: token, port: port)
    }
}

/// `--stale-after`: seconds, or a multiple of each task's interval (`3x`). Decimal only and
/// finite: `inf`, `nan` and hexadecimal are refused.
enum StaleAfter: Equatable {
    case seconds(Double)
    case factor(Double)

    static let secondsRange: ClosedRange<Double> = 0.1...1e7
    static let factorRange: ClosedRange<Double> = 0.1...1000

    static func parse(_ text: String) throws(UsageError) -> StaleAfter {
        if text.hasSuffix("x"), let f = DecimalText.parseDouble(text.dropLast()) {
            guard factorRange.contains(f) else { throw UsageError("--stale-after: \(text) is out of range 0.1x-1000x") }
            return .factor(f)
        }
        if let secs = DecimalText.parseDouble(text) {
            guard secondsRange.contains(secs) else { throw UsageError("--stale-after: \(text) is out of range 0.1-10000000 seconds") }
            return .seconds(secs)
        }
        throw UsageError("--stale-after: '\(text)' is neither seconds (60) nor a multiple of the interval (3x)")
    }
}
