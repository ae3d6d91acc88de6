enum ViewMode: Sendable, Equatable {
    case table
    case detail
    case help
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

/// Everything about the dashboard that is not fleet data: what is shown, how, and where.
/// `rowCount`, `pageRows` and `detailLineCount` are written by the layout (see
/// `DashboardLayout.render`), so key handling knows the bounds without seeing the fleet.
struct ViewState: Sendable, Equatable {
    var mode: ViewMode = .table
    /// Where help returns to.
    var modeBeforeHelp: ViewMode = .table
    var sort: SortColumn = .status
    /// Reverses the sort column's natural (worst first) order.
    var reversed = false
    var filter = ""
    var isEditingFilter = false
    /// Position of the selection among the visible (sorted, filtered) rows.
    var cursor = 0
    /// The selected host (inventory index). Kept across re-sorts so the selection follows the
    /// host; nil after a cursor move until the next layout picks the host under the cursor.
    var selectedHost: Int?
    /// True until the operator moves the cursor off the first row: the top of the table then
    /// keeps showing the worst hosts as statuses change, instead of following whichever host
    /// happened to be first (at start-up every host is WAIT).
    var followsTopRow = true
    var scroll = 0
    var detailScroll = 0
    var paused = false
    var intervalSecs: Double

    var rowCount = 0
    var pageRows = 1
    var detailLineCount = 0

    /// Poll intervals `+` and `-` step through.
    static let intervalSteps: [Double] = [1, 2, 3, 5, 10, 15, 30, 60, 120, 300]

    init(intervalSecs: Double = 5) { self.intervalSecs = intervalSecs }

    mutating func handle(_ key: Key) -> ViewAction {
        if key == .resize { return .redraw }
        switch mode {
        case .help: return handleHelp(key)
        case .detail: return handleDetail(key)
        case .table: return isEditingFilter ? handleFilterEditing(key) : handleTable(key)
        }
    }

    private mutating func handleTable(_ key: Key) -> ViewAction {
        switch key {
        case .up, .char("k"): return moveCursor(to: cursor - 1)
        case .down, .char("j"): return moveCursor(to: cursor + 1)
        case .pageUp: return moveCursor(to: cursor - max(1, pageRows))
        case .pageDown: return moveCursor(to: cursor + max(1, pageRows))
        case .home, .char("g"): return moveCursor(to: 0)
        case .end, .char("G"): return moveCursor(to: rowCount - 1)
        case .enter:
            guard rowCount > 0 else { return .none }
            mode = .detail
            detailScroll = 0
            return .redraw
        case .char("s"):
            sort = SortColumn(rawValue: (sort.rawValue + 1) % SortColumn.allCases.count) ?? .status
            reversed = false
            return .redraw
        case .char("S"):
            reversed.toggle()
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

    private mutating func handleFilterEditing(_ key: Key) -> ViewAction {
        switch key {
        case .enter:
            isEditingFilter = false
        case .escape:
            isEditingFilter = false
            filter = ""
        case .backspace, .char("\u{7F}"), .char("\u{08}"):
            guard !filter.isEmpty else { return .none }
            filter.removeLast()
        case .char(let c):
            guard !c.isNewline, c.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) else { return .none }
            filter.append(c)
        case .up: return moveCursor(to: cursor - 1)
        case .down: return moveCursor(to: cursor + 1)
        case .pageUp: return moveCursor(to: cursor - max(1, pageRows))
        case .pageDown: return moveCursor(to: cursor + max(1, pageRows))
        default: return .none
        }
        return .redraw
    }

    private mutating func handleDetail(_ key: Key) -> ViewAction {
        let maxScroll = max(0, detailLineCount - pageRows)
        switch key {
        case .up, .char("k"): return scrollDetail(to: detailScroll - 1, max: maxScroll)
        case .down, .char("j"): return scrollDetail(to: detailScroll + 1, max: maxScroll)
        case .pageUp: return scrollDetail(to: detailScroll - max(1, pageRows), max: maxScroll)
        case .pageDown: return scrollDetail(to: detailScroll + max(1, pageRows), max: maxScroll)
        case .home, .char("g"): return scrollDetail(to: 0, max: maxScroll)
        case .end, .char("G"): return scrollDetail(to: maxScroll, max: maxScroll)
        case .char("q"), .escape, .backspace:
            mode = .table
            return .redraw
        default: return handleCommon(key)
        }
    }

    private mutating func handleHelp(_ key: Key) -> ViewAction {
        switch key {
        case .char("q"), .escape, .char("?"), .enter, .backspace:
            mode = modeBeforeHelp
            return .redraw
        default: return .none
        }
    }

    /// Keys that mean the same in the table and the detail view.
    private mutating func handleCommon(_ key: Key) -> ViewAction {
        switch key {
        case .char("?"):
            modeBeforeHelp = mode
            mode = .help
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

    private mutating func moveCursor(to position: Int) -> ViewAction {
        let target = min(max(0, position), max(0, rowCount - 1))
        guard target != cursor else { return .none }
        cursor = target
        selectedHost = nil
        followsTopRow = target == 0
        return .redraw
    }

    private mutating func scrollDetail(to position: Int, max maxScroll: Int) -> ViewAction {
        let target = min(max(0, position), maxScroll)
        guard target != detailScroll else { return .none }
        detailScroll = target
        return .redraw
    }
}
