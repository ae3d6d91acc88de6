import Common
import Synchronization

/// The progress of a multi-host run on stderr. On a terminal, one line redrawn in place
/// (`[3/10] 1 failed; running: a, b`); otherwise one line per finished host, so logs of CI
/// runs stay readable.
final class ProgressReporter: Sendable {
    private struct State {
        var done = 0
        var failed = 0
        var running: [String] = []
        var drewLine = false
    }

    private let total: Int
    private let io: CommandIO
    private let state = Mutex(State())

    init(total: Int, io: CommandIO) {
        self.total = total
        self.io = io
    }

    func started(_ target: DeployTarget) {
        state.withLock { s in
            s.running.append(target.name)
            if io.stderrIsTerminal { redraw(&s) }
        }
    }

    func finished(_ result: HostJobResult) {
        state.withLock { s in
            s.done += 1
            if !result.succeeded { s.failed += 1 }
            if let i = s.running.firstIndex(of: result.target.name) { s.running.remove(at: i) }
            if io.stderrIsTerminal {
                redraw(&s)
            } else {
                io.err("[\(s.done)/\(total)] \(result.target.name): \(result.outcome)")
            }
        }
    }

    /// Ends the redrawn line so the table starts on a fresh one.
    func finish() {
        state.withLock { s in
            if s.drewLine { io.writeErr("\r\u{1B}[K") }
            s.drewLine = false
        }
    }

    private func redraw(_ s: inout State) {
        var line = "[\(s.done)/\(total)]"
        if s.failed > 0 { line += " \(s.failed) failed;" }
        if !s.running.isEmpty {
            var names = s.running.prefix(4).joined(separator: ", ")
            if s.running.count > 4 { names += ", +\(s.running.count - 4)" }
            line += " running: " + names
        }
        io.writeErr("\r\u{1B}[K" + line)
        s.drewLine = true
    }
}
