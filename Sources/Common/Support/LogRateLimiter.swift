/// Decides which log lines of each kind get written: at most `burst` lines per kind in any
/// window of `intervalNanos`; the rest are counted, and the count is reported with the next line
/// written for that kind, or by `dueSummaries` once the window has passed. Pure: the caller
/// passes the monotonic time in, so tests drive it without a clock.
public struct LogRateLimiter<Kind: Hashable & Sendable>: Sendable {
    public enum Decision: Sendable, Equatable {
        /// Write the line; `suppressedBefore` lines of this kind were held back since the last
        /// line or summary written for it.
        case write(suppressedBefore: Int)
        /// Hold the line back (it is counted).
        case suppress
    }

    private struct Window: Sendable {
        let kind: Kind
        var start: UInt64
        var written: Int
        var suppressed: Int
    }

    public let intervalNanos: UInt64
    public let burst: Int
    /// In first-seen order so summaries come out in a stable order; kinds are few.
    private var windows: [Window] = []

    public init(intervalNanos: UInt64, burst: Int = 1) {
        self.intervalNanos = max(1, intervalNanos)
        self.burst = max(1, burst)
    }

    public mutating func decide(_ kind: Kind, now: UInt64) -> Decision {
        guard let i = windows.firstIndex(where: { $0.kind == kind }) else {
            windows.append(Window(kind: kind, start: now, written: 1, suppressed: 0))
            return .write(suppressedBefore: 0)
        }
        if isOpen(windows[i], now: now) {
            if windows[i].written < burst {
                windows[i].written += 1
                return .write(suppressedBefore: 0)
            }
            // Saturating: a count cannot trap however long a flood lasts.
            windows[i].suppressed = windows[i].suppressed == Int.max ? Int.max : windows[i].suppressed + 1
            return .suppress
        }
        let carried = windows[i].suppressed
        windows[i] = Window(kind: kind, start: now, written: 1, suppressed: 0)
        return .write(suppressedBefore: carried)
    }

    /// Kinds whose window has closed with lines held back, each with its count, returned once
    /// (a flood that stops still gets its total reported).
    public mutating func dueSummaries(now: UInt64) -> [(kind: Kind, suppressed: Int)] {
        var due: [(kind: Kind, suppressed: Int)] = []
        var open: [Window] = []
        for w in windows {
            if isOpen(w, now: now) {
                open.append(w)
            } else if w.suppressed > 0 {
                due.append((w.kind, w.suppressed))
            }
        }
        windows = open
        return due
    }

    /// A clock that reads earlier than the window's start (it should not) closes the window
    /// rather than muting the kind.
    private func isOpen(_ w: Window, now: UInt64) -> Bool {
        now >= w.start && now - w.start < intervalNanos
    }
}
