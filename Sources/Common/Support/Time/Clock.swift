import Glibc

/// The system's monotonic and wall-clock readings. Intervals, deadlines and latencies use the
/// monotonic clock; only timestamps that leave the process (scrape_timestamp, logs, certificate
/// validity) use the wall clock. Code that tests must control takes a `TimeSource` instead
/// (`SystemClock` reads these; `TestClock` is moved by hand).
public enum Clock {
    /// Nanoseconds on CLOCK_MONOTONIC.
    public static func monotonicNanos() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }

    /// Seconds since the epoch, with sub-second precision.
    public static func wallSeconds() -> Double {
        let (seconds, nanos) = wallTime()
        return Double(seconds) + Double(nanos) / 1e9
    }

    /// Whole seconds and nanoseconds since the epoch (log timestamps need both parts exactly).
    public static func wallTime() -> (seconds: Int, nanoseconds: Int) {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return (ts.tv_sec, ts.tv_nsec)
    }

    /// Seconds as nanoseconds; negative and NaN are 0, and anything beyond ~290 years is clamped
    /// so that no caller's arithmetic can trap on a huge configured value.
    public static func nanos(fromSeconds s: Double) -> UInt64 {
        guard s > 0 else { return 0 }
        return s >= 9e9 ? 9_000_000_000 * 1_000_000_000 : UInt64(s * 1e9)
    }

    /// Nanoseconds as seconds.
    public static func seconds(fromNanos n: UInt64) -> Double { Double(n) / 1e9 }
}
