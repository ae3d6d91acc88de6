import Dispatch
import Synchronization

/// Where code that tests must control reads the time and waits: the wall clock, the monotonic
/// clock, and a timed wait that another thread can end early. Production passes `SystemClock`;
/// tests pass a `TestClock` and move it by hand, so nothing waits for real seconds.
public protocol TimeSource: Sendable {
    /// Seconds since the epoch (timestamps that leave the process).
    func wallSeconds() -> Double
    /// Nanoseconds on a clock that never goes back (intervals, deadlines, latencies).
    func monotonicNanos() -> UInt64
    /// Blocks the calling thread until `monotonicNanos()` reaches `deadline` or `signal` is
    /// raised; true when the signal ended the wait (it is then lowered again).
    func wait(for signal: WakeSignal, untilMonotonic deadline: UInt64) -> Bool
}

extension TimeSource {
    /// The monotonic reading `seconds` from now.
    public func monotonicNanos(after seconds: Double) -> UInt64 {
        monotonicNanos() &+ Clock.nanos(fromSeconds: seconds)
    }
}

/// The real clocks.
public struct SystemClock: TimeSource {
    public init() {}

    public func wallSeconds() -> Double { Clock.wallSeconds() }
    public func monotonicNanos() -> UInt64 { Clock.monotonicNanos() }

    public func wait(for signal: WakeSignal, untilMonotonic deadline: UInt64) -> Bool {
        while true {
            if signal.lower() { return true }
            let now = Clock.monotonicNanos()
            if now >= deadline { return false }
            signal.park(nanos: deadline - now)
        }
    }
}

/// A flag one thread raises to end another thread's timed wait early (a stop request). Raising
/// it before the wait starts ends that wait at once.
public final class WakeSignal: Sendable {
    private let raised = Atomic<Bool>(false)
    private let semaphore = DispatchSemaphore(value: 0)

    public init() {}

    public func raise() {
        raised.store(true, ordering: .releasing)
        semaphore.signal()
    }

    /// Whether it was raised; lowers it.
    func lower() -> Bool { raised.exchange(false, ordering: .acquiringAndReleasing) }

    /// Makes a parked waiter look at its clock again (the semaphore may count extra pokes; every
    /// waiter re-checks the flag and the time after waking, so an extra one costs a loop turn).
    func poke() { semaphore.signal() }

    /// Sleeps until poked or raised, or at most `nanos` (nil: no limit).
    func park(nanos: UInt64?) {
        if let nanos {
            _ = semaphore.wait(timeout: .now() + .nanoseconds(Int(min(nanos, UInt64(Int.max)))))
        } else {
            semaphore.wait()
        }
    }
}
