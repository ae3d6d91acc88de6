import Common

/// `fleet check`: one sweep's FleetState -> Nagios summary line, text table or JSON, exit status.
enum FleetCheck {
    static func run(_ fleet: FleetState, options: CheckOptions, now: Double) -> CheckReport {
        let eval = CheckEvaluation(fleet, now: now)
        let summary = summaryLine(eval, thresholds: fleet.thresholds)
        let output: String
        if options.quiet {
            output = summary + "\n"
        } else {
            switch options.format {
            case .text: output = summary + "\n" + CheckTable.render(fleet, eval, now: now)
            case .json: output = JSONWriter.pretty(CheckJSON.document(fleet, eval, summary: summary, now: now)) + "\n"
            case .openMetrics: output = CheckOpenMetrics.render(fleet, eval, now: now)
            }
        }
        return CheckReport(state: eval.state, summary: summary, output: output)
    }

    /// `FLEET WARNING - 118/120 hosts ok, 2 degraded | hosts_ok=118 ... latency_p99=4ms stale_max=3s`
    static func summaryLine(_ eval: CheckEvaluation, thresholds: Thresholds) -> String {
        let total = eval.hosts.count
        guard total > 0 else {
            return "FLEET UNKNOWN - no hosts to check | " + perfdata(eval)
        }
        var text = "FLEET \(eval.state.label) - \(eval.counts[.ok])/\(total) hosts ok"
        for status in [HostStatus.down, .auth, .tls, .bad, .degraded] where eval.counts[status] > 0 {
            text += ", \(eval.counts[status]) \(status.label.lowercased())"
        }
        if eval.overCritAge > 0, let crit = thresholds.critAgeSecs {
            text += ", \(eval.overCritAge) with data older than \(secondsText(crit))"
        }
        if eval.overWarnAge > 0, let warn = thresholds.warnAgeSecs {
            text += ", \(eval.overWarnAge) with data older than \(secondsText(warn))"
        }
        if eval.certificatesExpiring > 0 {
            text += ", \(eval.certificatesExpiring) with a certificate expiring within \(DurationText.age(thresholds.certificateWarnSecs))"
        }
        return text + " | " + perfdata(eval)
    }

    static func perfdata(_ eval: CheckEvaluation) -> String {
        var parts = [HostStatus.ok, .degraded, .down, .auth, .tls, .bad].map {
            "hosts_\($0.label.lowercased())=\(eval.counts[$0])"
        }
        // "U" is the plugin guidelines' value for "could not be determined".
        parts.append("latency_p99=" + (eval.latencyP99Secs.map { compactNumber($0 * 1000) + "ms" } ?? "U"))
        parts.append("stale_max=" + (eval.staleMaxSecs.map { "\(Int(saturating: $0))s" } ?? "U"))
        return parts.joined(separator: " ")
    }

    /// `4`, `0.4`, `12.5`: at most one decimal, none when it would be `.0`.
    static func compactNumber(_ v: Double) -> String {
        let text = DecimalText.fixed(v, 1)
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }

    static func secondsText(_ secs: Double) -> String { compactNumber(secs) + "s" }
}
