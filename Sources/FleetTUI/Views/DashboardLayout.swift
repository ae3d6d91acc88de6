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
        let order = cache.rows(fleet, view)
        syncSelection(&view, order: order, pageRows: size.lines - headerLines - footerLines)

        switch view.mode {
        case .help:
            return RenderedFrame(grid: finish(HelpLayout.rows(size: size), size: size), view: view)
        case .detail:
            if let host = view.selectedHost {
                return renderDetail(fleet, host: host, view: view, size: size, context: context)
            }
            view.mode = .table
        case .table:
            break
        }
        return renderTable(fleet, order: order, view: view, size: size, context: context, cache: &cache)
    }

    /// Keeps the selection on the same host across re-sorts, else clamps the cursor, then
    /// scrolls just enough to keep the cursor on screen.
    static func syncSelection(_ view: inout ViewState, order: [Int], pageRows: Int) {
        view.rowCount = order.count
        view.pageRows = max(1, pageRows)
        if view.mode == .table && view.followsTopRow && view.cursor == 0 {
            view.selectedHost = order.first
        } else if let host = view.selectedHost, let position = order.firstIndex(of: host) {
            view.cursor = position
        } else {
            view.cursor = min(max(0, view.cursor), max(0, order.count - 1))
            view.selectedHost = order.isEmpty ? nil : order[view.cursor]
        }
        if view.cursor < view.scroll { view.scroll = view.cursor }
        if view.cursor >= view.scroll + view.pageRows { view.scroll = view.cursor - view.pageRows + 1 }
        view.scroll = min(max(0, view.scroll), max(0, order.count - view.pageRows))
    }

    private static func renderTable(_ fleet: FleetState, order: [Int], view: ViewState, size: TerminalSize,
                                    context: RenderContext, cache: inout LayoutCache) -> RenderedFrame
    {
        let width = size.columns
        let cols = TableColumns.fit(width: width, longestName: cache.hostNames(fleet).maxWidth, tasks: fleet.catalog.specsByName)
        var rows: [ScreenRow] = [
            HeaderLayout.titleRow(fleet, view: view, width: width),
            HeaderLayout.countsRow(fleet, context: context, intervalSecs: view.intervalSecs, width: width),
            TableLayout.headerRow(cols, view: view, width: width),
        ]
        let end = min(order.count, view.scroll + view.pageRows)
        if view.scroll < end {
            for position in view.scroll..<end {
                rows.append(TableLayout.hostRow(fleet, host: order[position], cols: cols,
                                                selected: position == view.cursor, now: context.now, width: width))
            }
        } else {
            var b = RowBuilder(width: width)
            b.add(fleet.hosts.isEmpty ? "no hosts in the inventory" : "no host matches the filter", .role(.dim))
            rows.append(b.row)
        }
        while rows.count < size.lines - footerLines { rows.append(ScreenRow()) }
        rows.append(HeaderLayout.tableFooter(view, total: fleet.hosts.count, width: width))
        return RenderedFrame(grid: finish(rows, size: size), view: view)
    }

    private static func renderDetail(_ fleet: FleetState, host: Int, view inputView: ViewState, size: TerminalSize,
                                     context: RenderContext) -> RenderedFrame
    {
        var view = inputView
        let width = size.columns
        let lines = DetailLayout.lines(fleet, host: host, context: context)
        let page = size.lines - 2
        view.detailLineCount = lines.count
        view.pageRows = max(1, page)
        view.detailScroll = min(max(0, view.detailScroll), max(0, lines.count - page))
        var rows = [DetailLayout.titleRow(fleet, host: host, width: width)]
        rows += DetailLayout.rows(Array(lines.dropFirst(view.detailScroll).prefix(page)), width: width)
        while rows.count < size.lines - 1 { rows.append(ScreenRow()) }
        var footer = RowBuilder(width: width)
        let shown = min(lines.count, view.detailScroll + page)
        footer.add("lines \(view.detailScroll + 1)-\(shown) of \(lines.count)", .role(.dim))
        HeaderLayout.addRight(&footer, "q/Esc back  ? help", .role(.dim))
        rows.append(footer.row)
        return RenderedFrame(grid: finish(rows, size: size), view: view)
    }

    /// Exactly `size.lines` rows.
    private static func finish(_ rows: [ScreenRow], size: TerminalSize) -> ScreenGrid {
        var rows = Array(rows.prefix(max(0, size.lines)))
        while rows.count < size.lines { rows.append(ScreenRow()) }
        return ScreenGrid(size: size, rows: rows)
    }
}
