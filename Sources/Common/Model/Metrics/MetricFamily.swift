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

    public init(_ name: String, _ kind: Kind, labels: [String] = [], help: String) {
        self.name = name
        self.kind = kind
        self.help = help
        self.labels = labels
    }
}
