import Common
import Dispatch
import Synchronization

/// Runs host jobs on up to `parallel` threads at once. A failing host does not stop the others.
/// Each job blocks on its ssh child, so plain threads are used, not Swift concurrency's pool
/// (which has one thread per core and would serialize the hosts).
enum ParallelHostExecutor {
    /// Results come back in the order of `jobs`, whatever order they finished in.
    static func run(
        _ jobs: [HostJob],
        parallel: Int,
        timeoutSeconds: Double,
        progress: ProgressReporter
    ) -> [HostJobResult] {
        guard !jobs.isEmpty else { return [] }
        let next = Mutex(0)
        let results = Mutex([HostJobResult?](repeating: nil, count: jobs.count))
        let group = DispatchGroup()
        let workers = max(1, min(parallel, jobs.count))
        for w in 0..<workers {
            group.enter()
            let started = NativeThread.spawn(name: "fleet-host-\(w)") {
                defer { group.leave() }
                while true {
                    let index: Int = next.withLock { i in
                        defer { i += 1 }
                        return i
                    }
                    guard index < jobs.count else { return }
                    let job = jobs[index]
                    progress.started(job.target)
                    let outcome = job.runner.run(job.argv, on: job.target, stdin: job.stdin, timeoutSeconds: timeoutSeconds)
                    let result = HostJobResult(target: job.target, action: job.action, result: outcome)
                    results.withLock { $0[index] = result }
                    progress.finished(result)
                }
            }
            if !started { group.leave() }
        }
        group.wait()
        // A thread that could not start leaves its share to the others; any job still without a
        // result (every thread failed to start) runs here.
        return jobs.enumerated().map { index, job in
            if let r = results.withLock({ $0[index] }) { return r }
            let outcome = job.runner.run(job.argv, on: job.target, stdin: job.stdin, timeoutSeconds: timeoutSeconds)
            let result = HostJobResult(target: job.target, action: job.action, result: outcome)
            progress.finished(result)
            return result
        }
    }
}
