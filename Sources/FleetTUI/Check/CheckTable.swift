import Common

/// The plain-text host table under the summary line: ASCII words instead of glyphs, because it
/// ends up in mails and logs; worst hosts first; nothing truncated.
enum CheckTable {
    static func render(_ fleet: FleetState, _ eval: CheckEvaluation, now: Double) -> String {
        let tasks = fleet.catalog.specsByName
        var rows: [[String]] = [["HOST", "ADDRESS", "STATUS"] + tasks.map(\.columnTitle) + ["LATENCY", "SKEW", "ERROR"]]
        let ordered = eval.hosts.sorted { a, b in
            if a.state != b.state { return a.state > b.state }
            if a.status.severity != b.status.severity { return a.status.severity > b.status.severity }
            let na = fleet.hosts[a.index].displayName, nb = fleet.hosts[b.index].displayName
            return na != nb ? na < nb : a.index < b.index
        }
        for host in ordered {
            let entry = fleet.hosts[host.index]
            let sample = fleet.records[host.index].sample
            var row = [entry.displayName, entry.endpoint(defaultPort: fleet.defaultPort), host.status.label]
            for task in tasks {
                row.append(taskText(sample, task.name, now: now))
            }
            row.append(sample.flatMap { $0.httpStatus != nil ? DurationText.latency($0.latencySecs) : nil } ?? "-")
            row.append(sample?.skewSecs.map(DurationText.skew) ?? "-")
            var error = host.error ?? ""
            if host.overCritAge || host.overWarnAge, let age = host.maxAgeSecs {
                error = (error.isEmpty ? "" : error + "; ") + "data \(DurationText.age(age)) old"
            }
            if let notice = host.certificateNotice {
                error = (error.isEmpty ? "" : error + "; ") + notice
            }
            row.append(error)
            rows.append(row.map { RemoteText.clip($0, limit: 400) })
        }
        var widths = [Int](repeating: 0, count: rows[0].count)
        for row in rows {
            for (i, cell) in row.enumerated() { widths[i] = max(widths[i], DisplayWidth.of(cell)) }
        }
        var out = ""
        for row in rows {
            var line = ""
            for (i, cell) in row.enumerated() {
                line += i == row.count - 1 ? cell : DisplayWidth.fit(cell, to: widths[i]) + "  "
            }
            while line.last == " " { line.removeLast() }
            out += line + "\n"
        }
        return out
    }

    static func taskText(_ sample: HostSample?, _ task: TaskName, now: Double) -> String {
        guard let sample, let t = sample.task(task) else { return "-" }
        switch t.state {
        case .inactive: return "stopped"
        case .pending: return "pending"
        case .active:
            guard let age = CheckEvaluation.currentAge(t, sample: sample, now: now) else { return "error" }
            return DurationText.age(age) + (t.scrapeErrorCount > 0 ? " err" : "")
        }
    }
}
