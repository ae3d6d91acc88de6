/// A key press as the terminal layer decodes it; views never see curses key codes.
enum Key: Sendable, Equatable {
    case up, down, pageUp, pageDown, home, end
    case enter, escape, backspace
    case char(Character)
    case resize
}

/// What the main loop must do after a key: views change `ViewState` themselves, anything that
/// touches the poller or the process comes back as an action.
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
}
