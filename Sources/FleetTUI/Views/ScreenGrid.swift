import Common

struct TerminalSize: Sendable, Equatable {
    var columns: Int
    var lines: Int
}

/// What a cell means; the terminal maps roles to colour pairs (and to nothing on a mono terminal).
enum ColorRole: Sendable, Equatable, CaseIterable {
    case normal
    case ok
    case warn
    case crit
    case dim
    case header
    case title
    case selected
}

struct CellStyle: Sendable, Equatable {
    var role: ColorRole = .normal
    var bold = false
    var reverse = false

    static let normal = CellStyle()
    static func role(_ role: ColorRole, bold: Bool = false) -> CellStyle { CellStyle(role: role, bold: bold) }
}

/// A run of text drawn with one style. `width` is its display width in columns, precomputed so
/// the terminal never measures text itself.
struct ScreenCell: Sendable, Equatable {
    let text: String
    let width: Int
    let style: CellStyle
}

struct ScreenRow: Sendable, Equatable {
    var cells: [ScreenCell] = []

    var width: Int { cells.reduce(0) { $0 + $1.width } }
    var text: String { cells.map(\.text).joined() }
}

/// A whole screen: exactly `size.lines` rows, none wider than `size.columns`.
struct ScreenGrid: Sendable, Equatable {
    let size: TerminalSize
    var rows: [ScreenRow]

    /// Rows joined by newlines with trailing blanks removed, for snapshot tests.
    func text() -> String {
        rows.map { row in
            var line = row.text
            while line.last == " " { line.removeLast() }
            return line
        }.joined(separator: "\n")
    }
}

/// Builds one row left to right without ever exceeding the width.
struct RowBuilder {
    let width: Int
    private(set) var cells: [ScreenCell] = []
    private(set) var used = 0

    init(width: Int) { self.width = max(0, width) }

    var remaining: Int { width - used }

    /// Appends `text`, truncated to what is left (or to `column` columns, padded).
    mutating func add(_ text: String, _ style: CellStyle = .normal, column: Int? = nil, alignRight: Bool = false) {
        let room = min(column ?? remaining, remaining)
        guard room > 0 else { return }
        // Last line of defence: nothing that reaches a cell may move the cursor or change modes.
        let safe = UntrustedText.escape(text, limit: .max, alphabet: .printableUnicode)
        let shown = column == nil ? DisplayWidth.truncate(safe, to: room) : DisplayWidth.fit(safe, to: room, alignRight: alignRight)
        let w = DisplayWidth.of(shown)
        guard w > 0 else { return }
        cells.append(ScreenCell(text: shown, width: w, style: style))
        used += w
    }

    /// Appends `text` only if all of it fits.
    @discardableResult
    mutating func addIfFits(_ text: String, _ style: CellStyle = .normal) -> Bool {
        guard DisplayWidth.of(text) <= remaining else { return false }
        add(text, style)
        return true
    }

    mutating func space(_ n: Int = 1, _ style: CellStyle = .normal) {
        add(String(repeating: " ", count: max(0, n)), style)
    }

    /// Pads to the full width, so a selection or title bar spans the whole line.
    mutating func fill(_ style: CellStyle = .normal) { space(remaining, style) }

    var row: ScreenRow { ScreenRow(cells: cells) }
}
