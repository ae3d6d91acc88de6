import Common
import Glibc
import Synchronization

/// The standard `process_` figures of this process, from `/proc/self` (as every Prometheus client
/// library reads them): CPU time, memory, descriptors and start time. Read per `/metrics`
/// request on the loop thread: two small procfs reads and a directory listing, no child process.
struct ProcessStats: Sendable, Equatable {
    var cpuSeconds: Double
    var residentBytes: Double
    var virtualBytes: Double
    var startTimeSeconds: Double
    var openFDs: Double?
    var maxFDs: Double?

    /// The values of `/proc/self/stat` this needs; nil when the text is not what the kernel
    /// writes. `bootTime` is `btime` of `/proc/stat`, `ticksPerSecond` `sysconf(_SC_CLK_TCK)`.
    static func parse(stat text: String, bootTime: Double, ticksPerSecond: Double, pageSize: Double) -> ProcessStats? {
        // The command name (field 2) is in parentheses and may hold spaces or ')': fields are
        // counted after its last ')'.
        guard let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ", omittingEmptySubsequences: true)
        // fields[0] is field 3 (state): utime is field 14, stime 15, starttime 22, vsize 23, rss 24.
        func field(_ n: Int) -> Double? { fields.count > n - 3 ? Double(fields[n - 3]) : nil }
        guard ticksPerSecond > 0, let utime = field(14), let stime = field(15), let start = field(22),
              let vsize = field(23), let rss = field(24) else { return nil }
        return ProcessStats(cpuSeconds: (utime + stime) / ticksPerSecond, residentBytes: rss * pageSize, virtualBytes: vsize,
                            startTimeSeconds: bootTime + start / ticksPerSecond, openFDs: nil, maxFDs: nil)
    }

    /// `btime` (the boot time, epoch seconds) from the text of `/proc/stat`.
    static func bootTime(procStat text: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix("btime ") {
            return Double(line.dropFirst(6).trimmingWhitespace())
        }
        return nil
    }

    /// This process as of at most `maxAgeSecs` ago: `/proc` is read at most that often, however
    /// often `/metrics` is asked for (a client asking in a loop, or a simulator's thousands of
    /// exporters, all in one process).
    static func recent(maxAgeSecs: Double = 1) -> ProcessStats? {
        let now = Clock.monotonicNanos()
        if let (at, stats) = latest.withLock({ $0 }), now &- at < Clock.nanos(fromSeconds: maxAgeSecs) { return stats }
        let stats = current()
        latest.withLock { $0 = (now, stats) }
        return stats
    }

    private static let latest = Mutex<(at: UInt64, stats: ProcessStats?)?>(nil)

    /// This process now; nil when `/proc` cannot be read.
    static func current() -> ProcessStats? {
        guard let text = readSmall("/proc/self/stat"),
              var stats = parse(stat: text, bootTime: SystemConstants.shared.bootTime,
                                ticksPerSecond: SystemConstants.shared.ticksPerSecond, pageSize: SystemConstants.shared.pageSize)
        else { return nil }
        stats.openFDs = countOpenFDs()
        var limit = rlimit()
        if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max { stats.maxFDs = Double(limit.rlim_cur) }
        return stats
    }

    /// Entries of `/proc/self/fd`, less the one the listing itself holds open.
    private static func countOpenFDs() -> Double? {
        guard let dir = opendir("/proc/self/fd") else { return nil }
        defer { closedir(dir) }
        var n = 0
        while let entry = readdir(dir) {
            let first = withUnsafeBytes(of: entry.pointee.d_name) { $0.first ?? 0 }
            if first != UInt8(ascii: ".") { n += 1 }
        }
        return Double(max(0, n - 1))
    }

    /// A procfs file of at most 4 KiB (procfs files report size 0: read until the end).
    static func readSmall(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buf = [UInt8](repeating: 0, count: 4096)
        var used = 0
        while used < buf.count {
            let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress! + used, $0.count - used) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            used += n
        }
        return String(decoding: buf[..<used], as: UTF8.self)
    }
}

/// What does not change while the process runs, read once.
private struct SystemConstants: Sendable {
    let bootTime: Double
    let ticksPerSecond: Double
    let pageSize: Double

    static let shared = SystemConstants(
        bootTime: ProcessStats.readSmall("/proc/stat").flatMap { ProcessStats.bootTime(procStat: $0) } ?? 0,
        ticksPerSecond: Double(max(1, sysconf(Int32(_SC_CLK_TCK)))),
        pageSize: Double(max(1, sysconf(Int32(_SC_PAGESIZE)))))
}
