/// Parsers for the /proc files gather-facts reads. Pure: text in, values out.
enum ProcFiles {
    struct CPUSummary: Equatable {
        var model = "Unknown"
        /// Distinct `physical id` values, i.e. sockets.
        var sockets = 0
        /// Cores per socket (`cpu cores` of the last processor listed).
        var coresPerSocket = 0
        /// Threads per socket (`siblings` of the last processor listed).
        var threadsPerSocket = 0
    }

    /// `/proc/cpuinfo`. Values may contain colons (`model name : Foo: Bar`), so each line is
    /// split at its first colon only.
    static func cpuSummary(_ text: String) -> CPUSummary {
        var summary = CPUSummary()
        var sockets = Set<String>()
        for line in text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingWhitespace()
            let value = line[line.index(after: colon)...].trimmingWhitespace()
            switch key {
            case "model name": summary.model = value
            case "physical id": sockets.insert(value)
            case "siblings": summary.threadsPerSocket = Int(value) ?? summary.threadsPerSocket
            case "cpu cores": summary.coresPerSocket = Int(value) ?? summary.coresPerSocket
            default: break
            }
        }
        summary.sockets = sockets.count
        return summary
    }

    /// `/proc/meminfo` as `name -> number` (the kB unit dropped).
    static func memInfo(_ text: String) -> [String: Int] {
        var values: [String: Int] = [:]
        for line in text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let fields = line[line.index(after: colon)...].split(separator: " ")
            if let first = fields.first, let number = Int(first) {
                values[String(line[..<colon])] = number
            }
        }
        return values
    }

    /// `/proc/loadavg`: the 1, 5 and 15 minute averages.
    static func loadAverages(_ text: String) -> (one: Double, five: Double, fifteen: Double)? {
        let fields = text.split(separator: " ")
        guard fields.count >= 3, let one = Double(fields[0]), let five = Double(fields[1]),
              let fifteen = Double(fields[2]) else { return nil }
        return (one, five, fifteen)
    }

    /// `/proc/uptime`: seconds since boot.
    static func uptime(_ text: String) -> Double? {
        text.split(separator: " ").first.flatMap { Double($0.trimmingWhitespace()) }
    }
}
