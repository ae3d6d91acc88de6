/// Writes the Prometheus text exposition format, version 0.0.4 (what Prometheus scrapes and
/// node_exporter's textfile collector reads): `# HELP` and `# TYPE` once per family, then its
/// samples, each `name{label="value",...} value\n`. Label values and help texts are escaped as
/// the format requires, so text that came from a host (a kernel version, a host name) cannot
/// break a line or forge a sample.
public struct ExpositionText {
    /// The `Content-Type` of a `/metrics` response in this format.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    public private(set) var bytes: [UInt8]

    public init(capacity: Int = 1024) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// `# HELP` and `# TYPE` of a family: write it once, before its samples.
    public mutating func header(_ family: MetricFamily) { bytes.append(contentsOf: family.headerBytes) }

    /// One sample; `labels` in the order given (names must be valid label names: ours are constants).
    public mutating func sample(_ family: MetricFamily, _ labels: [(String, String)] = [], _ value: Double) {
        sampleStart(family.name, labels)
        append(Self.format(value))
        bytes.append(0x0A)
    }

    /// A counter's exact integer value (no detour through a Double).
    public mutating func sample(_ family: MetricFamily, _ labels: [(String, String)] = [], count: UInt64) {
        sampleStart(family.name, labels)
        append(String(count))
        bytes.append(0x0A)
    }

    /// A family's header and one unlabelled sample.
    public mutating func single(_ family: MetricFamily, _ value: Double) {
        header(family)
        sample(family, [], value)
    }

    /// Bytes already in this format (a part serialized earlier).
    public mutating func append(raw: some Sequence<UInt8>) { bytes.append(contentsOf: raw) }

    /// A sample value: integers without a fraction, others in Swift's shortest round-trip form
    /// (`1795570860.557`, `1e-05`), and the format's own spellings of the non-finite values.
    public static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    private mutating func sampleStart(_ name: String, _ labels: [(String, String)]) {
        append(name)
        guard !labels.isEmpty else {
            bytes.append(0x20)
            return
        }
        bytes.append(UInt8(ascii: "{"))
        for (i, (label, value)) in labels.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            append(label)
            append("=\"")
            Self.escapeLabelValue(value, into: &bytes)
            bytes.append(UInt8(ascii: "\""))
        }
        append("} ")
    }

    /// A label value between its quotes: `\\`, `\"` and `\n` escaped. PromQL string literals
    /// take the same escapes, so a query naming a label value uses this too.
    public static func escapedLabelValue(_ value: String) -> String {
        var out: [UInt8] = []
        escapeLabelValue(value, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private static func escapeLabelValue(_ value: String, into out: inout [UInt8]) {
        for b in value.utf8 {
            switch b {
            case UInt8(ascii: "\\"): out.append(contentsOf: "\\\\".utf8)
            case UInt8(ascii: "\""): out.append(contentsOf: "\\\"".utf8)
            case UInt8(ascii: "\n"): out.append(contentsOf: "\\n".utf8)
            // The format has no escape for other control bytes, and a parser may refuse them.
            case 0x00..<0x20, 0x7F: out.append(0x20)
            default: out.append(b)
            }
        }
    }

    private mutating func append(_ s: String) { bytes.append(contentsOf: s.utf8) }
}
