/// Time inputs of a frame, injected so layouts are reproducible in tests.
struct RenderContext: Sendable, Equatable {
    /// Local epoch seconds at the frame.
    var now: Double
    /// Added to epoch times shown as clock times (local time zone offset).
    var utcOffsetSecs: Int = 0
}

/// A laid-out frame, and the view state with its bounds (row count, page size, scroll)
/// brought up to date; the caller keeps that view state for the next key.
struct RenderedFrame: Sendable {
    let grid: ScreenGrid
    let view: ViewState
}

/// The dashboard's one entry point for drawing: FleetState + ViewState + size -> grid.
/// Only the visible rows are built, so the cost does not grow with the fleet beyond sorting.
enum DashboardLayout {
    static let headerLines = 3  // title, counts, column titles
    static let footerLines = 1
    static let minSize = TerminalSize(columns: 20, lines: 6)

    static func render(_ fleet: FleetState, view: ViewState, size: TerminalSize, context: RenderContext)
        -> RenderedFrame
    {
        var cache = LayoutCache()
        return render(fleet, view: view, size: size, context: context, cache: &cache)
    }

    static func render(_ fleet: FleetState, view inputView: ViewState, size: TerminalSize, context: RenderContext,
                       cache: inout LayoutCache) -> RenderedFrame
    {
        var view = inputView
        guard size.columns >= minSize.columns, size.lines >= minSize.lines else {
            var b = RowBuilder(width: max(0, size.columns))
            b.add("terminal too small", .role(.warn))
            return RenderedFrame(grid: finish([b.row], size: size), view: view)
        }
        let rows = cache.tableRows(fleet, view)
        syncSelection(&view, rows: rows, pageRows: size.lines - headerLines - footerLines)

        switch view.mode {
        case .help:
            return renderHelp(view: view, size: size)
        case .events:
            return EventsLayout.render(fleet, view: view, size: size, context: context, cache: &cache)
        case .detail:
            if let host = view.detailHost ?? view.selectedHost, fleet.hosts.indices.contains(host) {
                view.detailHost = host
                return renderDetail(fleet, host: host, view: view, size: size, context: context)
            }
            view.mode = .table
        case .table:
            break
        }
        return renderTable(fleet, rows: rows, view: view, size: size, context: context, cache: &cache)
    }

    /// Keeps the selection on the same row (or at least the same host) across re-sorts and
    /// regrouping, else clamps the cursor, then scrolls just enough to keep it on screen.
    static func syncSelection(_ view: inout ViewState, rows: TableRows, pageRows: Int) {
        if view.mode == .table && view.followsTopRow && view.cursor == 0 {
            view.cursor = 0
        } else if let id = selectedID(view), let position = rows.position(of: id) {
            view.cursor = position
        } else {
            view.cursor = min(max(0, view.cursor), max(0, rows.count - 1))
        }
        view.table.clamp(rows: rows.count, page: pageRows)
        let current = rows.count == 0 ? nil : rows.id(at: view.cursor)
        view.selectedHost = current?.host
        view.selectedGroup = current?.group
        let end = min(rows.count, view.scroll + view.pageRows)
        view.visibleRows = view.scroll < end ? (view.scroll..<end).map { rows.id(at: $0) } : []
    }

    private static func selectedID(_ view: ViewState) -> RowID? {
        view.selectedHost == nil && view.selectedGroup == nil ? nil : RowID(group: view.selectedGroup, host: view.selectedHost)
    }

    private static func renderTable(_ fleet: FleetState, rows: TableRows, view inputView: ViewState, size: TerminalSize,
                                    context: RenderContext, cache: inout LayoutCache) -> RenderedFrame
    {
        var view = inputView
        view.listTop = headerLines
        let width = size.columns
        let names = cache.hostNames(fleet)
        let indent = view.groupBy != .none ? 2 : 0
        let cols = TableColumns.fit(width: width, longestName: names.maxWidth + indent,
                                    addressWidth: view.showAddress ? names.maxAddressWidth : nil,
                                    tasks: fleet.catalog.specsByName)
        view.sortTitles = TableLayout.sortTitles(cols)
        var lines: [ScreenRow] = [
            HeaderLayout.titleRow(fleet, view: view, width: width),
            HeaderLayout.countsRow(fleet, context: context, intervalSecs: view.intervalSecs, width: width),
            TableLayout.headerRow(cols, view: view, width: width),
        ]
        let end = min(rows.count, view.scroll + view.pageRows)
        if view.scroll < end {
            for position in view.scroll..<end {
                let selected = position == view.cursor
                switch rows.rows[position] {
                case .group(let g):
                    lines.append(TableLayout.groupRow(rows.groups[g], selected: selected, width: width,
                                                      counts: view.groupBy != .status))
                case .host(let host, let group):
                    lines.append(TableLayout.hostRow(fleet, host: host, cols: cols, selected: selected, now: context.now,
                                                     width: width, indent: group != nil))
                }
            }
        } else {
            var b = RowBuilder(width: width)
            b.add(fleet.hosts.isEmpty ? "no hosts in the inventory" : "no host matches the filter", .role(.dim))
            lines.append(b.row)
        }
        while lines.count < size.lines - footerLines { lines.append(ScreenRow()) }
        lines.append(HeaderLayout.tableFooter(view, total: fleet.hosts.count, width: width))
        return RenderedFrame(grid: finish(lines, size: size), view: view)
    }

    private static func renderDetail(_ fleet: FleetState, host: Int, view inputView: ViewState, size: TerminalSize,
                                     context: RenderContext) -> RenderedFrame
    {
        var view = inputView
        let width = size.columns
        let lines = DetailLayout.lines(fleet, host: host, context: context)
        let page = size.lines - 2
        view.detailLineCount = lines.count
        view.textPage = max(1, page)
        view.detailScroll = min(max(0, view.detailScroll), max(0, lines.count - page))
        var rows = [DetailLayout.titleRow(fleet, host: host, width: width)]
        rows += DetailLayout.rows(Array(lines.dropFirst(view.detailScroll).prefix(page)), width: width)
        while rows.count < size.lines - 1 { rows.append(ScreenRow()) }
        if let special = HeaderLayout.promptFooter(view, filter: "", matched: 0, width: width) {
            rows.append(special)
        } else {
            var footer = RowBuilder(width: width)
            let shown = min(lines.count, view.detailScroll + page)
            footer.add("lines \(view.detailScroll + 1)-\(shown) of \(lines.count)", .role(.dim))
            HeaderLayout.addRight(&footer, HeaderLayout.firstFitting(["w export  q/Esc back  ? help", "q/Esc back"],
                                                                     room: footer.remaining), .role(.dim))
            rows.append(footer.row)
        }
        return RenderedFrame(grid: finish(rows, size: size), view: view)
    }

    private static func renderHelp(view inputView: ViewState, size: TerminalSize) -> RenderedFrame {
        var view = inputView
        let width = size.columns
        let lines = HelpLayout.rows(width: width)
        let page = size.lines - 2
        view.helpLineCount = lines.count
        view.textPage = max(1, page)
        view.helpScroll = min(max(0, view.helpScroll), max(0, lines.count - page))
        var rows = [HelpLayout.titleRow(width: width)]
        rows += lines.dropFirst(view.helpScroll).prefix(page)
        while rows.count < size.lines - 1 { rows.append(ScreenRow()) }
        var footer = RowBuilder(width: width)
        if lines.count > page {
            let shown = min(lines.count, view.helpScroll + page)
            footer.add("lines \(view.helpScroll + 1)-\(shown) of \(lines.count)  ↑↓ scroll", .role(.dim))
        }
        HeaderLayout.addRight(&footer, "q/Esc back", .role(.dim))
        rows.append(footer.row)
        return RenderedFrame(grid: finish(rows, size: size), view: view)
    }

    /// Exactly `size.lines` rows.
    static func finish(_ rows: [ScreenRow], size: TerminalSize) -> ScreenGrid {
        var rows = Array(rows.prefix(max(0, size.lines)))
        while rows.count < size.lines { rows.append(ScreenRow()) }
        return ScreenGrid(size: size, rows: rows)
    }
}
