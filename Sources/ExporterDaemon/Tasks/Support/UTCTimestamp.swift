import Common

/// Timestamps in the form cephadm prints them: UTC, microseconds, `Z`
/// (`2021-05-31T05:28:34.498631Z`).
enum UTCTimestamp {
    static func format(seconds: Int64, microseconds: Int) -> String {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = Int(seconds - days * 86_400)
        let (year, month, day) = CivilCalendar.date(days: Int(days))
        return "\(String(year, zeroPaddedTo: 4))-\(String(month, zeroPaddedTo: 2))-\(String(day, zeroPaddedTo: 2))T"
            + "\(String(secondOfDay / 3600, zeroPaddedTo: 2)):\(String(secondOfDay / 60 % 60, zeroPaddedTo: 2))"
            + ":\(String(secondOfDay % 60, zeroPaddedTo: 2)).\(String(microseconds, zeroPaddedTo: 6))Z"
    }

    /// A file time as cephadm prints it: Python turns it into a float (seconds + nanoseconds
    /// x 1e-9) and rounds that to the nearest microsecond, ties to even; truncating the
    /// nanoseconds instead gives a value one microsecond off about half the time.
    static func pythonMicroseconds(seconds: Int64, nanoseconds: Int) -> (seconds: Int64, microseconds: Int) {
        let value = Double(seconds) + Double(nanoseconds) * 1e-9
        let whole = value.rounded(.down)
        var micro = ((value - whole) * 1e6).rounded(.toNearestOrEven)
        var wholeSeconds = Int64(whole)
        if micro >= 1e6 {
            micro -= 1e6
            wholeSeconds += 1
        }
        return (wholeSeconds, Int(micro))
    }

    /// A container engine's creation time in cephadm's form, or nil if it cannot be read.
    /// Accepts podman's `2021-05-31 05:28:34.498631387 +0000 UTC` and docker's
    /// `2021-05-31T05:28:34.498631387Z` (or with a `+02:00` offset); fractions are cut to
    /// microseconds.
    static func fromContainerTime(_ text: String) -> String? {
        let chars = Array(text.trimmingWhitespace().utf8)
        var i = 0
        func number(_ width: Int) -> Int? {
            guard i + width <= chars.count else { return nil }
            var value = 0
            for c in chars[i..<i + width] {
                guard c >= 48 && c <= 57 else { return nil }
                value = value * 10 + Int(c - 48)
            }
            i += width
            return value
        }
        func expect(_ options: String) -> Bool {
            guard i < chars.count, options.utf8.contains(chars[i]) else { return false }
            i += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2),
              expect(" T"), let hour = number(2), expect(":"), let minute = number(2), expect(":"),
              let second = number(2),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var micro = 0
        if i < chars.count && chars[i] == UInt8(ascii: ".") {
            i += 1
            var digits = 0
            while i < chars.count, chars[i] >= 48, chars[i] <= 57 {
                if digits < 6 { micro = micro * 10 + Int(chars[i] - 48) }
                digits += 1
                i += 1
            }
            for _ in digits..<max(digits, 6) { micro *= 10 }
        }
        while i < chars.count && chars[i] == UInt8(ascii: " ") { i += 1 }
        var offsetSeconds = 0
        if i < chars.count {
            if chars[i] == UInt8(ascii: "Z") {
                i += 1
            } else if chars[i] == UInt8(ascii: "+") || chars[i] == UInt8(ascii: "-") {
                let sign = chars[i] == UInt8(ascii: "-") ? -1 : 1
                i += 1
                guard let hours = number(2) else { return nil }
                _ = expect(":")
                guard let minutes = number(2) else { return nil }
                offsetSeconds = sign * (hours * 3600 + minutes * 60)
            } else {
                return nil
            }
        }
        let days = Int64(CivilCalendar.days(year: year, month: month, day: day))
        let epoch = days * 86_400 + Int64(hour * 3600 + minute * 60 + second - offsetSeconds)
        return format(seconds: epoch, microseconds: micro)
    }
}
