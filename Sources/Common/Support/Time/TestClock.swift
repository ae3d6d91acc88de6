import Dispatch
import Synchronization

/// A clock that moves only when told to (`advance`), for tests of code that waits: a supervisor's
/// intervals, timeouts and backoff run in microseconds of real time. `waitForWaiters` lets a test
/// move time only once the threads under test have finished their work and are waiting again.
public final class TestClock: TimeSource {
    private struct Waiter {
        let id: Int
        let signal: WakeSignal
        let deadline: UInt64
    }

    private struct State {
        var wall: Double
        var monotonic: UInt64
        var waiters: [Waiter] = []
        var nextID = 0
    }

    private let state: Mutex<State>
    /// Signalled whenever a thread starts waiting.
    private let arrivals = DispatchSemaphore(value: 0)

    /// Starts at the given wall time (default 2023-11-14) and monotonic reading.
    public init(wallSeconds: Double = 1_700_000_000, monotonicNanos: UInt64 = 1_000_000_000) {
        state = Mutex(State(wall: wallSeconds, monotonic: monotonicNanos))
    }

    public func wallSeconds() -> Double { state.withLock { $0.wall } }
    public func monotonicNanos() -> UInt64 { state.withLock { $0.monotonic } }

    /// Moves both clocks forward. Waiters whose deadline has come are released at once (they are
    /// no longer counted by `waitingCount`), so a following `waitForWaiters` sees them only once
    /// they wait again.
    public func advance(bySeconds seconds: Double) {
        let due = state.withLock { s -> [WakeSignal] in
            s.wall += max(0, seconds)
            s.monotonic &+= Clock.nanos(fromSeconds: seconds)
            let now = s.monotonic
            let due = s.waiters.filter { $0.deadline <= now }
            s.waiters.removeAll { $0.deadline <= now }
            return due.map(\.signal)
        }
        for signal in due { signal.poke() }
    }

    /// Threads waiting on this clock right now.
    public var waitingCount: Int { state.withLock { $0.waiters.count } }

    /// Blocks (in real time, at most `timeoutSecs`) until at least `count` threads wait on this
    /// clock; false on timeout.
    @discardableResult
    public func waitForWaiters(_ count: Int, timeoutSecs: Double = 10) -> Bool {
        let end = Clock.monotonicNanos() &+ Clock.nanos(fromSeconds: timeoutSecs)
        while true {
            if waitingCount >= count { return true }
            let now = Clock.monotonicNanos()
            if now >= end { return false }
            _ = arrivals.wait(timeout: .now() + .nanoseconds(Int(end - now)))
        }
    }

    public func wait(for signal: WakeSignal, untilMonotonic deadline: UInt64) -> Bool {
        let id = state.withLock { s -> Int? in
            guard s.monotonic < deadline else { return nil }
            s.nextID += 1
            s.waiters.append(Waiter(id: s.nextID, signal: signal, deadline: deadline))
            return s.nextID
        }
        guard let id else { return signal.lower() }
        arrivals.signal()
        while true {
            if signal.lower() {
                state.withLock { $0.waiters.removeAll { $0.id == id } }
                return true
            }
            // `advance` removes a waiter whose time has come.
            if state.withLock({ s in !s.waiters.contains { $0.id == id } }) { return false }
            signal.park(nanos: nil)
        }
    }
}
