/// Which events the events list shows: all, or those whose host name, address, statuses or
/// cause contain the filter (case-insensitive). Newest first.
enum EventFilter {
    static func matching(_ fleet: FleetState, filter: String, names: HostNames) -> [Int] {
        let query = filter.lowercased().trimmingSpaces()
        let all = fleet.events.newestFirst
        guard !query.isEmpty else { return Array(all) }
        let needle = Array(query.utf8)
        return all.filter { n in
            guard let e = fleet.events[number: n] else { return false }
            let host = e.hostIndex
            if names.search.indices.contains(host), RowOrder.contains(names.search[host], needle) { return true }
            if e.from.label.lowercased().contains(query) || e.to.label.lowercased().contains(query) { return true }
            return RowOrder.contains(Array(e.cause.lowercased().utf8), needle)
        }
    }
}

/// The events view (`e`): one line per event, newest first.
enum EventsLayout {
    static let titleLines = 2  // title, column titles
    static let changeWidth = 13

    static func render(_ fleet: FleetState, view inputView: ViewState, size: TerminalSize, context: RenderContext,
                       cache: inout LayoutCache) -> RenderedFrame
    {
        var view = inputView
        let width = size.columns
        let numbers = cache.events(fleet, filter: view.eventFilter)
        sync(&view, numbers: numbers, page: size.lines - titleLines - 1, events: fleet.events)
        view.listTop = titleLines

        let shown = Array(numbers[view.events.scroll..<min(numbers.count, view.events.scroll + view.events.pageRows)])
        view.pageEvents = shown.compactMap { n in fleet.events[number: n].map { EventRef(number: n, host: $0.hostIndex) } }
        let today = LocalTime.floorDiv(Int(saturating: context.now.rounded(.down)) + context.utcOffsetSecs, 86400)
        let withDates = shown.contains { n in
            guard let e = fleet.events[number: n] else { return false }
            return LocalTime.floorDiv(Int(saturating: e.time.rounded(.down)) + context.utcOffsetSecs, 86400) != today
        }
        let timeWidth = withDates ? 14 : 8
        let names = cache.hostNames(fleet)
        let hostWidth = min(max(4, min(names.maxWidth, 24)), max(4, width / 4))

        var rows: [ScreenRow] = [titleRow(fleet, view: view, shown: numbers.count, width: width)]
        var header = RowBuilder(width: width)
        let bold = CellStyle(role: .header, bold: true)
        header.add("TIME", bold, column: timeWidth)
        header.space(1, bold)
        header.add("HOST", bold, column: hostWidth)
        header.space(1, bold)
        header.add("CHANGE", bold, column: changeWidth)
        header.space(1, bold)
        header.add("CAUSE", bold)
        header.fill(bold)
        rows.append(header.row)

        if shown.isEmpty {
            var b = RowBuilder(width: width)
            b.add(fleet.events.count == 0 ? "no events yet: every status change of a host is listed here"
                : "no event matches the filter", .role(.dim))
            rows.append(b.row)
        }
        for (i, n) in shown.enumerated() {
            guard let e = fleet.events[number: n] else { continue }
            let selected = view.events.scroll + i == view.events.cursor
            func style(_ role: ColorRole, bold: Bool = false) -> CellStyle {
                selected ? CellStyle(role: role == .normal ? .selected : role, bold: bold, reverse: true)
                    : CellStyle(role: role, bold: bold)
            }
            var b = RowBuilder(width: width)
            b.add(timeText(e.time, withDate: withDates, context: context), style(.dim), column: timeWidth)
            b.space(1, style(.normal))
            b.add(fleet.name(of: e.hostIndex), style(.normal), column: hostWidth)
            b.space(1, style(.normal))
            b.add(changeText(e), style(TableLayout.statusRole(e.to), bold: e.kind == .status), column: changeWidth)
            b.space(1, style(.normal))
            b.add(e.cause, style(.normal))
            b.fill(style(.normal))
            rows.append(b.row)
        }
        while rows.count < size.lines - 1 { rows.append(ScreenRow()) }
        rows.append(footer(view, shown: numbers.count, width: width))
        return RenderedFrame(grid: DashboardLayout.finish(rows, size: size), view: view)
    }

    /// Keeps the selection on the same event as new ones arrive on top (unless the cursor was
    /// left on the newest, which then keeps showing the newest).
    static func sync(_ view: inout ViewState, numbers: [Int], page: Int, events: EventRing) {
        if view.events.followsTop && view.events.cursor == 0 {
            view.selectedEvent = numbers.first
        } else if let selected = view.selectedEvent, let position = numbers.firstIndex(of: selected) {
            view.events.cursor = position
        } else {
            view.events.cursor = min(max(0, view.events.cursor), max(0, numbers.count - 1))
            view.selectedEvent = numbers.isEmpty ? nil : numbers[view.events.cursor]
        }
        view.events.clamp(rows: numbers.count, page: page)
    }

    /// `OK→DOWN` for a status change; `DEGRADED task` or `OK skew` for a change within a status.
    static func changeText(_ e: FleetEvent) -> String {
        e.kind == .status ? e.from.label + "→" + e.to.label : e.to.label + " " + e.kind.rawValue
    }

    /// `22:13:20`, or `11-14 22:13:20` when some event on screen is from another day.
    static func timeText(_ epoch: Double, withDate: Bool, context: RenderContext) -> String {
        let t = CivilTime(epochSecs: Int(saturating: epoch.rounded(.down)) + context.utcOffsetSecs)
        return withDate ? LocalTime.pad(t.month, 2) + "-" + LocalTime.pad(t.day, 2) + " " + t.time : t.time
    }

    private static func titleRow(_ fleet: FleetState, view: ViewState, shown: Int, width: Int) -> ScreenRow {
        let bar = CellStyle(role: .header, bold: true, reverse: true)
        var b = RowBuilder(width: width)
        b.add(fleet.title + " events", bar)
        let kept = fleet.events.count
        let dropped = fleet.events.total - kept
        var counts = view.eventFilter.isEmpty ? "  \(kept) kept" : "  \(shown) of \(kept)"
        if dropped > 0 { counts += " (\(dropped) older dropped)" }
        b.addIfFits(counts, CellStyle(role: .header, reverse: true))
        HeaderLayout.finishTitleBar(&b, hint: "Enter host  Esc back")
        return b.row
    }

    private static func footer(_ view: ViewState, shown: Int, width: Int) -> ScreenRow {
        if let special = HeaderLayout.promptFooter(view, filter: view.eventFilter, matched: shown, width: width) {
            return special
        }
        var b = RowBuilder(width: width)
        b.add("newest first", .role(.dim))
        if !view.eventFilter.isEmpty { b.addIfFits("  filter \"" + view.eventFilter + "\"", .role(.warn)) }
        b.addIfFits("  " + (shown == 0 ? "0/0" : "\(view.events.cursor + 1)/\(shown)"), .role(.dim))
        HeaderLayout.addRight(&b, HeaderLayout.firstFitting(["/ filter  w export  q back", "q back"], room: b.remaining),
                              .role(.dim))
        return b.row
    }
}

extension String {
    func trimmingSpaces() -> String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
