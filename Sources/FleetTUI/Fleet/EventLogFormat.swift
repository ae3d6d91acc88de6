import Common

/// The JSON line of one event: `time` (local, ISO 8601 with offset), `host`, `address`,
/// `from`, `to`, `cause`, and `kind` (status, task or skew).
enum EventLogFormat {
    static func line(_ e: FleetEvent, host: String, address: String, local: LocalTime) -> String {
        JSONWriter.compactString(.object(JSONObject([
            ("time", .string(local.iso8601(e.time))),
            ("host", .string(host)),
            ("address", .string(address)),
            ("from", .string(e.from.label)),
            ("to", .string(e.to.label)),
            ("cause", .string(e.cause)),
            ("kind", .string(e.kind.rawValue)),
        ])))
    }
}
