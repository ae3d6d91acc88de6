import Common

/// What the dashboard keeps of a host's last metadata beyond the table row, a few hundred
/// bytes: the exporter's health, and the two things the table needs from the tasks' data (the
/// facts' `hostname` names the host, the daemons' fsid groups it). Every poll skims the body for
/// just these (`MetadataDocument.skim`). The facts, daemon and device summaries are decoded only
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
    /// Health, records and the table's few facts (`HostDetailBuilder.skimPlan`): every poll.
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

    /// What a summary keeps of the tasks' data: the facts' `hostname`, and of each daemon the
    /// two members the fsid is chosen by.
    static let skimPlan = MetadataSkimPlan(objectMembers: [.host: [hostnameKey]], itemMembers: [.daemons: fsidKeys])
    static let hostnameKey = "hostname"
    static let fsidKeys = ["style", "fsid"]

    /// The detail of a decoded document: `.summary` reads what `skimPlan` keeps (a skimmed
    /// document has nothing more), `.full` also summarizes facts, daemons and devices.
    static func build(_ snapshot: MetadataDocument, depth: DetailDepth) -> HostDetail {
        let errors = snapshot.health.errors
        let hostData = snapshot.record(.host).data?.json?.objectValue
        let daemonItems = snapshot.record(.daemons).data?.json?.arrayValue
        let full = depth == .full
        return HostDetail(
            exporterStartedEpochSecs: snapshot.health.startedEpochSecs,
            httpServer: snapshot.health.httpServer,
            healthErrors: errors.suffix(maxHealthErrors).map { RemoteText.clip($0) },
            healthErrorCount: errors.count,
            hasTaskDetail: snapshot.health.taskDetail != nil,
            hostname: hostData.flatMap(hostname),
            fsid: daemonItems.flatMap(fsid),
            isComplete: full,
            facts: full ? hostData.map(facts) : nil,
            daemons: full ? daemonItems.map(daemons) : nil,
            devices: full ? snapshot.record(.disks).data?.json?.arrayValue.map(devices) : nil)
    }

    static func hostname(_ facts: JSONObject) -> String? {
        facts[hostnameKey]?.stringValue.map { RemoteText.clip($0, limit: 120) }
    }

    /// The fsid most cephadm daemons on the host belong to; ties go to the smaller fsid so the
    /// choice does not depend on dictionary order.
    static func fsid(_ items: [JSONValue]) -> String? {
        // Runs of the same fsid (nearly always one run: every daemon of the host) are counted
        // before they go into the dictionary, so a poll hashes one fsid, not one per daemon.
        var counts: [String: Int] = [:]
        var run: (fsid: String, count: Int)?
        for item in items where item["style"]?.stringValue == "cephadm:v1" {
            guard let fsid = item["fsid"]?.stringValue, !fsid.isEmpty else { continue }
            if let r = run, r.fsid == fsid {
                run = (fsid, r.count + 1)
            } else {
                if let r = run { counts[r.fsid, default: 0] += r.count }
                run = (fsid, 1)
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
