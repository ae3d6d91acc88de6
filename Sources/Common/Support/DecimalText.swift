import Glibc

/// Fixed-point number text without Foundation's `String(format:)` (keeps the binaries small).
public enum DecimalText {
    /// `fixed(3.14159, 2)` → `"3.14"`; rounds like printf's `%.Nf` (half-way cases to even).
    public static func fixed(_ value: Double, _ decimals: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value < 0 ? "-inf" : "inf") }
        var buf = [CChar](repeating: 0, count: 64)
        let n = withVaList([decimals, value]) { vsnprintf(&buf, 64, "%.*f", $0) }
        return String(decoding: buf.prefix(Int(max(0, min(n, 63)))).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// The process environment without Foundation's ProcessInfo.
public enum ProcessEnvironment {
    public static func current() -> [String: String] {
        var out: [String: String] = [:]
        var p = environ
        while let entry = p.pointee {
            let text = String(cString: entry)
            if let eq = text.firstIndex(of: "=") {
                out[String(text[..<eq])] = String(text[text.index(after: eq)...])
            }
            p += 1
        }
        return out
    }
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
