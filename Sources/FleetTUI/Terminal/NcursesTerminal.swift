import CNcursesw
import Common
import Glibc

/// The only code that calls ncurses: draws a `ScreenGrid`, reads keys, reports the size.
/// Redraws only the rows that changed since the last frame; `restore()` always gives the
/// terminal back (it is idempotent and also runs from `deinit`).
struct TerminalUnavailable: Error, CustomStringConvertible {
    var description: String {
        let term = getenv("TERM").map { String(cString: $0) } ?? "unset"
        return "the dashboard needs a terminal (stdout a tty, TERM known; TERM is \(term)); "
            + "use 'fleet check' for a one-shot report"
    }
}

final class NcursesTerminal {
    private var previous: [ScreenRow] = []
    private var previousSize = TerminalSize(columns: 0, lines: 0)
    private var active = false
    private let colors: Bool
    private var pairs: [ColorRole: Int16] = [:]
    private var clicks = ClickTracker()

    /// Starts curses. `noColor` forces monochrome; a terminal without colours gets it anyway.
    /// `mouse` asks the terminal for clicks and the wheel (the terminal's own text selection
    /// then needs Shift). Fails (instead of ncurses exiting the process) when there is no
    /// usable terminal.
    init(noColor: Bool, mouse: Bool) throws(TerminalUnavailable) {
        _ = cnc_set_locale()
        guard cnc_start() == 1 else { throw TerminalUnavailable() }
        active = true
        cbreak()
        noecho()
        nonl()
        intrflush(cnc_stdscr(), false)
        keypad(cnc_stdscr(), true)
        curs_set(0)
        set_escdelay(25)
        if mouse {
            // Clicks are reported at once; double clicks are told apart by ClickTracker, so a
            // single click is not delayed while curses waits to see whether a second follows.
            mouseinterval(0)
            _ = mousemask(cnc_BUTTON1_PRESSED() | cnc_BUTTON1_CLICKED() | cnc_BUTTON1_DOUBLE_CLICKED()
                          | cnc_BUTTON4_PRESSED() | cnc_BUTTON5_PRESSED(), nil)
        }
        colors = !noColor && has_colors()
        if colors {
            start_color()
            use_default_colors()
            let table: [(ColorRole, Int16, Int16)] = [
                (.ok, Int16(COLOR_GREEN), -1), (.warn, Int16(COLOR_YELLOW), -1), (.crit, Int16(COLOR_RED), -1),
                (.dim, Int16(COLOR_BLUE), -1), (.header, Int16(COLOR_CYAN), -1), (.title, Int16(COLOR_WHITE), Int16(COLOR_BLUE)),
                (.selected, Int16(COLOR_BLACK), Int16(COLOR_CYAN)),
            ]
            for (i, entry) in table.enumerated() {
                let n = Int16(i + 1)
                init_pair(n, entry.1, entry.2)
                pairs[entry.0] = n
            }
        }
    }

    deinit { restore() }

    /// Leaves curses mode and shows the cursor again.
    func restore() {
        guard active else { return }
        active = false
        curs_set(1)
        endwin()
    }

    var size: TerminalSize {
        TerminalSize(columns: Int(getmaxx(cnc_stdscr())), lines: Int(getmaxy(cnc_stdscr())))
    }

    /// Forget what is on screen (after a resize) so the next frame repaints everything.
    func invalidate() {
        previous = []
        clear()
    }

    func draw(_ grid: ScreenGrid) {
        if grid.size != previousSize {
            previousSize = grid.size
            invalidate()
        }
        for (y, row) in grid.rows.enumerated() {
            if y < previous.count && previous[y] == row { continue }
            move(Int32(y), 0)
            clrtoeol()
            var x = 0
            for cell in row.cells where cell.width > 0 {
                put(y: y, x: x, cell)
                x += cell.width
            }
        }
        previous = grid.rows
        refresh()
    }

    private func put(y: Int, x: Int, _ cell: ScreenCell) {
        var attrs = cnc_A_NORMAL()
        if cell.style.bold { attrs |= cnc_A_BOLD() }
        if cell.style.reverse { attrs |= cnc_A_REVERSE() }
        if colors, let pair = pairs[cell.style.role] {
            attrs |= cnc_color_pair(Int32(pair))
        } else if !colors {
            // Monochrome: keep the meaning visible with attributes.
            switch cell.style.role {
            case .crit, .title: attrs |= cnc_A_BOLD()
            case .selected: attrs |= cnc_A_REVERSE()
            case .dim: attrs |= cnc_A_DIM()
            case .header: attrs |= cnc_A_UNDERLINE()
            default: break
            }
        }
        var wide = Array(cell.text.unicodeScalars.map { wchar_t(bitPattern: $0.value) })
        wide.append(0)
        _ = cnc_put(Int32(y), Int32(x), wide, Int32(wide.count - 1), attrs)
    }

    private func readMouse() -> Key? {
        var event = MEVENT()
        guard getmouse(&event) == OK else { return nil }
        let x = Int(event.x), y = Int(event.y)
        let state = event.bstate
        if state & cnc_BUTTON4_PRESSED() != 0 { return .mouse(MouseEvent(kind: .wheelUp, x: x, y: y)) }
        if state & cnc_BUTTON5_PRESSED() != 0 { return .mouse(MouseEvent(kind: .wheelDown, x: x, y: y)) }
        if state & cnc_BUTTON1_DOUBLE_CLICKED() != 0 { return .mouse(MouseEvent(kind: .doubleClick, x: x, y: y)) }
        if state & (cnc_BUTTON1_PRESSED() | cnc_BUTTON1_CLICKED()) != 0 {
            let now = Double(Clock.monotonicNanos()) / 1e9
            return .mouse(clicks.click(x: x, y: y, at: now))
        }
        return nil
    }

    /// Waits up to `timeoutMs` for a key.
    func readKey(timeoutMs: Int32) -> Key? {
        timeout(timeoutMs)
        var ch: wint_t = 0
        let rc = get_wch(&ch)
        if rc == ERR { return nil }
        if rc == KEY_CODE_YES {
            switch Int32(ch) {
            case KEY_UP: return .up
            case KEY_DOWN: return .down
            case KEY_PPAGE: return .pageUp
            case KEY_NPAGE: return .pageDown
            case KEY_HOME: return .home
            case KEY_END: return .end
            case KEY_ENTER: return .enter
            case KEY_BACKSPACE: return .backspace
            case KEY_RESIZE: return .resize
            case KEY_MOUSE: return readMouse()
            default: return nil
            }
        }
        switch ch {
        case 27: return .escape
        case 10, 13: return .enter
        case 127, 8: return .backspace
        default:
            guard let scalar = Unicode.Scalar(UInt32(ch)) else { return nil }
            return .char(Character(scalar))
        }
    }
}
