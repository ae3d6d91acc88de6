import CShims
import Glibc
import Synchronization

/// Something registered with the event loop for readiness events on one descriptor.
public protocol EventHandler: AnyObject {
    /// Called on the loop thread with the epoll event bits.
    func handleEvents(_ events: UInt32)
    /// Called on the loop thread on the turn after `EventLoop.resumeNextTurn(fd:)`.
    func resume()
}

extension EventHandler {
    public func resume() {}
}

public enum IOEvents {
    public static let read = cshim_EPOLLIN()
    public static let write = cshim_EPOLLOUT()
    public static let error = cshim_EPOLLERR()
    public static let hangup = cshim_EPOLLHUP()
}

/// One epoll reactor thread: descriptors, timers and work submitted from other threads.
/// Serves the exporter's listener and connections, and the fleet poller's client connections.
///
/// @unchecked Sendable: everything but `submitted` and `stopRequested` is touched only on the
/// loop thread (inside `run()` and the callbacks it makes); those two are a Mutex and an Atomic.
/// Debug builds check it: the loop-thread API, and the loop-confined types built on it
/// (`HTTPServer`, its connections, `HTTPSClientConnection`), trap when called from another
/// thread. Setting up before `run()` is allowed from the thread that creates the loop's first
/// registrations; `run()` then makes its own thread the owner.
public final class EventLoop: @unchecked Sendable {
    private let epfd: Int32
    private let wakeFD: Int32
    private var handlers: [Int32: (generation: UInt32, handler: EventHandler)] = [:]
    private var generation: UInt32 = 0
    private var timers = TimerHeap()
    /// Handlers that yielded with work left (their turn's budget spent, or bytes OpenSSL has
    /// decrypted that epoll cannot see): resumed on the next turn, after timers and I/O events.
    private var ready: [(fd: Int32, generation: UInt32)] = []
    private var resuming: [(fd: Int32, generation: UInt32)] = []
    private let submitted = Mutex<[@Sendable () -> Void]>([])
    private let stopRequested = Atomic<Bool>(false)
    private let thread = ThreadConfinement()
    private var turnEnd: [() -> Void] = []

    public init() throws(NetError) {
        epfd = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epfd >= 0 else { throw NetError.system("epoll_create1", errno) }
        wakeFD = cshim_eventfd()
        guard wakeFD >= 0 else {
            close(epfd)
            throw NetError.system("eventfd", errno)
        }
        _ = cshim_epoll_ctl(epfd, EPOLL_CTL_ADD, wakeFD, IOEvents.read, UInt64(UInt32(bitPattern: wakeFD)))
    }

    deinit {
        close(wakeFD)
        close(epfd)
    }

    // MARK: loop-thread API

    public func register(fd: Int32, events: UInt32, handler: EventHandler) throws(NetError) {
        assertOnLoopThread("EventLoop.register")
        generation &+= 1
        if generation == 0 { generation = 1 }
        handlers[fd] = (generation, handler)
        if cshim_epoll_ctl(epfd, EPOLL_CTL_ADD, fd, events, Self.token(fd: fd, generation: generation)) != 0 {
            handlers[fd] = nil
            throw NetError.system("epoll_ctl(ADD)", errno)
        }
    }

    public func modify(fd: Int32, events: UInt32) {
        assertOnLoopThread("EventLoop.modify")
        guard let entry = handlers[fd] else { return }
        _ = cshim_epoll_ctl(epfd, EPOLL_CTL_MOD, fd, events, Self.token(fd: fd, generation: entry.generation))
    }

    /// Forgets the descriptor (call before closing it).
    public func unregister(fd: Int32) {
        assertOnLoopThread("EventLoop.unregister")
        guard handlers.removeValue(forKey: fd) != nil else { return }
        _ = cshim_epoll_ctl(epfd, EPOLL_CTL_DEL, fd, 0, 0)
    }

    /// Runs `callback` on the loop thread after `seconds`. Returns an id for `cancelTimer`.
    @discardableResult
    public func schedule(after seconds: Double, _ callback: @escaping () -> Void) -> UInt64 {
        assertOnLoopThread("EventLoop.schedule")
        return timers.schedule(at: Clock.monotonicNanos() &+ Clock.nanos(fromSeconds: seconds), callback)
    }

    public func cancelTimer(_ id: UInt64) {
        assertOnLoopThread("EventLoop.cancelTimer")
        timers.cancel(id)
    }

    /// Calls the handler of `fd` (`resume()`) on the next turn of the loop, after due timers
    /// and that turn's I/O events, unless it is unregistered first. This is how a connection
    /// that has used up its share of a turn yields without losing its place.
    public func resumeNextTurn(fd: Int32) {
        assertOnLoopThread("EventLoop.resumeNextTurn")
        guard let entry = handlers[fd] else { return }
        ready.append((fd, entry.generation))
    }

    /// Runs `body` on the loop thread at the end of every turn, after its I/O events, submitted
    /// work and resumed handlers, before the loop waits again. What a turn produced can be
    /// handed on once per turn instead of once per event (the poller wakes its result threads
    /// here, one wake-up for a turn's answers).
    public func atEndOfEachTurn(_ body: @escaping () -> Void) {
        assertOnLoopThread("EventLoop.atEndOfEachTurn")
        turnEnd.append(body)
    }

    /// In debug builds, traps unless called on the loop's thread: what loop-confined types call
    /// at their entry points. Nothing is checked in release builds.
    public func assertOnLoopThread(_ what: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line) {
        thread.assertOnOwner(what(), file: file, line: line)
    }

    /// Whether the calling thread is the loop's (tests; the checks use `assertOnLoopThread`).
    var isOnLoopThread: Bool { thread.isOnOwner() }

    // MARK: any-thread API

    /// Runs `work` on the loop thread soon.
    public func execute(_ work: @escaping @Sendable () -> Void) {
        submitted.withLock { $0.append(work) }
        wake()
    }

    /// Makes `run()` return after the current iteration.
    public func stop() {
        stopRequested.store(true, ordering: .releasing)
        wake()
    }

    private func wake() {
        var one: UInt64 = 1
        _ = Glibc.write(wakeFD, &one, 8)
    }

    // MARK: the loop

    /// Runs until `stop()`. Call on the thread that owns this loop.
    public func run() {
        thread.bindToCurrentThread()
        let capacity = 256
        var datas = [UInt64](repeating: 0, count: capacity)
        var events = [UInt32](repeating: 0, count: capacity)
        while !stopRequested.load(ordering: .acquiring) {
            runDueTimers()
            // What yielded last turn runs this turn; what yields now waits for the next one.
            swap(&ready, &resuming)
            let timeout = resuming.isEmpty ? nextTimeoutMillis() : 0
            let n = cshim_epoll_wait(epfd, &datas, &events, Int32(capacity), timeout)
            if n < 0 {
                if errno == EINTR {
                    ready.append(contentsOf: resuming)
                    resuming.removeAll(keepingCapacity: true)
                    continue
                }
                return
            }
            for i in 0..<Int(n) {
                let fd = Int32(bitPattern: UInt32(truncatingIfNeeded: datas[i]))
                if fd == wakeFD {
                    drainWake()
                    continue
                }
                let gen = UInt32(truncatingIfNeeded: datas[i] >> 32)
                // A descriptor closed and reused earlier in this batch carries a new generation.
                guard let entry = handlers[fd], entry.generation == gen else { continue }
                entry.handler.handleEvents(events[i])
            }
            runSubmitted()
            runResuming()
            for body in turnEnd { body() }
        }
        runSubmitted()
        for body in turnEnd { body() }
    }

    private func drainWake() {
        var value: UInt64 = 0
        _ = Glibc.read(wakeFD, &value, 8)
    }

    private func runSubmitted() {
        let work = submitted.withLock { queue -> [@Sendable () -> Void] in
            let w = queue
            queue.removeAll(keepingCapacity: true)
            return w
        }
        for w in work { w() }
    }

    private func runResuming() {
        for r in resuming {
            guard let entry = handlers[r.fd], entry.generation == r.generation else { continue }
            entry.handler.resume()
        }
        resuming.removeAll(keepingCapacity: true)
    }

    private func runDueTimers() {
        let due = timers.popDue(now: Clock.monotonicNanos())
        for cb in due { cb() }
    }

    private func nextTimeoutMillis() -> Int32 {
        if !ready.isEmpty || !submitted.withLock({ $0.isEmpty }) { return 0 }
        guard let deadline = timers.nextDeadline() else { return 1000 }
        let now = Clock.monotonicNanos()
        if deadline <= now { return 0 }
        // Round up so a timer never fires a hair early and spins.
        return Int32(min(1000, (deadline - now + 999_999) / 1_000_000))
    }

    private static func token(fd: Int32, generation: UInt32) -> UInt64 {
        (UInt64(generation) << 32) | UInt64(UInt32(bitPattern: fd))
    }
}

/// A socket-level failure with the call and errno text.
public enum NetError: Error, Equatable, CustomStringConvertible {
    case system(String, Int32)
    case addressInUse(String)
    case badAddress(String)
    /// A host name that did not resolve: the name and the resolver's reason.
    case unresolved(host: String, reason: String)

    public var description: String {
        switch self {
        case .system(let call, let e): return "\(call) failed: \(String(cString: strerror(e)))"
        case .addressInUse(let a): return "address \(a) is already in use"
        case .badAddress(let a): return "'\(a)' is not a valid IP address"
        case .unresolved(let host, let reason): return "cannot resolve '\(host)': \(reason)"
        }
    }
}
