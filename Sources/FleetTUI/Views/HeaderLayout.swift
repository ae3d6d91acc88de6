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

    /// Counts per status (and flapping), the history of the last sweeps, and sweep figures.
    static func countsRow(_ fleet: FleetState, context: RenderContext, intervalSecs: Double, width: Int) -> ScreenRow {
        var b = RowBuilder(width: width)
        var statuses = HostStatus.reported
        if fleet.totals[.pending] > 0 { statuses.append(.pending) }
        let flap = fleet.flappingCount > 0 ? "  FLAP \(fleet.flappingCount)" : ""
        let full = statuses.map { "\($0.label) \(fleet.totals[$0])" }.joined(separator: "  ") + flap
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
        if fleet.flappingCount > 0 {
            b.addIfFits((compact ? " " : "  ") + "FLAP \(fleet.flappingCount)", CellStyle(role: .warn, bold: true))
        }
        let sweep = fleet.sweep
        if let d = sweep.lastDurationSecs { b.addIfFits("   sweep " + DurationText.seconds(d)) }
        if let rate = sweep.pollsPerSec { b.addIfFits("  \(Int(saturating: rate.rounded())) polls/s") }
        addSweepHistory(&b, fleet.sweepHistory)
        if let at = sweep.lastCompletedAt {
            b.addIfFits("  at " + DurationText.clock(at, utcOffsetSecs: context.utcOffsetSecs), .role(.dim))
        }
        b.addIfFits("  every " + DurationText.age(intervalSecs), .role(.dim))
        return b.row
    }

    /// The last sweeps as a bar per sweep: height is the share of hosts not OK, colour the worst
    /// status of that sweep. Shown only when at least a few sweeps fit.
    static func addSweepHistory(_ b: inout RowBuilder, _ history: SweepHistory) {
        let sweeps = history.sweeps
        let room = min(sweeps.count, b.remaining - 3)
        guard !sweeps.isEmpty, room >= min(sweeps.count, 8) else { return }
        b.space(2)
        for (text, role) in Sparkline.sweeps(Array(sweeps.suffix(room))) { b.add(text, .role(role)) }
    }

    static func tableFooter(_ view: ViewState, total: Int, width: Int) -> ScreenRow {
        if let special = promptFooter(view, filter: view.filter, matched: view.rowCount, total: total, width: width) {
            return special
        }
        var b = RowBuilder(width: width)
        b.add("sort " + view.sort.label + (view.reversed ? " ↑" : " ↓"), .role(.dim))
        if view.groupBy != .none { b.addIfFits("  group " + view.groupBy.label, .role(.dim)) }
        if !view.filter.isEmpty {
            b.addIfFits("  filter \"" + view.filter + "\"", .role(.warn))
        }
        let position = view.rowCount == 0 ? "0/\(total)" : "\(view.cursor + 1)/\(view.rowCount)"
        b.addIfFits("  " + position, .role(.dim))
        let hints = ["/ filter  s sort  g group  e events  Enter detail", "/ filter  g group  e events", "e events"]
        addRight(&b, firstFitting(hints, room: b.remaining), .role(.dim))
        return b.row
    }

    /// The footer while a filter is typed, an export format is asked for, or a notice is due.
    static func promptFooter(_ view: ViewState, filter: String, matched: Int, total: Int? = nil, width: Int) -> ScreenRow? {
        var b = RowBuilder(width: width)
        if view.isChoosingExport {
            b.add("write this view as: ", .role(.header, bold: true))
            b.add("t text  c CSV  (any other key cancels)")
            return b.row
        }
        if view.isEditingFilter {
            b.add("filter: ", .role(.header, bold: true))
            b.add(filter + "_")
            b.addIfFits("  (" + (total.map { "\(matched)/\($0)" } ?? "\(matched)") + ")", .role(.dim))
            b.addIfFits("  Enter keep  Esc clear", .role(.dim))
            return b.row
        }
        if let notice = view.notice {
            b.add(notice, .role(.warn, bold: true))
            return b.row
        }
        return nil
    }

    static func shortLabel(_ s: HostStatus) -> String {
        switch s {
        case .degraded: return "DEG"
        default: return s.label
        }
    }

    /// The first text that fits in `room` with two columns of air, else "".
    static func firstFitting(_ texts: [String], room: Int) -> String {
        texts.first { DisplayWidth.of($0) + 2 <= room } ?? ""
    }

    /// Ends a reversed title bar: `hint` at the right edge if it fits, then the bar filled.
    static func finishTitleBar(_ b: inout RowBuilder, hint: String) {
        let bar = CellStyle(role: .header, bold: true, reverse: true)
        if b.remaining >= DisplayWidth.of(hint) + 2 {
            b.space(b.remaining - DisplayWidth.of(hint), bar)
            b.add(hint, CellStyle(role: .header, reverse: true))
        }
        b.fill(bar)
    }

    /// Right-aligns `text` if it fits with two spaces of air; otherwise leaves it out.
    static func addRight(_ b: inout RowBuilder, _ text: String, _ style: CellStyle) {
        let w = DisplayWidth.of(text)
        guard w > 0, b.remaining >= w + 2 else { return }
        b.space(b.remaining - w)
        b.add(text, style)
    }
}
