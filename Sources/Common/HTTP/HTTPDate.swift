/// HTTP dates (RFC 9110 §5.6.7) from and to epoch seconds, by arithmetic: no DateFormatter, no
/// locale, no time zone database, so it is cheap enough to run per second on the request path.
public enum HTTPDate {
    static let weekdayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    static let longWeekdayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
    static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// The first and last instants an IMF-fixdate's four-digit year can express.
    static let earliest = CivilCalendar.days(year: 1, month: 1, day: 1) * 86_400
    static let latest = CivilCalendar.days(year: 9999, month: 12, day: 31) * 86_400 + 86_399

    /// IMF-fixdate, e.g. `Wed, 25 Nov 2026 01:02:03 GMT`. Instants outside years 1–9999 are
    /// clamped to that range, so the result is always 29 well-formed bytes.
    public static func format(epochSeconds: Int) -> String {
        String(decoding: formatBytes(epochSeconds: epochSeconds), as: UTF8.self)
    }

    static func formatBytes(epochSeconds: Int) -> [UInt8] {
        let seconds = min(max(epochSeconds, earliest), latest)
        let days = CivilCalendar.floorDivide(seconds, 86_400)
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = CivilCalendar.date(days: days)
        var out: [UInt8] = []
        out.reserveCapacity(29)
        out.append(contentsOf: weekdayNames[CivilCalendar.weekday(days: days)].utf8)
        out.append(contentsOf: ", ".utf8)
        appendDigits(day, width: 2, to: &out)
        out.append(0x20)
        out.append(contentsOf: monthNames[month - 1].utf8)
        out.append(0x20)
        appendDigits(year, width: 4, to: &out)
        out.append(0x20)
        appendDigits(secondOfDay / 3600, width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        appendDigits(secondOfDay / 60 % 60, width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        appendDigits(secondOfDay % 60, width: 2, to: &out)
        out.append(contentsOf: " GMT".utf8)
        return out
    }

    private static func appendDigits(_ value: Int, width: Int, to out: inout [UInt8]) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        while divisor > 0 {
            out.append(UInt8(0x30 + value / divisor % 10))
            divisor /= 10
        }
    }

    /// Epoch seconds for an IMF-fixdate, an RFC 850 date or an asctime date; nil for anything
    /// else, including a weekday that does not match the date. RFC 850's two-digit years are read
    /// as 1970–2069.
    public static func parse(_ text: String) -> Int? {
        let bytes = Array(text.utf8)
        var fixdate = HTTPDateScanner(bytes)
        var rfc850 = HTTPDateScanner(bytes)
        var asctime = HTTPDateScanner(bytes)
        return fixdate.imfFixdate() ?? rfc850.rfc850() ?? asctime.asctime()
    }
}

/// Caches the formatted date for the current second, so a busy server formats it once per
/// second instead of once per response. Owned by one event loop; not shared.
public struct HTTPDateCache: Sendable {
    private var cachedSecond = Int.min
    private var cachedString = ""

    public init() {}

    public mutating func string(forEpochSeconds seconds: Int) -> String {
        if seconds != cachedSecond {
            cachedSecond = seconds
            cachedString = HTTPDate.format(epochSeconds: seconds)
        }
        return cachedString
    }
}
