/// What to do when a task's thread stops: Pacific never restarts (`never`); we restart failed
/// tasks by default with exponential backoff.
enum RestartPolicy: String, Sendable, CaseIterable {
    case never
    case onFailure = "on-failure"
}

/// 10 s doubling to 5 min by default: quick recovery from a one-off failure, without hammering
/// a host where ceph-volume keeps failing.
struct Backoff: Sendable, Equatable {
    var baseSecs: Double = 10
    var maxSecs: Double = 300

    /// Delay before the restart that follows the `failures`-th consecutive failure (1-based).
    func delay(afterConsecutiveFailures failures: Int) -> Double {
        let exponent = max(0, min(failures - 1, 30))
        return min(maxSecs, baseSecs * Double(1 << exponent))
    }
}

/// The pure decision taken when a task fails: mark inactive at once, and maybe restart later.
struct FailureDecision: Equatable {
    let consecutiveFailures: Int
    /// Seconds until a restart, or nil when the task stays stopped.
    let restartAfterSecs: Double?
}

enum Supervision {
    static func onFailure(previousConsecutiveFailures: Int, policy: RestartPolicy, backoff: Backoff) -> FailureDecision {
        let n = previousConsecutiveFailures + 1
        switch policy {
        case .never: return FailureDecision(consecutiveFailures: n, restartAfterSecs: nil)
        case .onFailure: return FailureDecision(consecutiveFailures: n, restartAfterSecs: backoff.delay(afterConsecutiveFailures: n))
        }
    }

    /// `"<ErrorType> exception: <message>"`, Pacific's form of a scrape error.
    static func exceptionText(_ error: any Error) -> String {
        let type = String(describing: Swift.type(of: error)).split(separator: ".").last.map(String.init) ?? "Error"
        return "\(type) exception: \(error)"
    }

    /// Default per-task timeout: 4× the interval, at least 10 s (a slow ceph-volume on a
    /// short interval should not be cut off too eagerly).
    static func defaultTimeout(interval: Double) -> Double { max(10, interval * 4) }
}
