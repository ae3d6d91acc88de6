import CShims
import Glibc

/// RLIMIT_NOFILE of this process.
public enum OpenFileLimit {
    public static func current() -> (soft: UInt64, hard: UInt64) {
        var soft: UInt64 = 0, hard: UInt64 = 0
        _ = cshim_get_nofile_limit(&soft, &hard)
        return (soft, hard)
    }

    /// Raises the soft limit to the hard limit (the poller: one connection per host); returns
    /// the limits in force.
    @discardableResult
    public static func raiseToHard() -> (soft: UInt64, hard: UInt64) {
        var soft: UInt64 = 0, hard: UInt64 = 0
        _ = cshim_raise_nofile_limit(&soft, &hard)
        return (soft, hard)
    }

    /// Raises the soft limit to at least `needed` where allowed: to the hard limit for anyone,
    /// past it (up to `fs.nr_open`) with CAP_SYS_RESOURCE. Returns the soft limit in force.
    public static func raise(toAtLeast needed: UInt64) -> UInt64 {
        let current = raiseToHard()
        guard current.soft < needed else { return current.soft }
        let ceiling = (try? FileReader.readText("/proc/sys/fs/nr_open"))
            .flatMap { $0.split(whereSeparator: \.isWhitespace).first.flatMap { UInt64($0) } } ?? needed
        let target = min(needed, ceiling)
        var limit = rlimit(rlim_cur: rlim_t(target), rlim_max: rlim_t(max(current.hard, target)))
        // Fails without CAP_SYS_RESOURCE when it would raise the hard limit: keep what we have.
        if setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) != 0 { return current.soft }
        return self.current().soft
    }

    /// Sets the soft limit; returns the errno text on failure.
    public static func setSoft(_ value: UInt64) -> String? {
        cshim_set_nofile_soft_limit(value) == 0 ? nil : String(cString: strerror(errno))
    }

    /// Applies `OpenFileBudget.plan` for `connectionCap` to this process: the cap to use and
    /// what to log about it.
    public static func fit(connectionCap: Int) -> (cap: Int, log: [(level: LogLevel, message: String)]) {
        let (soft, hard) = current()
        let budget = OpenFileBudget.plan(connectionCap: connectionCap, soft: soft, hard: hard)
        var log: [(level: LogLevel, message: String)] = []
        if budget.softLimit != soft {
            if let error = setSoft(budget.softLimit) {
                let kept = OpenFileBudget.plan(connectionCap: connectionCap, soft: soft, hard: soft)
                log.append((.warning, "cannot raise the open-files limit from \(soft) to \(budget.softLimit): \(error); "
                    + "accepting at most \(kept.connectionCap) connections"))
                return (kept.connectionCap, log)
            }
            log.append((.info, "open-files limit raised from \(soft) to \(budget.softLimit) for \(budget.connectionCap) connections"))
        }
        if let warning = budget.warning { log.append((.warning, warning)) }
        return (budget.connectionCap, log)
    }
}
