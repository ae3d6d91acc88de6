/// A cursor over the bytes of a date header, one method per accepted date form. Each form
/// method returns nil at the first byte that does not fit.
struct HTTPDateScanner {
    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// `Sun, 06 Nov 1994 08:49:37 GMT`
    mutating func imfFixdate() -> Int? {
        guard let weekday = name(in: HTTPDate.weekdayNames), literal(", "),
              let day = number(digits: 2), literal(" "),
              let month = name(in: HTTPDate.monthNames), literal(" "),
              let year = number(digits: 4), literal(" "),
              let time = timeOfDay(), literal(" GMT"), atEnd else { return nil }
        return instant(year: year, month: month + 1, day: day, time: time, weekday: weekday)
    }

    /// `Sunday, 06-Nov-94 08:49:37 GMT`
    mutating func rfc850() -> Int? {
        guard let weekday = name(in: HTTPDate.longWeekdayNames), literal(", "),
              let day = number(digits: 2), literal("-"),
              let month = name(in: HTTPDate.monthNames), literal("-"),
              let shortYear = number(digits: 2), literal(" "),
              let time = timeOfDay(), literal(" GMT"), atEnd else { return nil }
        let year = shortYear < 70 ? 2000 + shortYear : 1900 + shortYear
        return instant(year: year, month: month + 1, day: day, time: time, weekday: weekday)
    }

    /// `Sun Nov  6 08:49:37 1994`
    mutating func asctime() -> Int? {
        guard let weekday = name(in: HTTPDate.weekdayNames), literal(" "),
              let month = name(in: HTTPDate.monthNames), literal(" ") else { return nil }
        let day: Int
        if literal(" "), let oneDigit = number(digits: 1) {
            day = oneDigit
        } else if let twoDigits = number(digits: 2) {
            day = twoDigits
        } else {
            return nil
        }
        guard literal(" "), let time = timeOfDay(), literal(" "),
              let year = number(digits: 4), atEnd else { return nil }
        return instant(year: year, month: month + 1, day: day, time: time, weekday: weekday)
    }

    private var atEnd: Bool { index == bytes.count }

    private func instant(year: Int, month: Int, day: Int, time: Int, weekday: Int) -> Int? {
        guard day >= 1, day <= CivilCalendar.daysInMonth(year: year, month: month) else { return nil }
        let days = CivilCalendar.days(year: year, month: month, day: day)
        guard CivilCalendar.weekday(days: days) == weekday else { return nil }
        return days * 86_400 + time
    }

    /// `HH:MM:SS` as seconds into the day; second 60 (a leap second) is accepted.
    private mutating func timeOfDay() -> Int? {
        guard let hour = number(digits: 2), hour < 24, literal(":"),
              let minute = number(digits: 2), minute < 60, literal(":"),
              let second = number(digits: 2), second <= 60 else { return nil }
        return hour * 3600 + minute * 60 + second
    }

    private mutating func number(digits: Int) -> Int? {
        guard index + digits <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[index..<(index + digits)] {
            guard HTTPSyntax.isDigit(byte) else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        index += digits
        return value
    }

    private mutating func literal(_ text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        let matches = text.withUTF8Buffer { expected in
            bytes[index..<(index + count)].elementsEqual(expected)
        }
        if matches { index += count }
        return matches
    }

    /// The position in `names` of the name at the cursor (exact case, as the grammar requires).
    private mutating func name(in names: [String]) -> Int? {
        for (position, candidate) in names.enumerated() {
            let utf8 = candidate.utf8
            if index + utf8.count <= bytes.count, bytes[index..<(index + utf8.count)].elementsEqual(utf8) {
                index += utf8.count
                return position
            }
        }
        return nil
    }
}
