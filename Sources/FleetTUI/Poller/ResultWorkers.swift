import Common
import Dispatch
import Glibc
import Synchronization

/// Runs the poller's result handler (classification: validating and skimming each body) on a
/// few worker threads, so the event loop thread only does network I/O and TLS while other cores
/// read the bodies. Each host always goes to the same worker, so one host's results are handled
/// in the order they arrived. Each worker holds at most `capacity` results: when its queue is
/// full the loop waits for a slot (the bodies waiting are bounded, and a poller that cannot
/// parse as fast as it reads slows down instead of buffering). With no workers the handler runs
/// on the caller's thread.
final class ResultWorkers: Sendable {
    private let workers: [Worker]
    private let handler: @Sendable (PollResult) -> Void

    /// A sensible number of workers on this machine: one per core beside the loop's, at least
    /// one, at most four.
    static var defaultCount: Int {
        let cores = sysconf(Int32(_SC_NPROCESSORS_ONLN))
        return max(1, min(4, cores - 1))
    }

    init(count: Int, capacity: Int = 32, handler: @escaping @Sendable (PollResult) -> Void) {
        self.handler = handler
        workers = (0..<max(0, count)).map { Worker(capacity: max(1, capacity), index: $0, handler: handler) }
    }

    /// Hands a result over (from the loop thread); blocks while its worker's queue is full.
    func submit(_ result: PollResult) {
        guard !workers.isEmpty else { return handler(result) }
        workers[result.hostIndex % workers.count].submit(result)
    }

    /// Lets the workers finish what they hold and end.
    func stop() {
        for w in workers { w.stop() }
    }

    /// Results handed over while the worker's queue was full (the loop waited), for tests.
    var waits: Int { workers.reduce(0) { $0 + $1.waits.load(ordering: .relaxed) } }

    private final class Worker: Sendable {
        private let queue: Mutex<Ring>
        private let slots: DispatchSemaphore
        private let items = DispatchSemaphore(value: 0)
        let waits = Atomic<Int>(0)

        init(capacity: Int, index: Int, handler: @escaping @Sendable (PollResult) -> Void) {
            queue = Mutex(Ring(capacity: capacity))
            slots = DispatchSemaphore(value: capacity)
            NativeThread.spawn(name: "poll-results-\(index)") { [self] in
                while true {
                    items.wait()
                    guard let next = queue.withLock({ $0.pop() }) else { return }
                    slots.signal()
                    guard let result = next else { return }
                    handler(result)
                }
            }
        }

        func submit(_ result: PollResult) {
            if slots.wait(timeout: .now()) == .timedOut {
                waits.add(1, ordering: .relaxed)
                slots.wait()
            }
            queue.withLock { $0.push(result) }
            items.signal()
        }

        /// A nil entry tells the thread to end once it reaches it.
        func stop() {
            queue.withLock { $0.push(nil) }
            items.signal()
        }
    }

    /// A fixed-size FIFO; one extra slot takes the stop marker even when the queue is full.
    private struct Ring: Sendable {
        private var slots: [PollResult??]
        private var head = 0
        private var count = 0

        init(capacity: Int) { slots = Array(repeating: nil, count: capacity + 1) }

        mutating func push(_ result: PollResult?) {
            guard count < slots.count else { return }
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
