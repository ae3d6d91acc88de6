enum ViewMode: Sendable, Equatable {
    case table
    case detail
    case events
    case help
}

/// A sortable column's title on screen: the cells it spans.
struct SortTitle: Sendable, Equatable {
    let columns: Range<Int>
    let sort: SortColumn
}

/// Columns the table can be sorted by. Each has a natural "worst first" direction.
enum SortColumn: Int, CaseIterable, Sendable {
    case status, host, age, latency, skew

    var label: String {
        switch self {
        case .status: return "status"
        case .host: return "host"
        case .age: return "age"
        case .latency: return "latency"
        case .skew: return "skew"
        }
    }
}

/// A visible row of the events list: which event, and whose.
struct EventRef: Sendable, Equatable {
    let number: Int
    let host: Int
}

/// Everything about the dashboard that is not fleet data: what is shown, how, and where.
/// Bounds (row counts, page sizes, the rows on screen) are written by the layout (see
/// `DashboardLayout.render`), so key and mouse handling know them without seeing the fleet.
struct ViewState: Sendable, Equatable {
    var mode: ViewMode = .table
    /// Where help returns to.
    var modeBeforeHelp: ViewMode = .table
    /// Where the detail view returns to (the table, or the events list it was opened from).
    var detailReturnMode: ViewMode = .table
    var sort: SortColumn = .status
    /// Reverses the sort column's natural (worst first) order.
    var reversed = false
    var groupBy: GroupBy = .none
    /// Collapsed groups, as `Grouping.collapseKey`.
    var collapsed: Set<String> = []
    var showAddress = false
    /// The table's filter.
    var filter = ""
    /// The events list's own filter.
    var eventFilter = ""
    /// `/` is editing the filter of the current list.
    var isEditingFilter = false
    /// `w` asked for a format; the next key answers.
    var isChoosingExport = false
    /// A one-line message for the footer (where an export went); cleared by the next key.
    var notice: String?

    var table = ListPosition()
    /// The selected table row: a host (and its group when grouped), or a group header when
    /// only `selectedGroup` is set. Kept across re-sorts so the selection follows the host;
    /// both nil after a cursor move until the next layout picks the row under the cursor.
    var selectedHost: Int?
    var selectedGroup: String?
    /// The table rows on screen, top first.
    var visibleRows: [RowID] = []

    var events = ListPosition()
    /// The selected event's number (see `EventRing`).
    var selectedEvent: Int?
    var pageEvents: [EventRef] = []

    /// The host the detail view shows.
    var detailHost: Int?
    var detailScroll = 0
    var detailLineCount = 0
    var helpScroll = 0
    var helpLineCount = 0
    /// Lines of text a detail or help page shows.
    var textPage = 1
    /// Screen line of the first row of the current list (for mouse clicks).
    var listTop = 0
    /// Where the table's sortable column titles are on the line above its first row (a click
    /// on one sorts by it).
    var sortTitles: [SortTitle] = []

    var paused = false
    var intervalSecs: Double

    /// Poll intervals `+` and `-` step through.
    static let intervalSteps: [Double] = [1, 2, 3, 5, 10, 15, 30, 60, 120, 300]
    /// Rows one wheel notch moves.
    static let wheelRows = 3

    init(intervalSecs: Double = 5) { self.intervalSecs = intervalSecs }

    // The table's position, under the names the rest of the code has always used.
    var cursor: Int {
        get { table.cursor }
        set { table.cursor = newValue }
    }
    var scroll: Int {
        get { table.scroll }
        set { table.scroll = newValue }
    }
    var rowCount: Int {
        get { table.rowCount }
        set { table.rowCount = newValue }
    }
    var pageRows: Int {
        get { table.pageRows }
        set { table.pageRows = newValue }
    }
    var followsTopRow: Bool {
        get { table.followsTop }
        set { table.followsTop = newValue }
    }

    /// The table row under the cursor, when the layout has placed it.
    var currentRow: RowID? {
        if selectedHost != nil || selectedGroup != nil { return RowID(group: selectedGroup, host: selectedHost) }
        let onPage = table.cursor - table.scroll
        return visibleRows.indices.contains(onPage) ? visibleRows[onPage] : nil
    }

    mutating func handle(_ key: Key) -> ViewAction {
        if key == .resize { return .redraw }
        if isChoosingExport { return chooseExport(key) }
        let hadNotice = notice != nil
        notice = nil
        let action: ViewAction
        switch mode {
        case .help: action = handleHelp(key)
        case .detail: action = handleDetail(key)
        case .events: action = isEditingFilter ? handleFilterEditing(key) : handleEvents(key)
        case .table: action = isEditingFilter ? handleFilterEditing(key) : handleTable(key)
        }
        return action == .none && hadNotice ? .redraw : action
    }

    private mutating func handleTable(_ key: Key) -> ViewAction {
        if let moved = table.moveFor(key) { return cursorMoved(moved) }
        switch key {
        case .enter: return activateTableRow()
        case .mouse(let m): return tableMouse(m)
        case .char("s"):
            sort = SortColumn(rawValue: (sort.rawValue + 1) % SortColumn.allCases.count) ?? .status
            reversed = false
            return .redraw
        case .char("S"):
            reversed.toggle()
            return .redraw
        case .char("g"):
            groupBy = groupBy.next
            return .redraw
        case .char("a"):
            showAddress.toggle()
            return .redraw
        case .char("/"):
            isEditingFilter = true
            return .redraw
        case .escape:
            guard !filter.isEmpty else { return .none }
            filter = ""
            return .redraw
        case .char("q"): return .quit
        default: return handleCommon(key)
        }
    }

    /// Enter on a group header folds or unfolds it; on a host opens its detail.
    private mutating func activateTableRow() -> ViewAction {
        guard table.rowCount > 0 else { return .none }
        if let row = currentRow, row.host == nil, let group = row.group {
            let key = Grouping.collapseKey(groupBy, group)
            if collapsed.contains(key) { collapsed.remove(key) } else { collapsed.insert(key) }
            return .redraw
        }
        openDetail(currentRow?.host, returnTo: .table)
        return .redraw
    }

    private mutating func tableMouse(_ m: MouseEvent) -> ViewAction {
        switch m.kind {
        case .wheelUp: return cursorMoved(table.move(to: table.cursor - ViewState.wheelRows))
        case .wheelDown: return cursorMoved(table.move(to: table.cursor + ViewState.wheelRows))
        case .click, .doubleClick:
            if m.y == listTop - 1 { return sortByTitle(at: m.x) }
            guard let position = table.row(atLine: m.y, top: listTop) else { return .none }
            let onPage = position - table.scroll
            _ = table.move(to: position)
            if visibleRows.indices.contains(onPage) {
                selectedHost = visibleRows[onPage].host
                selectedGroup = visibleRows[onPage].group
            }
            return m.kind == .doubleClick ? activateTableRow() : .redraw
        }
    }

    /// A click on a column title sorts by that column, worst first; a second click reverses.
    private mutating func sortByTitle(at x: Int) -> ViewAction {
        guard let title = sortTitles.first(where: { $0.columns.contains(x) }) else { return .none }
        if sort == title.sort {
            reversed.toggle()
        } else {
            sort = title.sort
            reversed = false
        }
        return .redraw
    }

    private mutating func cursorMoved(_ moved: Bool) -> ViewAction {
        guard moved else { return .none }
        selectedHost = nil
        selectedGroup = nil
        return .redraw
    }

    private mutating func openDetail(_ host: Int?, returnTo: ViewMode) {
        detailHost = host
        detailReturnMode = returnTo
        detailScroll = 0
        mode = .detail
    }

    private mutating func handleEvents(_ key: Key) -> ViewAction {
        if let moved = events.moveFor(key) { return eventCursorMoved(moved) }
        switch key {
        case .enter: return openEventHost(at: events.cursor)
        case .mouse(let m):
            switch m.kind {
            case .wheelUp: return eventCursorMoved(events.move(to: events.cursor - ViewState.wheelRows))
            case .wheelDown: return eventCursorMoved(events.move(to: events.cursor + ViewState.wheelRows))
            case .click, .doubleClick:
                guard let position = events.row(atLine: m.y, top: listTop) else { return .none }
                _ = events.move(to: position)
                let onPage = position - events.scroll
                selectedEvent = pageEvents.indices.contains(onPage) ? pageEvents[onPage].number : nil
                return m.kind == .doubleClick ? openEventHost(at: position) : .redraw
            }
        case .char("/"):
            isEditingFilter = true
            return .redraw
        case .escape where !eventFilter.isEmpty:
            eventFilter = ""
            return .redraw
        case .char("q"), .escape, .backspace, .char("e"):
            mode = .table
            return .redraw
        default: return handleCommon(key)
        }
    }

    private mutating func eventCursorMoved(_ moved: Bool) -> ViewAction {
        guard moved else { return .none }
        selectedEvent = nil
        return .redraw
    }

    private mutating func openEventHost(at position: Int) -> ViewAction {
        let onPage = position - events.scroll
        guard pageEvents.indices.contains(onPage) else { return .none }
        openDetail(pageEvents[onPage].host, returnTo: .events)
        return .redraw
    }

    /// Typing into the filter of the table or of the events list.
    private mutating func handleFilterEditing(_ key: Key) -> ViewAction {
        var text = mode == .events ? eventFilter : filter
        defer { if mode == .events { eventFilter = text } else { filter = text } }
        switch key {
        case .enter:
            isEditingFilter = false
        case .escape:
            isEditingFilter = false
            text = ""
        case .backspace, .char("\u{7F}"), .char("\u{08}"):
            guard !text.isEmpty else { return .none }
            text.removeLast()
        case .char(let c):
            guard !c.isNewline, c.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) else { return .none }
            text.append(c)
        case .up, .down, .pageUp, .pageDown:
            return mode == .events ? handleEvents(key) : handleTable(key)
        default: return .none
        }
        return .redraw
    }

    private mutating func handleDetail(_ key: Key) -> ViewAction {
        switch key {
        case .char("q"), .escape, .backspace:
            mode = detailReturnMode
            return .redraw
        default:
            if let action = scrollText(key, scroll: &detailScroll, lines: detailLineCount) { return action }
            return handleCommon(key)
        }
    }

    private mutating func handleHelp(_ key: Key) -> ViewAction {
        switch key {
        case .char("q"), .escape, .char("?"), .enter, .backspace:
            mode = modeBeforeHelp
            return .redraw
        default:
            return scrollText(key, scroll: &helpScroll, lines: helpLineCount) ?? .none
        }
    }

    /// Arrows, pages and the wheel in a page of text; nil for other keys.
    private func scrollText(_ key: Key, scroll: inout Int, lines: Int) -> ViewAction? {
        let maxScroll = max(0, lines - textPage)
        let target: Int
        switch key {
        case .up, .char("k"): target = scroll - 1
        case .down, .char("j"): target = scroll + 1
        case .pageUp: target = scroll - max(1, textPage)
        case .pageDown: target = scroll + max(1, textPage)
        case .home, .char("g"): target = 0
        case .end, .char("G"): target = maxScroll
        case .mouse(let m) where m.kind == .wheelUp: target = scroll - ViewState.wheelRows
        case .mouse(let m) where m.kind == .wheelDown: target = scroll + ViewState.wheelRows
        case .mouse: return ViewAction.none
        default: return nil
        }
        let clamped = min(max(0, target), maxScroll)
        guard clamped != scroll else { return ViewAction.none }
        scroll = clamped
        return .redraw
    }

    private mutating func chooseExport(_ key: Key) -> ViewAction {
        isChoosingExport = false
        switch key {
        case .char("t"): return .export(.text)
        case .char("c"): return .export(.csv)
        default:
            notice = "export cancelled"
            return .redraw
        }
    }

    /// Keys that mean the same in the table, the detail view and the events list.
    private mutating func handleCommon(_ key: Key) -> ViewAction {
        switch key {
        case .char("?"):
            modeBeforeHelp = mode
            helpScroll = 0
            mode = .help
            return .redraw
        case .char("e"):
            mode = .events
            return .redraw
        case .char("w"):
            isChoosingExport = true
            return .redraw
        case .char("p"):
            paused.toggle()
            return .pauseChanged(paused)
        case .char("r"):
            return .refreshNow
        case .char("+"), .char("="):
            guard let next = ViewState.intervalSteps.first(where: { $0 > intervalSecs }) else { return .none }
            intervalSecs = next
            return .intervalChanged(next)
        case .char("-"), .char("_"):
            guard let next = ViewState.intervalSteps.last(where: { $0 < intervalSecs }) else { return .none }
            intervalSecs = next
            return .intervalChanged(next)
        default:
            return .none
        }
    }
}
