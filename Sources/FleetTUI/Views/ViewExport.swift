import Common

/// The current view as a file: what `w` writes. The table keeps its filter, sort, grouping and
/// folded groups, but every row and every column is written, uncut.
struct ViewExport: Sendable, Equatable {
    /// `hosts`, `events` or `host` (a detail view): part of the file name.
    let kind: String
    let content: String
    /// Rows written, and what they are ("12 hosts").
    let summary: String
}

enum ViewExporter {
    /// Wide enough for every column and the longest error text uncut.
    private static let unlimitedWidth = 2000

    static func export(_ fleet: FleetState, view: ViewState, format: ExportFormat, context: RenderContext,
                       local: LocalTime, cache: inout LayoutCache) -> ViewExport
    {
        switch view.mode {
        case .events:
            return events(fleet, numbers: cache.events(fleet, filter: view.eventFilter), format: format, local: local)
        case .detail, .help:
            if view.mode == .detail, let host = view.detailHost, fleet.hosts.indices.contains(host) {
                return detail(fleet, host: host, format: format, context: context)
            }
            fallthrough
        case .table:
            return table(fleet, view: view, rows: cache.tableRows(fleet, view), format: format, context: context,
                         local: local, names: cache.hostNames(fleet))
        }
    }

    static func table(_ fleet: FleetState, view: ViewState, rows: TableRows, format: ExportFormat, context: RenderContext,
                      local: LocalTime, names: HostNames) -> ViewExport
    {
        let hostRows = rows.rows.compactMap { row -> (host: Int, group: Int?)? in
            if case .host(let h, let g) = row { return (h, g) }
            return nil
        }
        let summary = "\(hostRows.count) host\(hostRows.count == 1 ? "" : "s")"
        switch format {
        case .text:
            var lines = ["# \(fleet.title) at \(local.iso8601(context.now)): \(summary) of \(fleet.hosts.count), sort "
                + view.sort.label + (view.reversed ? " reversed" : "")
                + (view.groupBy == .none ? "" : ", grouped by " + view.groupBy.label)
                + (view.filter.isEmpty ? "" : ", filter \"\(view.filter)\"")]
            lines.append(HeaderLayout.countsRow(fleet, context: context, intervalSecs: view.intervalSecs, width: unlimitedWidth).text)
            let indent = view.groupBy != .none ? 2 : 0
            let cols = TableColumns.fit(width: unlimitedWidth, longestName: names.maxWidth + indent,
                                        addressWidth: names.maxAddressWidth)
            lines.append(trimmed(TableLayout.headerRow(cols, view: view, width: unlimitedWidth).text))
            for row in rows.rows {
                switch row {
                case .group(let g):
                    lines.append(trimmed(TableLayout.groupRow(rows.groups[g], selected: false, width: unlimitedWidth,
                                                              counts: view.groupBy != .status).text))
                case .host(let host, let group):
                    lines.append(trimmed(TableLayout.hostRow(fleet, host: host, cols: cols, selected: false, now: context.now,
                                                             width: unlimitedWidth, indent: group != nil).text))
                }
            }
            return ViewExport(kind: "hosts", content: lines.joined(separator: "\n") + "\n", summary: summary)
        case .csv:
            var header = view.groupBy == .none ? [] : ["group"]
            header += ["host", "address", "status", "flapping"]
            for task in fleet.catalog.specsByName.map(\.name) { header += ["\(task.rawValue)_state", "\(task.rawValue)_age_secs"] }
            header += ["latency_ms", "latency_p95_ms", "skew_secs", "error"]
            var lines = [CSV.line(header)]
            for (host, group) in hostRows {
                let record = fleet.records[host]
                var fields = group.map { [CSV.text(rows.groups[$0].title)] } ?? []
                fields += [CSV.text(fleet.name(of: host)), CSV.text(fleet.endpoint(of: host)), record.status.label,
                           record.isFlapping ? "yes" : "no"]
                for task in fleet.catalog.specsByName.map(\.name) {
                    let t = record.sample?.task(task)
                    fields.append(t.map { stateText($0.state) } ?? "")
                    let age = t.flatMap { h in h.ageSecs.map { $0 + max(0, context.now - (record.sample?.receivedAt ?? context.now)) } }
                    fields.append(age.map { DecimalText.fixed($0, 1) } ?? "")
                }
                fields.append(record.latency.last.map { DecimalText.fixed(Double($0) * 1000, 1) } ?? "")
                fields.append(record.latency.percentile(0.95).map { DecimalText.fixed($0 * 1000, 1) } ?? "")
                fields.append(record.sample?.skewSecs.map { DecimalText.fixed($0, 1) } ?? "")
                fields.append(CSV.text(record.sample?.error ?? ""))
                lines.append(CSV.line(fields))
            }
            return ViewExport(kind: "hosts", content: lines.joined(separator: "\n") + "\n", summary: summary)
        }
    }

    static func events(_ fleet: FleetState, numbers: [Int], format: ExportFormat, local: LocalTime) -> ViewExport {
        let events = numbers.compactMap { fleet.events[number: $0] }
        let summary = "\(events.count) event\(events.count == 1 ? "" : "s")"
        var lines: [String]
        switch format {
        case .text:
            lines = events.map { e in
                [local.iso8601(e.time), fleet.name(of: e.hostIndex), fleet.endpoint(of: e.hostIndex),
                 EventsLayout.changeText(e), e.cause].joined(separator: "  ")
            }
        case .csv:
            lines = [CSV.line(["time", "host", "address", "from", "to", "kind", "cause"])]
            lines += events.map { e in
                CSV.line([local.iso8601(e.time), CSV.text(fleet.name(of: e.hostIndex)), CSV.text(fleet.endpoint(of: e.hostIndex)),
                          e.from.label, e.to.label, e.kind.rawValue, CSV.text(e.cause)])
            }
        }
        return ViewExport(kind: "events", content: lines.joined(separator: "\n") + "\n", summary: summary)
    }

    static func detail(_ fleet: FleetState, host: Int, format: ExportFormat, context: RenderContext) -> ViewExport {
        let lines = DetailLayout.lines(fleet, host: host, context: context)
        let title = fleet.name(of: host) + "  " + fleet.endpoint(of: host) + "  " + TableLayout.statusText(fleet.records[host])
        let summary = "\(lines.count) lines about \(fleet.name(of: host))"
        switch format {
        case .text:
            let body = DetailLayout.rows(lines, width: unlimitedWidth).map { trimmed($0.text) }
            return ViewExport(kind: "host", content: ([title] + body).joined(separator: "\n") + "\n", summary: summary)
        case .csv:
            var out = [CSV.line(["section", "text"])]
            var section = ""
            for line in lines {
                if !line.label.isEmpty { section = line.label }
                let text = line.segments.map(\.0).joined()
                if !text.isEmpty { out.append(CSV.line([CSV.text(section), CSV.text(text)])) }
            }
            return ViewExport(kind: "host", content: out.joined(separator: "\n") + "\n", summary: summary)
        }
    }

    private static func stateText(_ state: TaskState) -> String {
        switch state {
        case .active: return "active"
        case .inactive: return "inactive"
        case .pending: return "pending"
        }
    }

    private static func trimmed(_ s: String) -> String {
        var s = s
        while s.last == " " { s.removeLast() }
        return s
    }
}

/// RFC 4180 fields. Text from hosts is also defused for spreadsheets: a field starting with
/// `=`, `+`, `-`, `@` would be run as a formula when the file is opened, so it gets a `'`.
enum CSV {
    static func line(_ fields: [String]) -> String { fields.map(quoted).joined(separator: ",") }

    static func quoted(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A text field (name, error, cause), as opposed to a number this program formatted.
    static func text(_ value: String) -> String {
        guard let first = value.first, "=+-@\t\r".contains(first) else { return value }
        return "'" + value
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
