import Common

/// The part of `/metrics` that changes between two requests: the HTTP server's counters, the
/// process figures, the exporter's clock and the expiry of the certificate it serves now (it
/// changes on a SIGHUP reload). Formatted per request; everything else comes pre-serialized
/// with the cache snapshot.
struct LiveMetrics: Sendable, Equatable {
    var now: Double
    var certificateNotAfter: Double?
    var server: HTTPServerStatistics?
    var process: ProcessStats?

    func write(into out: inout ExpositionText) {
        if let certificateNotAfter { out.single(ExporterMetric.certificateExpiry, certificateNotAfter) }
        out.single(ExporterMetric.time, now)
        if let server {
            out.header(ExporterMetric.httpRequests)
            for code in server.responsesByStatus.keys.sorted() {
                out.sample(ExporterMetric.httpRequests, [("code", String(code))], count: server.responsesByStatus[code] ?? 0)
            }
            out.single(ExporterMetric.httpConnections, Double(server.openConnections))
            out.header(ExporterMetric.httpConnectionsRejected)
            out.sample(ExporterMetric.httpConnectionsRejected, count: server.refusedConnections)
            out.header(ExporterMetric.httpConnectionsEvicted)
            out.sample(ExporterMetric.httpConnectionsEvicted, count: server.evictedConnections)
        }
        if let process {
            out.single(ExporterMetric.processCPU, process.cpuSeconds)
            out.single(ExporterMetric.processResidentMemory, process.residentBytes)
            out.single(ExporterMetric.processVirtualMemory, process.virtualBytes)
            if let fds = process.openFDs { out.single(ExporterMetric.processOpenFDs, fds) }
            if let max = process.maxFDs { out.single(ExporterMetric.processMaxFDs, max) }
            out.single(ExporterMetric.processStartTime, process.startTimeSeconds)
        }
    }

    /// The whole `/metrics` body: the snapshot's part, then this request's.
    func body(after snapshotPart: [UInt8]) -> [UInt8] {
        var out = ExpositionText(capacity: snapshotPart.count + 2048)
        out.append(raw: snapshotPart)
        write(into: &out)
        return out.bytes
    }
}
