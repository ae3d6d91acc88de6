import Common
import Glibc

/// The simulator holds one listening socket per exporter plus one per client connection:
/// 10,000 exporters polled by a dashboard need 20,000 descriptors and more, above the usual
/// hard limit. Root may raise the hard limit (up to `fs.nr_open`); others get the hard limit.
enum OpenFileLimit {
    /// Raises the limit to at least `needed` when allowed; returns the soft limit in force.
    static func raise(toAtLeast needed: UInt64) -> UInt64 {
        let current = Sockets.raiseOpenFileLimit()
        guard current.soft < needed else { return current.soft }
        let ceiling = readNrOpen() ?? needed
        let target = min(needed, ceiling)
        var limit = rlimit(rlim_cur: rlim_t(target), rlim_max: rlim_t(max(current.hard, target)))
        let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        // Fails without CAP_SYS_RESOURCE when it would raise the hard limit: keep what we have.
        if setrlimit(resource, &limit) != 0 { return current.soft }
        var now = rlimit()
        return getrlimit(resource, &now) == 0 ? UInt64(now.rlim_cur) : current.soft
    }

    /// Descriptors for `exporters` listeners, as many connections, and some to spare.
    static func needed(exporters: Int) -> UInt64 { UInt64(exporters) * 2 + 256 }

    private static func readNrOpen() -> UInt64? {
        guard let text = try? FileReader.readText("/proc/sys/fs/nr_open") else { return nil }
        return text.split(whereSeparator: \.isWhitespace).first.flatMap { UInt64($0) }
    }
}
