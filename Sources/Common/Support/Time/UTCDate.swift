import Glibc

/// `2026-01-01 00:00:00 UTC`: how certificate and grace-period ends are shown to operators.
public enum UTCDate {
    public static func text(_ epoch: Double) -> String {
        var t = time_t(Int(saturating: epoch.rounded(.down)))
        var parts = tm()
        gmtime_r(&t, &parts)
        var buffer = [CChar](repeating: 0, count: 32)
        let n = strftime(&buffer, buffer.count, "%Y-%m-%d %H:%M:%S UTC", &parts)
        return String(decoding: buffer.prefix(n).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
