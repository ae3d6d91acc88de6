import Common

/// `--prometheus URL` and its options: the dashboard and the check read the fleet from a
/// Prometheus server's query API instead of polling every host. The exporters' certificate and
/// token are Prometheus' business then (its scrape job), so `--hosts` and `--config` are not used.
struct PrometheusInputs {
    let settings: PrometheusSettings
    let intervalSecs: Double
    let thresholds: Thresholds
    let title: String

    static let options: [OptionSpec] = [
        .value("--prometheus", name: "URL", help: "read the fleet from this Prometheus server (http:// or https://, with a path prefix if it has one) instead of polling every host"),
        .value("--prometheus-job", name: "NAME", help: "the scrape job of the exporters: its targets are the hosts", default: "cephadm-exporter"),
        .value("--prometheus-ca", name: "FILE", help: "PEM CA bundle to verify an https Prometheus server with (its name is checked too)", defaultHelp: "the system's CAs"),
        .value("--prometheus-token-file", name: "FILE", help: "send the token in FILE as 'Authorization: Bearer' to Prometheus (a proxy in front of it)"),
    ]

    /// Prometheus answers for the whole fleet at once: a larger fleet needs more than a poll's
    /// 2 s, so an unset --timeout is this.
    static let defaultTimeoutSecs = 30.0

    static func load(_ p: ParsedArguments) throws(UsageError) -> PrometheusInputs {
        for option in ["--hosts", "--config", "--port"] where p.given(option) {
            throw UsageError("\(option) and --prometheus exclude each other: with --prometheus the hosts are the targets of the job in Prometheus")
        }
        var settings = PrometheusSettings(endpoint: try PrometheusEndpoint.parse(try p.stringValue("--prometheus")))
        settings.job = try p.stringValue("--prometheus-job")
        guard !settings.job.isEmpty else { throw UsageError("--prometheus-job: the job name is empty") }
        settings.timeoutSecs = p.given("--timeout") ? try p.doubleValue("--timeout") : defaultTimeoutSecs
        if let path = p.string("--prometheus-ca") {
            guard settings.endpoint.useTLS else { throw UsageError("--prometheus-ca is for an https:// URL") }
            do { settings.caPEM = try FileReader.readText(path, limit: 1 << 20) } catch { throw UsageError("--prometheus-ca: cannot read \(error)") }
        }
        if let path = p.string("--prometheus-token-file") {
            let token: String
            do { token = try FileReader.readText(path, limit: 16 << 10).trimmingWhitespace() } catch {
                throw UsageError("--prometheus-token-file: cannot read \(error)")
            }
            guard !token.isEmpty, token.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
                throw UsageError("--prometheus-token-file: \(path) does not hold a token (printable ASCII without spaces)")
            }
            settings.token = token
        }
        return PrometheusInputs(settings: settings, intervalSecs: try p.doubleValue("--interval"), thresholds: try FleetInputs.thresholds(p),
                                title: try p.stringValue("--title"))
    }
}
