import Common

/// `uname` values the host facts need when /proc does not give them.
struct UnameInfo: Sendable, Equatable {
    var nodename: String
    var release: String
    var machine: String
}

/// What the host facts take from outside the file tree, injectable so tests are deterministic.
struct HostFactsEnvironment: Sendable {
    /// Wall-clock time, seconds since the epoch (`timestamp`).
    var now: @Sendable () -> Double
    var uname: @Sendable () -> UnameInfo
    /// IPv4 address and netmask of an interface, nil when it has none.
    var ipv4Address: @Sendable (String) -> IPv4Assignment?
    /// The resolver's fully qualified name for a host name (`fqdn`); by default the name itself.
    var fqdn: @Sendable (String) -> String = { $0 }

    static let live = HostFactsEnvironment(
        now: { Clock.wallSeconds() },
        uname: { liveUname() },
        ipv4Address: { liveIPv4Assignment($0) },
        fqdn: { HostNames.liveFQDN($0) })
}

enum HostFactsError: Error, Equatable, CustomStringConvertible {
    case procUnreadable(path: String, root: String, reason: String)

    var description: String {
        switch self {
        case .procUnreadable(let path, let root, let reason):
            let under = root == "/" ? "" : " under root \(root)"
            return "cannot read \(path)\(under): \(reason); host facts need a mounted /proc"
        }
    }
}

/// The `host` task: the gather-facts object (spec 5.1), read natively from /proc, /sys and
/// /etc under an injectable root. Keys are sorted at every level, as Pacific prints them.
struct HostFactsTask: GatherTask {
    let spec = TaskSpec.host
    let root: SystemRoot
    let environment: HostFactsEnvironment

    init(root: SystemRoot = SystemRoot(), environment: HostFactsEnvironment = .live) {
        self.root = root
        self.environment = environment
    }

    func scrape(_ context: ScrapeContext) throws -> ScrapeOutput {
        let (facts, problems) = try gather()
        return ScrapeOutput(data: .object(facts), errors: problems)
    }

    /// The facts object and the non-fatal problems met while reading it.
    func gather() throws(HostFactsError) -> (facts: JSONObject, problems: [String]) {
        let files = FileTree(root)
        var problems: [String] = []
        guard let meminfoText = files.readText("/proc/meminfo") else {
            throw .procUnreadable(path: "/proc/meminfo", root: root.root, reason: FileTree.lastErrorText())
        }
        let uname = environment.uname()
        let memory = ProcFiles.memInfo(meminfoText)
        let cpu = ProcFiles.cpuSummary(files.readText("/proc/cpuinfo") ?? "")

        var load = (one: 0.0, five: 0.0, fifteen: 0.0)
        if let parsed = files.readText("/proc/loadavg").flatMap(ProcFiles.loadAverages) {
            load = parsed
        } else {
            problems.append("/proc/loadavg: cannot read the load averages; cpu_load shows zeros")
        }

        let enclosures = Enclosures.read(from: files)
        let (disks, diskProblems) = HostBlockDevices.read(from: files, enclosures: enclosures)
        problems += diskProblems
        let flash = disks.filter { !$0.rotational }
        let hdd = disks.filter(\.rotational)

        let interfaces = NetworkInterfaces.read(from: files, ipv4: environment.ipv4Address)
        let security = KernelSecurity.read(from: files)
        let operatingSystem = OSRelease.operatingSystem(OSRelease.parse(files.readText("/etc/os-release") ?? ""))

        var kernelParameters = JSONObject()
        if let nonlocalBind = files.readTrimmed("/proc/sys/net/ipv4/ip_nonlocal_bind") {
            kernelParameters["net.ipv4.ip_nonlocal_bind"] = .string(nonlocalBind)
        }

        func dmi(_ field: String) -> String { files.readTrimmed("/sys/class/dmi/id/\(field)") ?? "Unknown" }
        let family = dmi("product_family")
        let product = dmi("product_name")
        let model = family == "Unknown" && !product.isEmpty ? product : "\(family) (\(product))"

        let hostname = files.readTrimmed("/proc/sys/kernel/hostname") ?? uname.nodename

        var facts = JSONObject()
        facts["arch"] = .string(uname.machine)
        facts["board_serial"] = .string(dmi("board_serial"))
        facts["chassis_serial"] = .string(dmi("chassis_serial"))
        facts["enclosure_count"] = .int(enclosures.count)
        facts["enclosures"] = .object(JSONObject(enclosures.map { ($0.id, $0.json) }))
        facts["fqdn"] = .string(environment.fqdn(hostname))
        facts["product_serial"] = .string(dmi("product_serial"))
        facts["shortname"] = .string(HostNames.shortName(hostname))
        for (fact, ports) in ListeningPorts.read(from: files) {
            facts[fact] = .array(ports.map { .int($0) })
        }
        facts["bios_date"] = .string(dmi("bios_date"))
        facts["bios_version"] = .string(dmi("bios_version"))
        facts["cpu_cores"] = .int(cpu.coresPerSocket)
        facts["cpu_count"] = .int(cpu.sockets)
        facts["cpu_load"] = ["15min": .double(load.fifteen), "1min": .double(load.one), "5min": .double(load.five)]
        facts["cpu_model"] = .string(cpu.model)
        facts["cpu_threads"] = .int(cpu.threadsPerSocket)
        Self.addDiskGroup("flash", flash, to: &facts)
        Self.addDiskGroup("hdd", hdd, to: &facts)
        facts["hostname"] = .string(hostname)
        facts["interfaces"] = .object(JSONObject(interfaces.map { ($0.name, $0.json) }))
        facts["kernel"] = .string(files.readTrimmed("/proc/sys/kernel/osrelease") ?? uname.release)
        facts["kernel_parameters"] = .object(kernelParameters)
        facts["kernel_security"] = security.json
        facts["memory_available_kb"] = .int(memory["MemAvailable"] ?? 0)
        facts["memory_free_kb"] = .int(memory["MemFree"] ?? 0)
        facts["memory_total_kb"] = .int(memory["MemTotal"] ?? 0)
        facts["model"] = .string(model)
        facts["nic_count"] = .int(interfaces.filter(\.isPhysical).count)
        facts["operating_system"] = .string(operatingSystem)
        facts["selinux_enabled"] = .bool(security.selinuxEnabled)
        facts["subscribed"] = .string(Self.subscription(operatingSystem: operatingSystem, files: files))
        facts["system_uptime"] = .double(files.readText("/proc/uptime").flatMap(ProcFiles.uptime) ?? 0)
        facts["timestamp"] = .double(environment.now())
        facts["vendor"] = .string(dmi("sys_vendor"))

        return (facts.sortedKeysRecursively(), problems)
    }

    private static func addDiskGroup(_ prefix: String, _ disks: [HostDisk], to facts: inout JSONObject) {
        let total = disks.reduce(0) { $0 + $1.sizeBytes }
        facts["\(prefix)_capacity"] = .string(ByteFormatting.decimal(total))
        facts["\(prefix)_capacity_bytes"] = .int(total)
        facts["\(prefix)_count"] = .int(disks.count)
        facts["\(prefix)_list"] = .array(disks.map(\.json))
    }

    /// Red Hat hosts count as subscribed with at least two entitlement certificates.
    private static func subscription(operatingSystem: String, files: FileTree) -> String {
        guard operatingSystem.uppercased().hasPrefix("RED HAT") else { return "Unknown" }
        let pems = (files.list("/etc/pki/entitlement") ?? []).filter { $0.hasSuffix(".pem") }
        return pems.count >= 2 ? "Yes" : "No"
    }
}
