/// Cursor and scroll of one scrolling list (the host table, the events list). `rowCount` and
/// `pageRows` are written by the layout, so key handling knows the bounds without the data.
struct ListPosition: Sendable, Equatable {
    /// Position of the selection among the visible (sorted, filtered) rows.
    var cursor = 0
    /// First row on screen.
    var scroll = 0
    var rowCount = 0
    var pageRows = 1
    /// True until the operator moves the cursor off the first row: the top of the list then
    /// keeps showing the newest or worst rows as they change, instead of following whichever
    /// row happened to be first.
    var followsTop = true

    /// Moves the cursor, clamped; false when it did not move.
    mutating func move(to position: Int) -> Bool {
        let target = min(max(0, position), max(0, rowCount - 1))
        guard target != cursor else { return false }
        cursor = target
        followsTop = target == 0
        return true
    }

    /// Moves for the keys every list shares; nil for any other key.
    mutating func moveFor(_ key: Key) -> Bool? {
        switch key {
        case .up, .char("k"): return move(to: cursor - 1)
        case .down, .char("j"): return move(to: cursor + 1)
        case .pageUp: return move(to: cursor - max(1, pageRows))
        case .pageDown: return move(to: cursor + max(1, pageRows))
        case .home: return move(to: 0)
        case .end, .char("G"): return move(to: rowCount - 1)
        default: return nil
        }
    }

    /// The row under screen line `y` when the list's first row is on line `top`.
    func row(atLine y: Int, top: Int) -> Int? {
        let position = scroll + (y - top)
        guard y >= top, y < top + pageRows, position < rowCount else { return nil }
        return position
    }

    /// Keeps `cursor` within the rows and on screen, scrolling as little as possible.
    mutating func clamp(rows: Int, page: Int) {
        rowCount = rows
        pageRows = max(1, page)
        cursor = min(max(0, cursor), max(0, rows - 1))
        if cursor < scroll { scroll = cursor }
        if cursor >= scroll + pageRows { scroll = cursor - pageRows + 1 }
        scroll = min(max(0, scroll), max(0, rows - pageRows))
    }
}
