import Common

/// The fleet's decoder of an exporter's /v1/metadata body (kept a thin call: the wire model's
/// shape may change, the entry point stays bytes in, snapshot or error out).
enum MetadataDecoderFuzz {
    static let target = FuzzTarget(name: "metadata-decoder", run: run, brokenInput: Array(#"{"health": 5}"#.utf8))

    @Sendable static func run(_ data: [UInt8]) -> FuzzOutcome {
        do {
            let snapshot = try MetadataDocument.decode(data)
            return .value("health with \(snapshot.health.errors.count) errors")
        } catch {
            return .rejected(error.description)
        }
    }
}
