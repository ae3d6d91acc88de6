import Common
import Dispatch
import Glibc
import Synchronization

/// Runs the poller's result handler (classification: validating and skimming each body) on a
/// few worker threads, so the event loop thread only does network I/O and TLS while other cores
/// read the bodies. Each host always goes to the same worker, so one host's results are handled
/// in the order they arrived. Each worker holds at most `capacity` results and `maxBytes` of
/// bodies (a sweep's burst of answers fits; a slower worker does not make the bodies pile up):
/// when its queue is full the loop waits for room, so a poller that cannot parse as fast as it
/// reads slows down instead of buffering. With no workers the handler runs on the caller's
/// thread. A sleeping worker is woken by `flush` (the loop calls it at the end of each turn),
/// not by each `submit`: one wake-up (a futex call and a context switch) per turn's answers
/// instead of one per answer.
final class ResultWorkers: Sendable {
    private let workers: [Worker]
    private let handler: @Sendable (PollResult) -> Void

    /// A sensible number of workers on this machine: one per core beside the loop's, at least
    /// one, at most four.
    static var defaultCount: Int {
        let cores = sysconf(Int32(_SC_NPROCESSORS_ONLN))
        return max(1, min(4, cores - 1))
    }

    /// A sweep answers 64–512 hosts at once: a queue of 32 made the loop wait for the worker
    /// mid-burst (a fifth fewer polls/s than 256). 8 MiB of bodies (a hundred 79 KB bodies) kept
    /// the bench's rates; more only grows the arena the allocator then keeps (the dashboard's RSS).
    init(count: Int, capacity: Int = 256, maxBytes: Int = 8 << 20, handler: @escaping @Sendable (PollResult) -> Void) {
        self.handler = handler
        workers = (0..<max(0, count)).map {
            Worker(capacity: max(1, capacity), maxBytes: max(0, maxBytes), index: $0, handler: handler)
        }
    }

    /// Hands a result over (from the loop thread); blocks while its worker's queue is full.
    /// The worker starts on it at the next `flush` at the latest.
    func submit(_ result: PollResult) {
        guard !workers.isEmpty else { return handler(result) }
        workers[result.hostIndex % workers.count].submit(result)
    }

    /// Wakes the workers that sleep with results queued.
    func flush() {
        for w in workers { w.flush() }
    }

    /// Lets the workers finish what they hold and end.
    func stop() {
        for w in workers { w.stop() }
    }

    /// Waits until every worker has ended (after `stop`).
    func join() {
        for w in workers { w.ended.wait() }
    }

    /// Results handed over while their worker's queue was full (the loop waited), for tests.
    var waits: Int { workers.reduce(0) { $0 + $1.waits.load(ordering: .relaxed) } }

    /// One thread and its queue. The threads sleep only when their queue is empty, and are
    /// woken only then (a busy worker costs its submitter no system call per result).
    private final class Worker: Sendable {
        private struct State: Sendable {
            var ring: Ring
            var bytes = 0
            var workerSleeping = false
            var submitterWaiting = false
        }

        private let maxBytes: Int
        private let capacity: Int

        private let state: Mutex<State>
        /// The worker waits here while its queue is empty.
        private let wake = DispatchSemaphore(value: 0)
        /// The submitter waits here while the queue is full.
        private let space = DispatchSemaphore(value: 0)
        let waits = Atomic<Int>(0)
        /// Signalled when the thread ends.
        let ended = DispatchSemaphore(value: 0)

        init(capacity: Int, maxBytes: Int, index: Int, handler: @escaping @Sendable (PollResult) -> Void) {
            state = Mutex(State(ring: Ring(capacity: capacity)))
            self.maxBytes = maxBytes
            self.capacity = capacity
            NativeThread.spawn(name: "poll-results-\(index)") { [self] in
                defer { ended.signal() }
                while true {
                    let (entry, freed) = state.withLock { s -> (PollResult??, Bool) in
                        guard let entry = s.ring.pop() else {
                            s.workerSleeping = true
                            defer { s.submitterWaiting = false }
                            return (nil, s.submitterWaiting)
                        }
                        s.bytes -= entry.map(Self.size) ?? 0
                        // A waiting submitter is let go once half the queue is free, not at
                        // each free slot: one wake-up for many results instead of a context
                        // switch each way per result while parsing is the slower side.
                        guard s.submitterWaiting, s.ring.count <= capacity / 2, s.bytes <= maxBytes / 2 else {
                            return (entry, false)
                        }
                        s.submitterWaiting = false
                        return (entry, true)
                    }
                    if freed { space.signal() }
                    guard let entry else {
                        wake.wait()
                        continue
                    }
                    guard let result = entry else { return }
                    handler(result)
                }
            }
        }

        /// The bytes a queued result holds.
        static func size(_ result: PollResult) -> Int {
            if case .response(_, _, let body) = result.outcome { return body.count }
            return 0
        }

        func submit(_ result: PollResult) {
            let size = Self.size(result)
            while true {
                let (pushed, wakeWorker) = state.withLock { s -> (Bool, Bool) in
                    // An empty queue takes any result, so one large body never waits forever.
                    guard !s.ring.isFull, s.ring.isEmpty || s.bytes + size <= maxBytes else {
                        // Full: the worker must run before there is room (it may still be
                        // asleep, its wake-up deferred to the end of the turn).
                        s.submitterWaiting = true
                        defer { s.workerSleeping = false }
                        return (false, s.workerSleeping)
                    }
                    s.ring.push(result)
                    s.bytes += size
                    return (true, false)
                }
                if wakeWorker { wake.signal() }
                if pushed { return }
                waits.add(1, ordering: .relaxed)
                space.wait()
            }
        }

        func flush() {
            let wakeWorker = state.withLock { s -> Bool in
                guard s.workerSleeping, !s.ring.isEmpty else { return false }
                s.workerSleeping = false
                return true
            }
            if wakeWorker { wake.signal() }
        }

        /// A nil entry tells the thread to end once it reaches it.
        func stop() {
            let wakeWorker = state.withLock { s -> Bool in
                s.ring.push(nil, evenWhenFull: true)
                defer { s.workerSleeping = false }
                return s.workerSleeping
            }
            if wakeWorker { wake.signal() }
        }
    }

    /// A fixed-size FIFO; one extra slot takes the stop marker even when the queue is full.
    private struct Ring: Sendable {
        private var slots: [PollResult??]
        private var head = 0
        private(set) var count = 0

        init(capacity: Int) { slots = Array(repeating: nil, count: capacity + 1) }

        var isFull: Bool { count >= slots.count - 1 }
        var isEmpty: Bool { count == 0 }

        mutating func push(_ result: PollResult?, evenWhenFull: Bool = false) {
            guard count < slots.count - (evenWhenFull ? 0 : 1) else { return }
            slots[(head + count) % slots.count] = .some(result)
            count += 1
        }

        /// The next entry (`.some(nil)` is the stop marker); nil when empty.
        mutating func pop() -> PollResult?? {
            guard count > 0 else { return nil }
            let entry = slots[head]
            slots[head] = nil
            head = (head + 1) % slots.count
            count -= 1
            return entry
        }
    }
}
