import Foundation
import XCTest

/// A program running in a detached tmux session on a private socket, driven as a user would:
/// send-keys in, capture-pane out. tmux is launched with posix_spawn (see SpawnedProcess).
final class TmuxSession {
    let socket: String
    let dir: String

    init(command: String, columns: Int = 120, lines: Int = 32, dir: String) throws {
        socket = "fleet-test-\(getpid())-\(Int.random(in: 0..<1_000_000))"
        self.dir = dir
        try run(["-u", "new-session", "-d", "-x", String(columns), "-y", String(lines), "LANG=C.UTF-8 TERM=xterm-256color " + command])
    }

    deinit { _ = try? run(["kill-server"]) }

    static var available: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") }

    @discardableResult
    func run(_ args: [String]) throws -> String {
        let p = try SpawnedProcess(["/usr/bin/tmux", "-L", socket] + args, outputDir: dir, name: "tmux-\(Int.random(in: 0..<1_000_000))")
        guard p.wait(timeout: 10) != nil else { throw TestFailure("tmux \(args) hung") }
        return p.stdout
    }

    func capture() -> String { (try? run(["capture-pane", "-p"])) ?? "" }

    func send(_ keys: String...) throws { try run(["send-keys"] + keys) }

    /// A left click (or two, for a double click) at a 0-based cell, written as the xterm SGR
    /// mouse report a terminal sends once the program turned mouse reporting on. tmux passes
    /// the bytes through to the pane in one write, so curses reads them as one mouse event.
    func click(column: Int, line: Int, double: Bool = false) throws {
        let one = "\u{1B}[<0;\(column + 1);\(line + 1)M\u{1B}[<0;\(column + 1);\(line + 1)m"
        try send("-l", double ? one + one : one)
    }

    /// One notch of the wheel at a 0-based cell.
    func wheel(down: Bool, column: Int = 1, line: Int = 5) throws {
        try send("-l", "\u{1B}[<\(down ? 65 : 64);\(column + 1);\(line + 1)M")
    }

    func resize(columns: Int, lines: Int) throws {
        try run(["resize-window", "-x", String(columns), "-y", String(lines)])
    }

    /// Waits until the screen satisfies `condition`; returns the last screen.
    @discardableResult
    func waitFor(_ what: String, timeout: Double = 10, _ condition: (String) -> Bool) -> String {
        var screen = ""
        let ok = TestPaths.eventually(timeout: timeout) {
            screen = capture()
            return condition(screen)
        }
        XCTAssertTrue(ok, "screen never showed \(what):\n\(screen)")
        return screen
    }
}
