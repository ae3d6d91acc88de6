import Glibc

/// Numbers as text and text as numbers, without Foundation (its formatters are locale-dependent
/// and make the binaries larger). Every fixed-point and seconds figure the programs print goes
/// through here, so the same value reads the same everywhere.
public enum DecimalText {
    /// `fixed(3.14159, 2)` → `"3.14"`; rounds like printf's `%.Nf` (the nearest binary value,
    /// half-way cases to even); never prints `-0.0`.
    public static func fixed(_ value: Double, _ decimals: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value < 0 ? "-inf" : "inf") }
        var buf = [CChar](repeating: 0, count: 64)
        let n = withVaList([max(0, min(decimals, 20)), value]) { vsnprintf(&buf, 64, "%.*f", $0) }
        let text = String(decoding: buf.prefix(Int(max(0, min(n, 63)))).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if text.hasPrefix("-"), text.utf8.dropFirst().allSatisfy({ $0 == UInt8(ascii: "0") || $0 == UInt8(ascii: ".") }) {
            return String(text.dropFirst())
        }
        return text
    }

    /// A duration or interval in seconds, as short as it reads exactly to the millisecond:
    /// `5`, `0.25`, `1.5`, `0.001` (log lines and error messages append the unit).
    public static func seconds(_ value: Double) -> String {
        var text = fixed(value, 3)
        guard text.contains(".") else { return text }
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// A decimal number as people type it: optional sign, digits, an optional fraction and an
    /// optional exponent (`60`, `0.5`, `1e3`). Unlike `Double(_:)` it refuses hexadecimal
    /// (`0x10`), `inf`, `nan`, and any result that is not finite.
    public static func parseDouble(_ text: some StringProtocol) -> Double? {
        var bytes = text.utf8.makeIterator()
        var digitsSeen = 0
        var state = 0  // 0 sign/integer, 1 fraction, 2 exponent sign, 3 exponent digits
        var exponentDigits = 0
        var first = true
        while let b = bytes.next() {
            defer { first = false }
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if state >= 2 { state = 3; exponentDigits += 1 } else { digitsSeen += 1 }
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                if first { continue }
                guard state == 2 else { return nil }
                state = 3
            case UInt8(ascii: "."):
                guard state == 0 else { return nil }
                state = 1
            case UInt8(ascii: "e"), UInt8(ascii: "E"):
                guard state <= 1, digitsSeen > 0 else { return nil }
                state = 2
            default:
                return nil
            }
        }
        guard digitsSeen > 0, state < 2 || exponentDigits > 0 else { return nil }
        guard let value = Double(String(text)), value.isFinite else { return nil }
        return value
    }

    /// A whole decimal number (`42`, `-7`, `+3`): no hexadecimal, no spaces, no overflow.
    public static func parseInt(_ text: some StringProtocol) -> Int? { Int(text, radix: 10) }
}

extension Int {
    /// A Double from outside (a host's JSON, a computed age) as an Int without trapping:
    /// NaN is 0 and values beyond ±2^62 are clamped, so later arithmetic cannot overflow either.
    public init(saturating value: Double) {
        let limit = Double(1 << 62)
        if value.isNaN {
            self = 0
        } else if value >= limit {
            self = 1 << 62
        } else if value <= -limit {
            self = -(1 << 62)
        } else {
            self = Int(value)
        }
    }
}
