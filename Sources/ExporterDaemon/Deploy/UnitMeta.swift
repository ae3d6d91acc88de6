import Common

/// `unit.meta`: what the daemon list reports about this daemon, and the port a redeploy keeps
/// when it is not given a new one (Pacific fell back to 9443 instead: Q4).
struct UnitMeta: Sendable, Equatable {
    var ports: [Int]

    static let serviceName = "cephadm-exporter"

    var json: JSONValue {
        .object(JSONObject([
            ("service_name", .string(Self.serviceName)),
            ("ports", .array(ports.map { .int($0) })),
        ]))
    }

    var text: String { JSONWriter.pretty(json) + "\n" }

    /// The recorded port, if the file is there and sane.
    static func port(inFileText text: String) -> Int? {
        guard let document = try? JSONParser.parse(text),
              let first = document["ports"]?.arrayValue?.first?.intValue,
              ExporterConfig.portRange.contains(first)
        else { return nil }
        return first
    }
}
