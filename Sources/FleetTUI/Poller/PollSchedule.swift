/// Pure scheduling arithmetic for the poller, testable without sockets or clocks.
enum PollSchedule {
    /// A stable offset in [0, interval) from the host's name (FNV-1a), so a large fleet's
    /// polls are spread across the interval instead of arriving in bursts, and the same host
    /// keeps its slot across restarts.
    static func offset(for name: String, intervalSecs: Double) -> Double {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in name.utf8 {
            hash ^= UInt64(b)
            hash = hash &* 0x100_0000_01b3
        }
        let fraction = Double(hash % 1_000_000) / 1_000_000
        return fraction * intervalSecs
    }

    /// Delay before the next poll of a host: the interval while it answers; after failures,
    /// doubling up to a minute (or the interval, if longer), so dead hosts cost little.
    static func nextDelay(intervalSecs: Double, consecutiveFailures: Int) -> Double {
        guard consecutiveFailures > 1 else { return intervalSecs }
        let factor = Double(1 << min(consecutiveFailures - 1, 10))
        return min(intervalSecs * factor, max(intervalSecs, 60))
    }

    /// How many connections may stay open given the open-files limit (a margin is kept for
    /// the terminal, logs and the event loop's own descriptors).
    static func connectionBudget(openFilesLimit: UInt64, reserved: UInt64 = 64) -> Int {
        openFilesLimit > reserved ? Int(min(openFilesLimit - reserved, UInt64(Int32.max))) : 1
    }
}
