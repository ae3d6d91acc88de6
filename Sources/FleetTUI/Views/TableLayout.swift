import Common

/// The host table: which columns fit the terminal, and one row per visible host.
enum TableColumn: Equatable {
    case name
    case address
    case status
    case task(TaskSpec, compact: Bool)
    case latency
    case skew
    case error

    var title: String {
        switch self {
        case .name: return "HOST"
        case .address: return "ADDRESS"
        case .status: return "STATUS"
        case .task(let t, let compact): return compact ? t.compactColumnTitle : t.columnTitle
        case .latency: return "LAT/p95"
        case .skew: return "SKEW"
        case .error: return "ERROR"
        }
    }

    var sortColumn: SortColumn? {
        switch self {
        case .name: return .host
        case .status: return .status
        case .latency: return .latency
        case .skew: return .skew
        case .task, .error, .address: return nil
        }
    }
}

struct TableColumns: Equatable {
    /// Columns with their widths; one space separates neighbours.
    let columns: [(column: TableColumn, width: Int)]

    static func == (a: TableColumns, b: TableColumns) -> Bool {
        a.columns.count == b.columns.count
            && zip(a.columns, b.columns).allSatisfy { $0.column == $1.column && $0.width == $1.width }
    }

    /// `DEGRADED` and the flapping mark `↯`.
    static let statusWidth = 9
    static let taskWidth = 9
    static let compactTaskWidth = 5
    static let latencyWidth = 11
    static let skewWidth = 6
    static let minErrorWidth = 16
    static let minNameWidth = 8
    static let readableNameWidth = 16
    static let maxNameWidth = 28
    static let maxAddressWidth = 30

    /// The richest set of columns that fits, dropping the least useful first: skew, then
    /// latency (before the error text, which says why a host is red), then the error, then the
    /// task columns' words (glyph and age stay), then task columns from the right.
    /// `addressWidth`: the ADDRESS column is on (`a`) and its longest `address:port`; it stays
    /// beside the name until only the status is left.
    static func fit(width: Int, longestName: Int, addressWidth: Int? = nil,
                    tasks: [TaskSpec] = TaskCatalog.standard.specsByName) -> TableColumns {
        let namePref = min(max(longestName, 4), maxNameWidth)
        // Full task cells and the optional columns are only worth it while host names stay
        // readable; below that the task cells shrink to glyphs first.
        let nameReadable = min(readableNameWidth, namePref)
        let nameMin = min(minNameWidth, namePref)
        let full = tasks.map { TableColumn.task($0, compact: false) }
        let compact = tasks.map { TableColumn.task($0, compact: true) }
        let address: [TableColumn] = addressWidth == nil ? [] : [.address]
        let variants: [[TableColumn]] = [
            address + [.status] + full + [.latency, .skew, .error],
            address + [.status] + full + [.latency, .error],
            address + [.status] + full + [.error],
            address + [.status] + full + [.latency],
            address + [.status] + full,
            address + [.status] + compact,
            address + [.status] + compact.dropLast(),
            address + [.status] + compact.dropLast(2),
            address + [.status],
            [.status],
            [],
        ]
        let addressColumns = min(max(addressWidth ?? 0, 7), maxAddressWidth)
        func fixedWidth(_ c: TableColumn) -> Int { c == .address ? addressColumns : TableColumns.fixedWidth(c) }
        for rest in variants {
            let fixed = rest.reduce(0) { $0 + 1 + fixedWidth($1) }
            if rest.last == .error {
                let errorWidth = width - namePref - fixed
                guard errorWidth >= minErrorWidth else { continue }
                return TableColumns(columns: [(.name, namePref)] + rest.map { ($0, $0 == .error ? errorWidth : fixedWidth($0)) })
            }
            let hasFullTasks = rest.contains { if case .task(_, false) = $0 { return true } else { return false } }
            let nameWidth = min(namePref, width - fixed)
            guard nameWidth >= (hasFullTasks ? nameReadable : nameMin) || rest.isEmpty else { continue }
            return TableColumns(columns: [(.name, max(1, nameWidth))] + rest.map { ($0, fixedWidth($0)) })
        }
        return TableColumns(columns: [(.name, max(1, width))])
    }

    private static func fixedWidth(_ c: TableColumn) -> Int {
        switch c {
        case .name, .address: return 0
        case .status: return statusWidth
        case .task(_, let compact): return compact ? compactTaskWidth : taskWidth
        case .latency: return latencyWidth
        case .skew: return skewWidth
        case .error: return 0  // takes what is left
        }
    }
}

enum TableLayout {
    /// The cells each sortable title spans in `headerRow` (columns are one space apart).
    static func sortTitles(_ cols: TableColumns) -> [SortTitle] {
        var out: [SortTitle] = []
        var x = 0
        for (i, (column, w)) in cols.columns.enumerated() {
            if i > 0 { x += 1 }
            if let sort = column.sortColumn { out.append(SortTitle(columns: x..<(x + w), sort: sort)) }
            x += w
        }
        return out
    }

    static func headerRow(_ cols: TableColumns, view: ViewState, width: Int) -> ScreenRow {
        var b = RowBuilder(width: width)
        let style = CellStyle(role: .header, bold: true)
        for (i, (column, w)) in cols.columns.enumerated() {
            if i > 0 { b.space(1, style) }
            var title = column.title
            if column.sortColumn == view.sort { title += view.reversed ? "↑" : "↓" }
            b.add(title, style, column: w)
        }
        b.fill(style)
        return b.row
    }

    /// `indent`: host rows under a group header are shifted right by two columns.
    static func hostRow(_ fleet: FleetState, host i: Int, cols: TableColumns, selected: Bool, now: Double,
                        width: Int, indent: Bool = false) -> ScreenRow
    {
        let record = fleet.records[i]
        var b = RowBuilder(width: width)
        func style(_ role: ColorRole, bold: Bool = false) -> CellStyle {
            selected ? CellStyle(role: role == .normal ? .selected : role, bold: bold, reverse: true)
                : CellStyle(role: role, bold: bold)
        }
        for (n, (column, w)) in cols.columns.enumerated() {
            if n > 0 { b.space(1, style(.normal)) }
            var cell = content(column, fleet: fleet, host: i, record: record, now: now)
            if indent && column == .name { cell.text = "  " + cell.text }
            b.add(cell.text, style(cell.role, bold: cell.bold), column: w, alignRight: cell.alignRight)
        }
        b.fill(style(.normal))
        return b.row
    }

    /// `▾ rack1  12 hosts  DOWN 1  DEGRADED 1  OK 10  ↯ 1`; `▸` when collapsed. `counts`: the
    /// counts per status (left out when grouping by status, where they say nothing new).
    static func groupRow(_ group: TableGroup, selected: Bool, width: Int, counts: Bool = true) -> ScreenRow {
        var b = RowBuilder(width: width)
        func style(_ role: ColorRole, bold: Bool = false) -> CellStyle {
            selected ? CellStyle(role: role == .normal ? .selected : role, bold: bold, reverse: true)
                : CellStyle(role: role, bold: bold)
        }
        b.add((group.collapsed ? "▸ " : "▾ ") + group.title, style(.header, bold: true))
        b.addIfFits("  \(group.hosts) host\(group.hosts == 1 ? "" : "s")", style(.normal))
        for status in HostStatus.allCases.sorted(by: { $0.severity > $1.severity }) where counts && group.counts[status] > 0 {
            if !b.addIfFits("  \(status.label) \(group.counts[status])", style(statusRole(status), bold: status != .ok)) { break }
        }
        if group.flapping > 0 { b.addIfFits("  ↯ \(group.flapping)", style(.warn, bold: true)) }
        b.fill(style(.normal))
        return b.row
    }

    struct CellContent {
        var text: String
        var role: ColorRole = .normal
        var bold = false
        var alignRight = false
    }

    static func content(_ column: TableColumn, fleet: FleetState, host: Int, record: HostRecord, now: Double)
        -> CellContent
    {
        let thresholds = fleet.thresholds
        switch column {
        case .name:
            return CellContent(text: fleet.name(of: host))
        case .address:
            return CellContent(text: fleet.endpoint(of: host), role: .dim)
        case .status:
            let s = record.status
            return CellContent(text: statusText(record), role: statusRole(s), bold: s != .ok && s != .pending)
        case .task(let task, let compact):
            guard let sample = record.sample, let t = sample.task(task.name) else {
                return CellContent(text: "-", role: .dim)
            }
            return taskCell(t, sample: sample, thresholds: thresholds, now: now, compact: compact)
        case .latency:
            guard let last = record.latency.last else { return CellContent(text: "-", role: .dim) }
            let p95 = record.latency.percentile(0.95) ?? last
            let level = thresholds.latencyLevel(last)
            return CellContent(text: DurationText.latency(last) + "/" + DurationText.latency(p95),
                               role: levelRole(level, ok: .normal), alignRight: true)
        case .skew:
            guard let skew = record.sample?.skewSecs else { return CellContent(text: "-", role: .dim, alignRight: true) }
            return CellContent(text: DurationText.skew(skew), role: levelRole(thresholds.skewLevel(skew), ok: .normal),
                               alignRight: true)
        case .error:
            if let error = record.sample?.error {
                return CellContent(text: error, role: record.status == .degraded ? .warn : .crit)
            }
            if let notice = thresholds.certificateNotice(record.sample, now: now) {
                return CellContent(text: notice, role: .warn)
            }
            if let old = record.lastError, let at = record.lastErrorAt {
                return CellContent(text: DurationText.age(now - at) + " ago: " + old, role: .dim)
            }
            return CellContent(text: "")
        }
    }

    /// `● 3s` fresh, `▲ 3s` with scrape errors, `✖ stopped` inactive, `… pending` no scrape yet;
    /// the age keeps growing between polls (exporter-clock age at the response + time since).
    static func taskCell(_ t: TaskHealth, sample: HostSample, thresholds: Thresholds, now: Double,
                         compact: Bool) -> CellContent
    {
        switch t.state {
        case .inactive:
            return CellContent(text: compact ? "✖" : "✖ stopped", role: .crit, bold: true)
        case .pending:
            return CellContent(text: compact ? "…" : "… pending", role: t.isStale ? .warn : .dim)
        case .active:
            guard let age = t.ageSecs else {
                return CellContent(text: compact ? "▲" : "▲ error", role: .crit)
            }
            let current = age + max(0, now - sample.receivedAt)
            var level = thresholds.ageLevel(current, intervalSecs: t.intervalSecs)
            if t.scrapeErrorCount > 0 || !t.hasData { level = max(level, .warn) }
            let glyph = t.scrapeErrorCount > 0 || !t.hasData ? "▲" : "●"
            return CellContent(text: glyph + " " + DurationText.age(current), role: levelRole(level))
        }
    }

    /// The status label, with `↯` when the host is flapping.
    static func statusText(_ record: HostRecord) -> String {
        record.status.label + (record.isFlapping ? "↯" : "")
    }

    static func statusRole(_ s: HostStatus) -> ColorRole {
        switch s {
        case .ok: return .ok
        case .degraded: return .warn
        case .pending: return .dim
        case .down, .auth, .tls, .bad: return .crit
        }
    }

    static func levelRole(_ level: ThresholdLevel, ok: ColorRole = .ok) -> ColorRole {
        switch level {
        case .ok: return ok
        case .warn: return .warn
        case .crit: return .crit
        }
    }
}
