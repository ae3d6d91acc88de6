import Glibc

enum LocalTime {
    /// `YYYY/MM/DD HH:MM:SS` in local time, the form of Pacific's "<task> stopped at ..." errors.
    static func stamp(epochSeconds: Double) -> String {
        var t = time_t(epochSeconds)
        var parts = tm()
        localtime_r(&t, &parts)
        func two(_ v: Int32) -> String { String(Int(v), zeroPaddedTo: 2) }
        return "\(parts.tm_year + 1900)/\(two(parts.tm_mon + 1))/\(two(parts.tm_mday)) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))"
    }
}
