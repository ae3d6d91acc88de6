import Glibc

/// Monotonic and wall-clock readings. Intervals, deadlines and latencies use the monotonic
/// clock; only timestamps that leave the process (scrape_timestamp, logs) use the wall clock.
public enum Clock {
    /// Nanoseconds on CLOCK_MONOTONIC.
    public static func monotonicNanos() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }

    /// Seconds since the epoch, with sub-second precision.
    public static func wallSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    public static func nanos(fromSeconds s: Double) -> UInt64 { UInt64(max(0, s) * 1e9) }
}
