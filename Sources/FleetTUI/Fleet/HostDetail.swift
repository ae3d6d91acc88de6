import Common

/// What the dashboard keeps of a host's last metadata beyond the table row, a few hundred
/// bytes: the exporter's health, and the two things the table needs from the tasks' data (the
/// facts' `hostname` names the host, the daemons' fsid groups it). Every poll skims the body for
/// just these (`MetadataDocument.summarize`). The facts, daemon and device summaries are decoded only
/// for the host whose detail view is open (`DetailDepth.full`); the dashboard never keeps
/// whole bodies.
struct HostDetail: Sendable, Equatable {
    let exporterStartedEpochSecs: Double?
    let httpServer: TaskActivity?
    /// The newest health errors (Pacific's list grows without bound), clipped.
    let healthErrors: [String]
    let healthErrorCount: Int
    /// The exporter sent `task_detail` (ours does; Pacific does not).
    let hasTaskDetail: Bool
    /// The facts' `hostname`, clipped.
    let hostname: String?
    /// The fsid most cephadm daemons on the host belong to, clipped.
    let fsid: String?
    /// Whether `facts`, `daemons` and `devices` were decoded (the body was read in full).
    let isComplete: Bool
    var facts: HostFacts? { decoded?.facts }
    var daemons: DaemonSummary? { decoded?.daemons }
    var devices: DeviceSummary? { decoded?.devices }
    /// Out of line: every host has a detail but only the viewed host has these (about 370 bytes
    /// inline), and the dashboard keeps and copies 10,000 hosts' records.
    private let decoded: Decoded?

    init(exporterStartedEpochSecs: Double?, httpServer: TaskActivity?, healthErrors: [String], healthErrorCount: Int,
         hasTaskDetail: Bool, hostname: String?, fsid: String?, isComplete: Bool,
         facts: HostFacts?, daemons: DaemonSummary?, devices: DeviceSummary?) {
        self.exporterStartedEpochSecs = exporterStartedEpochSecs
        self.httpServer = httpServer
        self.healthErrors = healthErrors
        self.healthErrorCount = healthErrorCount
        self.hasTaskDetail = hasTaskDetail
        self.hostname = hostname
        self.fsid = fsid
        self.isComplete = isComplete
        decoded = facts == nil && daemons == nil && devices == nil ? nil : Decoded(facts: facts, daemons: daemons, devices: devices)
    }

    private final class Decoded: Sendable, Equatable {
        let facts: HostFacts?
        let daemons: DaemonSummary?
        let devices: DeviceSummary?

        init(facts: HostFacts?, daemons: DaemonSummary?, devices: DeviceSummary?) {
            self.facts = facts
            self.daemons = daemons
            self.devices = devices
        }

        static func == (a: Decoded, b: Decoded) -> Bool {
            a.facts == b.facts && a.daemons == b.daemons && a.devices == b.devices
        }
    }
}

/// How much of a body a classification decodes.
enum DetailDepth: Sendable, Equatable {
    /// Health, records and the table's few facts (`HostDetailBuilder.summaryPlan`): every poll.
    case summary
    /// Everything the detail view shows: the host whose detail is open.
    case full
}

struct HostFacts: Sendable, Equatable {
    var hostname: String?
    var operatingSystem: String?
    var kernel: String?
    var arch: String?
    var vendor: String?
    var model: String?
    var cpuModel: String?
    var cpuSockets: Int?
    var cpuCores: Int?
    var cpuThreads: Int?
    var memoryTotalKB: Int?
    var memoryAvailableKB: Int?
    var hddCount: Int?
    var hddCapacity: String?
    var flashCount: Int?
    var flashCapacity: String?
    var nicCount: Int?
    /// Physical interfaces only, at most `HostDetailBuilder.maxInterfaces`.
    var interfaces: [NICSummary] = []
    var uptimeSecs: Double?
    var load1: Double?
    var security: String?
}

struct NICSummary: Sendable, Equatable {
    let name: String
    let ipv4: String
    let speedMbps: Int?
    let mtu: Int?
    let operstate: String
}

struct DaemonSummary: Sendable, Equatable {
    let total: Int
    let running: Int
    /// `name (state)` for daemons not running, at most `HostDetailBuilder.maxListed`.
    let notRunning: [String]
    /// Distinct Ceph versions, at most three.
    let versions: [String]
    /// The fsid most cephadm daemons on the host belong to.
    let fsid: String?
}

struct DeviceSummary: Sendable, Equatable {
    let total: Int
    let available: Int
    let totalBytes: Double
}

enum HostDetailBuilder {
    static let maxInterfaces = 8
    static let maxListed = 8
    static let maxHealthErrors = 5

    /// What a summary reads of the tasks' data: the facts' `hostname`, and the fsids of the
    /// cephadm daemons, counted (`MetadataDocument.summarize`).
    static let summaryPlan = MetadataSummaryPlan(
        text: (.host, hostnameKey),
        tally: .init(task: .daemons, filterKey: styleKey, filterValue: cephadmStyle, countKey: fsidKey))
    static let hostnameKey = "hostname"
    static let styleKey = "style"
    static let cephadmStyle = "cephadm:v1"
    static let fsidKey = "fsid"

    /// The detail of a summarized body (every poll).
    static func build(_ summary: MetadataSummary) -> HostDetail {
        build(summary.document, hostname: summary.text.map(clippedHostname), fsid: fsid(runs: summary.tally), full: false)
    }

    /// The detail of a decoded document: `.summary` keeps what `summaryPlan` reads, `.full`
    /// also summarizes facts, daemons and devices.
    static func build(_ snapshot: MetadataDocument, depth: DetailDepth) -> HostDetail {
        let hostData = snapshot.record(.host).data?.json?.objectValue
        let daemonItems = snapshot.record(.daemons).data?.json?.arrayValue
        return build(snapshot, hostname: hostData.flatMap(hostname), fsid: daemonItems.flatMap(fsid), full: depth == .full)
    }

    private static func build(_ snapshot: MetadataDocument, hostname: String?, fsid: String?, full: Bool) -> HostDetail {
        let errors = snapshot.health.errors
        return HostDetail(
            exporterStartedEpochSecs: snapshot.health.startedEpochSecs,
            httpServer: snapshot.health.httpServer,
            healthErrors: errors.suffix(maxHealthErrors).map { RemoteText.clip($0) },
            healthErrorCount: errors.count,
            hasTaskDetail: snapshot.health.taskDetail != nil,
            hostname: hostname,
            fsid: fsid,
            isComplete: full,
            facts: full ? snapshot.record(.host).data?.json?.objectValue.map(facts) : nil,
            daemons: full ? snapshot.record(.daemons).data?.json?.arrayValue.map(daemons) : nil,
            devices: full ? snapshot.record(.disks).data?.json?.arrayValue.map(devices) : nil)
    }

    static func hostname(_ facts: JSONObject) -> String? {
        facts[hostnameKey]?.stringValue.map(clippedHostname)
    }

    private static func clippedHostname(_ text: String) -> String { RemoteText.clip(text, limit: 120) }

    /// The fsid most cephadm daemons on the host belong to; ties go to the smaller fsid so the
    /// choice does not depend on dictionary order.
    static func fsid(_ items: [JSONValue]) -> String? {
        var runs: [MetadataSummary.TallyEntry] = []
        for item in items where item[styleKey]?.stringValue == cephadmStyle {
            guard let fsid = item[fsidKey]?.stringValue, !fsid.isEmpty else { continue }
            runs.append(MetadataSummary.TallyEntry(fsid, count: 1))
        }
        return fsid(runs: runs)
    }

    /// The same from runs of daemons with the same fsid, in document order.
    static func fsid(runs: [MetadataSummary.TallyEntry]) -> String? {
        // Nearly always one run (every daemon of the host): it is the answer, no dictionary.
        if runs.count == 1, let only = runs.first { return RemoteText.clip(only.value, limit: 64) }
        // Runs of equal fsids are merged before they go into the dictionary, so a poll hashes
        // one fsid per change of fsid, not one per daemon.
        var counts: [String: Int] = [:]
        var run: (fsid: String, count: Int)?
        for entry in runs {
            if let r = run, r.fsid == entry.value {
                run = (entry.value, r.count + entry.count)
            } else {
                if let r = run { counts[r.fsid, default: 0] += r.count }
                run = (entry.value, entry.count)
            }
        }
        if let r = run { counts[r.fsid, default: 0] += r.count }
        let top = counts.max { a, b in a.value != b.value ? a.value < b.value : a.key > b.key }?.key
        return top.map { RemoteText.clip($0, limit: 64) }
    }

    static func facts(_ o: JSONObject) -> HostFacts {
        func text(_ key: String) -> String? { o[key]?.stringValue.map { RemoteText.clip($0, limit: 120) } }
        func int(_ key: String) -> Int? { o[key]?.intValue }
        var f = HostFacts()
        f.hostname = hostname(o)
        f.operatingSystem = text("operating_system")
        f.kernel = text("kernel")
        f.arch = text("arch")
        f.vendor = text("vendor")
        f.model = text("model")
        f.cpuModel = text("cpu_model")
        f.cpuSockets = int("cpu_count")
        f.cpuCores = int("cpu_cores")
        f.cpuThreads = int("cpu_threads")
        f.memoryTotalKB = int("memory_total_kb")
        f.memoryAvailableKB = int("memory_available_kb")
        f.hddCount = int("hdd_count")
        f.hddCapacity = text("hdd_capacity")
        f.flashCount = int("flash_count")
        f.flashCapacity = text("flash_capacity")
        f.nicCount = int("nic_count")
        f.uptimeSecs = o["system_uptime"]?.doubleValue
        f.load1 = o["cpu_load"]?["1min"]?.doubleValue
        f.security = o["kernel_security"]?["description"]?.stringValue.map { RemoteText.clip($0, limit: 120) }
        if let ifaces = o["interfaces"]?.objectValue {
            for (name, value) in ifaces.entries where value["iftype"]?.stringValue == "physical" {
                guard f.interfaces.count < maxInterfaces else { break }
                f.interfaces.append(NICSummary(
                    name: RemoteText.clip(name, limit: 32),
                    ipv4: RemoteText.clip(value["ipv4_address"]?.stringValue ?? "", limit: 48),
                    speedMbps: value["speed"]?.intValue.flatMap { $0 > 0 ? $0 : nil },
                    mtu: value["mtu"]?.intValue,
                    operstate: RemoteText.clip(value["operstate"]?.stringValue ?? "", limit: 16)))
            }
        }
        return f
    }

    static func daemons(_ items: [JSONValue]) -> DaemonSummary {
        var running = 0
        var notRunning: [String] = []
        var versions: [String] = []
        for item in items {
            let state = item["state"]?.stringValue ?? "unknown"
            if state == "running" {
                running += 1
            } else if notRunning.count < maxListed {
                let name = item["name"]?.stringValue ?? "?"
                notRunning.append(RemoteText.clip("\(name) (\(state))", limit: 64))
            }
            if let v = item["version"]?.stringValue, !v.isEmpty, !versions.contains(v), versions.count < 3 {
                versions.append(RemoteText.clip(v, limit: 32))
            }
        }
        return DaemonSummary(total: items.count, running: running, notRunning: notRunning,
                             versions: versions, fsid: fsid(items))
    }

    static func devices(_ items: [JSONValue]) -> DeviceSummary {
        var available = 0
        var bytes = 0.0
        for item in items {
            if item["available"]?.boolValue == true { available += 1 }
            bytes += item["sys_api"]?["size"]?.doubleValue ?? 0
        }
        return DeviceSummary(total: items.count, available: available, totalBytes: bytes)
    }
}

/// Text that came from a remote host: control characters could move the cursor or rewrite the
/// operator's terminal, and unbounded strings would defeat the memory budget. Printable Unicode
/// (a CPU model's "®") stays readable; everything else is escaped by the shared sanitiser.
enum RemoteText {
    static func clip(_ text: String, limit: Int = 240) -> String {
        UntrustedText.escape(text, limit: limit, alphabet: .printableUnicode)
    }
}
