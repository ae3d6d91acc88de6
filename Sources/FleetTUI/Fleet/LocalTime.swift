/// Local time for events, the events log and export file names. The offset from UTC comes from
/// an injected function (the dashboard asks the C library, tests give a constant), so the
/// formatting is pure and follows daylight-saving changes during a long session.
struct LocalTime: Sendable {
    let utcOffsetSecs: @Sendable (Double) -> Int

    init(utcOffsetSecs: @escaping @Sendable (Double) -> Int) { self.utcOffsetSecs = utcOffsetSecs }

    static func fixed(_ offset: Int) -> LocalTime { LocalTime { _ in offset } }

    /// `2023-11-14T23:13:20.123+01:00`: ISO 8601 with milliseconds and the local offset.
    func iso8601(_ epoch: Double) -> String {
        let offset = utcOffsetSecs(epoch)
        let millis = Int(saturating: (epoch * 1000).rounded(.down))
        let local = CivilTime(epochSecs: Self.floorDiv(millis, 1000) + offset)
        let ms = Self.floorMod(millis, 1000)
        let sign = offset < 0 ? "-" : "+"
        let a = abs(offset)
        return local.date + "T" + local.time + "." + Self.pad(ms, 3) + sign + Self.pad(a / 3600, 2) + ":" + Self.pad(a / 60 % 60, 2)
    }

    /// `20231114-231320`, for file names.
    func compact(_ epoch: Double) -> String {
        let t = CivilTime(epochSecs: Int(saturating: epoch.rounded(.down)) + utcOffsetSecs(epoch))
        return t.date.replacingDashes() + "-" + t.time.replacingColons()
    }

    static func pad(_ v: Int, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    static func floorDiv(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }
    static func floorMod(_ a: Int, _ b: Int) -> Int { a - floorDiv(a, b) * b }
}

/// A calendar date and time of day from seconds since 1970 (proleptic Gregorian, no leap
/// seconds), computed without the C library so tests need no time zone.
struct CivilTime: Sendable, Equatable {
    let year: Int
    let month: Int
    let day: Int
    let secondOfDay: Int

    init(epochSecs: Int) {
        let days = LocalTime.floorDiv(epochSecs, 86400)
        secondOfDay = epochSecs - days * 86400
        // Days to civil date (Howard Hinnant's algorithm, era-based).
        let z = days + 719_468
        let era = LocalTime.floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        day = doy - (153 * mp + 2) / 5 + 1
        month = mp < 10 ? mp + 3 : mp - 9
        year = yoe + era * 400 + (month <= 2 ? 1 : 0)
    }

    var date: String { LocalTime.pad(year, 4) + "-" + LocalTime.pad(month, 2) + "-" + LocalTime.pad(day, 2) }
    var time: String {
        LocalTime.pad(secondOfDay / 3600, 2) + ":" + LocalTime.pad(secondOfDay / 60 % 60, 2) + ":" + LocalTime.pad(secondOfDay % 60, 2)
    }
}

extension String {
    fileprivate func replacingDashes() -> String { String(filter { $0 != "-" }) }
    fileprivate func replacingColons() -> String { String(filter { $0 != ":" }) }
}
