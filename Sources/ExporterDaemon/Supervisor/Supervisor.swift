import Common
import Synchronization

/// A task with its schedule.
struct TaskSchedule: Sendable {
    let task: any GatherTask
    let intervalSecs: Double
    let timeoutSecs: Double
}

/// Runs each task on its own thread (first scrape at once, then every interval), watches the
/// threads, cuts off scrapes that overrun their timeout, and restarts failed tasks with backoff.
final class Supervisor: Sendable {
    /// In registration order (threads start in it).
    private let runners: [TaskRunner]
    private let cache: MetadataCache
    private let policy: RestartPolicy
    private let backoff: Backoff
    private let logger: Logger
    /// Every reading and every wait goes through it, so tests run the supervisor on a `TestClock`.
    private let clock: any TimeSource
    private let stopSignal = WakeSignal()
    private let stopped = Atomic<Bool>(false)
    /// Called every monitor tick (about 1 s); the daemon pings systemd's watchdog from it.
    private let onTick: @Sendable () -> Void

    init(schedules: [TaskSchedule], cache: MetadataCache, policy: RestartPolicy, backoff: Backoff, logger: Logger,
         clock: any TimeSource = SystemClock(), onTick: @escaping @Sendable () -> Void = {}) {
        self.runners = schedules.map { TaskRunner(schedule: $0) }
        self.cache = cache
        self.policy = policy
        self.backoff = backoff
        self.logger = logger
        self.clock = clock
        self.onTick = onTick
    }

    func start() {
        for runner in runners {
            let name = runner.schedule.task.name
            cache.update(health: { $0.tasks[name] = .active })
            launch(runner, generation: runner.state.withLock { $0.generation })
            logger.info("Started \(name.rawValue) thread, with a refresh interval of \(DecimalText.seconds(runner.schedule.intervalSecs))s")
        }
        NativeThread.spawn(name: "supervisor") { [self] in monitorLoop() }
    }

    func stop() {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        for r in runners {
            r.state.withLock { $0.stopping = true }
            r.wake.raise()
        }
        stopSignal.raise()
    }

    // MARK: task threads

    private func launch(_ runner: TaskRunner, generation: Int) {
        runner.state.withLock { $0.alive = true }
        let ok = NativeThread.spawn(name: runner.schedule.task.name.rawValue) { [self] in
            runLoop(runner, generation: generation)
        }
        if !ok {
            runner.state.withLock { $0.alive = false }
            fail(runner, generation: generation, message: "ThreadError exception: could not start a thread")
        }
    }

    private func runLoop(_ runner: TaskRunner, generation: Int) {
        defer { runner.state.withLock { if $0.generation == generation { $0.alive = false } } }
        let name = runner.schedule.task.name
        while true {
            let startNanos = clock.monotonicNanos()
            let context = ScrapeContext(clock: clock, timeoutSecs: runner.schedule.timeoutSecs)
            let proceed = runner.state.withLock { s -> Bool in
                guard s.generation == generation, !s.stopping, !s.failed else { return false }
                s.scrape = context
                return true
            }
            guard proceed else { return }
            logger.debug("executing \(name.rawValue) scrape")
            let wall = clock.wallSeconds()
            do {
                let output = try runner.schedule.task.scrape(context)
                let dataJSON = JSONWriter.compact(output.data)
                let duration = Clock.seconds(fromNanos: clock.monotonicNanos() &- startNanos)
                guard runner.finishScrape(generation: generation) else { return }
                cache.update(
                    task: name,
                    record: { _ in .success(timestamp: wall, duration: duration, errors: output.errors, dataJSON: dataJSON) },
                    health: { $0.recordSuccess(of: name, finishedAt: wall + duration) })
                logger.debug("completed \(name.rawValue) scrape - \(DecimalText.seconds(duration))s")
            } catch {
                guard runner.finishScrape(generation: generation) else { return }
                fail(runner, generation: generation, message: Supervision.exceptionText(error))
                return
            }
            // The period runs from scrape start to scrape start (Pacific adds the scrape time).
            _ = clock.wait(for: runner.wake, untilMonotonic: startNanos &+ Clock.nanos(fromSeconds: runner.schedule.intervalSecs))
        }
    }

    /// Marks the task inactive at once, records the error, and schedules a restart per policy.
    private func fail(_ runner: TaskRunner, generation: Int, message: String) {
        let name = runner.schedule.task.name
        let previous = cache.health().consecutiveFailures(of: name)
        let decision = Supervision.onFailure(previousConsecutiveFailures: previous, policy: policy, backoff: backoff)
        let accepted = runner.state.withLock { s -> Bool in
            guard s.generation == generation, !s.failed else { return false }
            s.failed = true
            s.scrape = nil
            s.restartAt = decision.restartAfterSecs.map { clock.monotonicNanos(after: $0) }
            return true
        }
        guard accepted else { return }
        let stamp = LocalTime.stamp(epochSeconds: clock.wallSeconds())
        cache.update(
            task: name, record: { $0.failed(with: message) },
            health: { h in
                h.tasks[name] = .inactive
                h.appendError("\(name.rawValue) stopped at \(stamp)")
                h.recordFailure(of: name, consecutive: decision.consecutiveFailures)
            })
        logger.error("\(name.rawValue) scrape failed: \(message)")
        if let after = decision.restartAfterSecs {
            logger.warning("\(name.rawValue) thread stopped; restarting in \(DecimalText.seconds(after))s (failure \(decision.consecutiveFailures) in a row)")
        } else {
            logger.warning("\(name.rawValue) thread stopped; restart policy is 'never'")
        }
    }

    // MARK: monitor

    private func monitorLoop() {
        var tick = 0
        while !stopped.load(ordering: .acquiring) {
            if clock.wait(for: stopSignal, untilMonotonic: clock.monotonicNanos(after: 1)) { return }
            tick += 1
            let now = clock.monotonicNanos()
            for runner in runners {
                checkTimeout(runner, now: now)
                checkRestart(runner, now: now)
                if tick % 5 == 0 { checkAlive(runner) }
            }
            onTick()
        }
    }

    private func checkTimeout(_ runner: TaskRunner, now: UInt64) {
        let overdue = runner.state.withLock { s -> (Int, ScrapeContext)? in
            guard let scrape = s.scrape, !s.failed, now > scrape.deadline else { return nil }
            return (s.generation, scrape)
        }
        guard let (generation, context) = overdue else { return }
        let name = runner.schedule.task.name.rawValue
        // The timeout is recorded before the scrape is cancelled: a scrape that sees the cancel
        // and throws at once must find its result no longer counts, or its "cancelled" error
        // would replace the timeout an operator needs to see.
        fail(runner, generation: generation,
             message: "ScrapeTimeout exception: \(name) scrape did not finish within \(DecimalText.seconds(runner.schedule.timeoutSecs))s")
        context.cancel()  // kills a child process the scrape is waiting for
    }

    private func checkRestart(_ runner: TaskRunner, now: UInt64) {
        let generation = runner.state.withLock { s -> Int? in
            guard s.failed, !s.stopping, let at = s.restartAt, now >= at else { return nil }
            s.generation += 1
            s.failed = false
            s.restartAt = nil
            return s.generation
        }
        guard let generation else { return }
        let name = runner.schedule.task.name
        cache.update(health: { h in
            h.tasks[name] = .active
            h.recordRestart(of: name)
        })
        logger.info("restarting \(name.rawValue) thread")
        launch(runner, generation: generation)
    }

    /// A thread that ended without reporting a failure (it should not happen) is caught here.
    private func checkAlive(_ runner: TaskRunner) {
        let dead = runner.state.withLock { s -> Int? in
            (!s.alive && !s.failed && !s.stopping) ? s.generation : nil
        }
        guard let generation = dead else { return }
        logger.warning("\(runner.schedule.task.name.rawValue) thread not running")
        fail(runner, generation: generation, message: "ThreadExit exception: thread not running")
    }
}

/// One task's thread bookkeeping. A new generation is started on each restart; a thread
/// from an older generation (e.g. one abandoned after a timeout) can no longer publish.
final class TaskRunner: Sendable {
    struct State {
        var generation = 1
        var alive = false
        var failed = false
        var stopping = false
        /// The scrape in progress (its deadline is on the supervisor's clock).
        var scrape: ScrapeContext?
        var restartAt: UInt64?
    }

    let schedule: TaskSchedule
    let state = Mutex(State())
    let wake = WakeSignal()

    init(schedule: TaskSchedule) { self.schedule = schedule }

    /// Ends the current scrape; false when it no longer counts (timed out, or superseded).
    func finishScrape(generation: Int) -> Bool {
        state.withLock { s in
            guard s.generation == generation, !s.failed else { return false }
            s.scrape = nil
            return true
        }
    }
}
