import Common

/// The few host facts `/metrics` turns into gauges and one info metric: enough for a fleet
/// overview in Grafana (names, disks, capacity, memory), taken from the host task's data.
struct HostFactsGauges: Sendable, Equatable {
    var hostname = ""
    var kernel = ""
    var operatingSystem = ""
    var arch = ""
    var hddCount: Double?
    var hddCapacityBytes: Double?
    var flashCount: Double?
    var flashCapacityBytes: Double?
    var memoryTotalBytes: Double?
    var memoryAvailableBytes: Double?
    var cpuThreads: Double?

    /// From the host task's serialized data (a gather-facts object); nil when it is not one.
    init?(factsJSON bytes: [UInt8]) {
        guard let value = try? JSONParser.parse(bytes), case .object(let facts) = value else { return nil }
        self.init(facts: facts)
    }

    init(facts o: JSONObject) {
        func text(_ key: String) -> String { o[key]?.stringValue.map { String($0.prefix(Self.maxLabel)) } ?? "" }
        func number(_ key: String) -> Double? { o[key]?.doubleValue.flatMap { $0.isFinite ? $0 : nil } }
        hostname = text("hostname")
        kernel = text("kernel")
        operatingSystem = text("operating_system")
        arch = text("arch")
        hddCount = number("hdd_count")
        hddCapacityBytes = number("hdd_capacity_bytes")
        flashCount = number("flash_count")
        flashCapacityBytes = number("flash_capacity_bytes")
        memoryTotalBytes = number("memory_total_kb").map { $0 * 1024 }
        memoryAvailableBytes = number("memory_available_kb").map { $0 * 1024 }
        cpuThreads = number("cpu_threads")
    }

    /// Label values are bounded: a facts string is the host's, and Prometheus keeps every label.
    static let maxLabel = 128

    func write(into out: inout ExpositionText) {
        out.header(ExporterMetric.hostInfo)
        out.sample(ExporterMetric.hostInfo,
                   [("hostname", hostname), ("kernel", kernel), ("os", operatingSystem), ("arch", arch)], 1)
        let disks: [(String, Double?, Double?)] = [("hdd", hddCount, hddCapacityBytes), ("flash", flashCount, flashCapacityBytes)]
        if disks.contains(where: { $0.1 != nil }) {
            out.header(ExporterMetric.hostDisks)
            for (type, count, _) in disks { if let count { out.sample(ExporterMetric.hostDisks, [("type", type)], count) } }
        }
        if disks.contains(where: { $0.2 != nil }) {
            out.header(ExporterMetric.hostDiskCapacity)
            for (type, _, bytes) in disks { if let bytes { out.sample(ExporterMetric.hostDiskCapacity, [("type", type)], bytes) } }
        }
        if let memoryTotalBytes { out.single(ExporterMetric.hostMemoryTotal, memoryTotalBytes) }
        if let memoryAvailableBytes { out.single(ExporterMetric.hostMemoryAvailable, memoryAvailableBytes) }
        if let cpuThreads { out.single(ExporterMetric.hostCPUThreads, cpuThreads) }
    }
}
