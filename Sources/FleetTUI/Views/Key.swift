/// A key press (or mouse action) as the terminal layer decodes it; views never see curses codes.
enum Key: Sendable, Equatable {
    case up, down, pageUp, pageDown, home, end
    case enter, escape, backspace
    case char(Character)
    case resize
    case mouse(MouseEvent)
}

/// A mouse action at a screen cell (0-based column and line).
struct MouseEvent: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case click
        /// A second click on the same line soon after the first (see `ClickTracker`).
        case doubleClick
        case wheelUp
        case wheelDown
    }

    let kind: Kind
    let x: Int
    let y: Int
}

/// Tells a double click from two clicks: the same line within `interval` seconds. Pure (the
/// terminal passes the time), so the rule is tested without a mouse or a clock.
struct ClickTracker: Sendable {
    static let interval = 0.4

    private var last: (y: Int, time: Double)?

    mutating func click(x: Int, y: Int, at time: Double) -> MouseEvent {
        if let last, last.y == y, time >= last.time, time - last.time <= ClickTracker.interval {
            self.last = nil  // a third click starts a new pair
            return MouseEvent(kind: .doubleClick, x: x, y: y)
        }
        last = (y, time)
        return MouseEvent(kind: .click, x: x, y: y)
    }
}

/// Where `w` writes the current view.
enum ExportFormat: Sendable, Equatable {
    case text
    case csv

    var fileExtension: String { self == .text ? "txt" : "csv" }
}

/// What the main loop must do after a key: views change `ViewState` themselves, anything that
/// touches the poller, a file or the process comes back as an action.
enum ViewAction: Sendable, Equatable {
    /// Nothing changed.
    case none
    /// The view changed: draw again.
    case redraw
    case quit
    /// Poll every host now instead of waiting for the interval.
    case refreshNow
    case pauseChanged(Bool)
    case intervalChanged(Double)
    /// Write the current view to a file, then say where in `ViewState.notice`.
    case export(ExportFormat)
}
