import Common
/// The two summary lines above the table and the status line below it.
enum HeaderLayout {
    static func titleRow(_ fleet: FleetState, view: ViewState, width: Int) -> ScreenRow {
        var b = RowBuilder(width: width)
        b.add(fleet.title, CellStyle(role: .title, bold: true))
        if let fsid = fleet.fleetFsid {
            let others = fleet.fsidCounts.count - 1
            let role: ColorRole = fsid.unanimous ? .normal : .warn
            let suffix = others > 0 ? " (+\(others) other\(others == 1 ? "" : "s"))" : ""
            if !b.addIfFits("  fsid " + fsid.fsid + suffix, .role(role)) {
                b.addIfFits("  fsid " + String(fsid.fsid.prefix(8)) + "…" + suffix, .role(role))
            }
        }
        b.addIfFits("  \(fleet.hosts.count) host\(fleet.hosts.count == 1 ? "" : "s")")
        if view.paused { b.addIfFits("  PAUSED", CellStyle(role: .warn, bold: true, reverse: true)) }
        addRight(&b, "?:help q:quit", .role(.dim))
        return b.row
    }

    static func countsRow(_ fleet: FleetState, context: RenderContext, intervalSecs: Double, width: Int) -> ScreenRow {
        var b = RowBuilder(width: width)
        var statuses = HostStatus.reported
        if fleet.totals[.pending] > 0 { statuses.append(.pending) }
        let full = statuses.map { "\($0.label) \(fleet.totals[$0])" }.joined(separator: "  ")
        // Narrow terminals: short labels, single spaces, and zero counts left out (except OK),
        // so the counts that matter stay whole instead of being cut mid-word.
        let compact = DisplayWidth.of(full) > width
        if compact { statuses = statuses.filter { $0 == .ok || fleet.totals[$0] > 0 } }
        for (i, status) in statuses.enumerated() {
            let n = fleet.totals[status]
            let label = compact ? shortLabel(status) : status.label
            let style = n == 0 ? CellStyle.role(.dim) : CellStyle(role: TableLayout.statusRole(status), bold: status != .ok)
            if !b.addIfFits((i > 0 ? (compact ? " " : "  ") : "") + "\(label) \(n)", style) { break }
        }
        let sweep = fleet.sweep
        if let d = sweep.lastDurationSecs { b.addIfFits("   sweep " + DurationText.seconds(d)) }
        if let rate = sweep.pollsPerSec { b.addIfFits("  \(Int(saturating: rate.rounded())) polls/s") }
        if let at = sweep.lastCompletedAt {
            b.addIfFits("  at " + DurationText.clock(at, utcOffsetSecs: context.utcOffsetSecs), .role(.dim))
        }
        b.addIfFits("  every " + DurationText.age(intervalSecs), .role(.dim))
        return b.row
    }

    static func tableFooter(_ view: ViewState, total: Int, width: Int) -> ScreenRow {
        var b = RowBuilder(width: width)
        if view.isEditingFilter {
            b.add("filter: ", .role(.header, bold: true))
            b.add(view.filter + "_")
            b.addIfFits("  (\(view.rowCount)/\(total))", .role(.dim))
            b.addIfFits("  Enter keep  Esc clear", .role(.dim))
            return b.row
        }
        b.add("sort " + view.sort.label + (view.reversed ? " ↑" : " ↓"), .role(.dim))
        if !view.filter.isEmpty {
            b.addIfFits("  filter \"" + view.filter + "\"", .role(.warn))
        }
        let position = view.rowCount == 0 ? "0/\(total)" : "\(view.cursor + 1)/\(view.rowCount)"
        b.addIfFits("  " + position, .role(.dim))
        addRight(&b, "/ filter  s sort  Enter detail", .role(.dim))
        return b.row
    }

    static func shortLabel(_ s: HostStatus) -> String {
        switch s {
        case .degraded: return "DEG"
        default: return s.label
        }
    }

    /// Right-aligns `text` if it fits with two spaces of air; otherwise leaves it out.
    static func addRight(_ b: inout RowBuilder, _ text: String, _ style: CellStyle) {
        let w = DisplayWidth.of(text)
        guard b.remaining >= w + 2 else { return }
        b.space(b.remaining - w)
        b.add(text, style)
    }
}
