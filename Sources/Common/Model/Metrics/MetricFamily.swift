/// One metric family of the Prometheus text exposition format: its name, type, help text and
/// label names, spelled once. The exporter writes samples of these families; the fleet queries
/// them by name (`fleet --prometheus`); the README's metric table lists them.
public struct MetricFamily: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case counter
        case gauge
    }

    public let name: String
    public let kind: Kind
    public let help: String
    /// Label names every sample of the family carries (the README and the tests read them).
    public let labels: [String]
    /// Its `# HELP` and `# TYPE` lines, escaped once here (they precede its samples in every scrape).
    let headerBytes: [UInt8]

    public init(_ name: String, _ kind: Kind, labels: [String] = [], help: String) {
        self.name = name
        self.kind = kind
        self.help = help
        self.labels = labels
        var bytes = Array("# HELP \(name) ".utf8)
        for b in help.utf8 {
            switch b {
            case UInt8(ascii: "\\"): bytes += "\\\\".utf8
            case UInt8(ascii: "\n"): bytes += "\\n".utf8
            default: bytes.append(b)
            }
        }
        bytes += "\n# TYPE \(name) \(kind.rawValue)\n".utf8
        headerBytes = bytes
    }

    public static func == (a: MetricFamily, b: MetricFamily) -> Bool {
        a.name == b.name && a.kind == b.kind && a.help == b.help && a.labels == b.labels
    }
}
