/// The Double nearest a JSON number's decimal text (ties to even: what `strtod`, and so
/// `Double(String)`, gives), computed with integer arithmetic for the common case: at most 19
/// significant digits and a decimal exponent of at most 19 either way, such as the exporter's
/// timestamps (`1796125765.2993164`: 17 digits, beyond Clinger's 15-digit fast path). Anything
/// else is left to `strtod` (nil). A number's digits with exponent `e` are the integer `m` times
/// 10^e: for e >= 0 that product is exact in 128 bits, for e < 0 the quotient m / 10^-e is
/// taken to 63 or 64 bits with a sticky bit for a nonzero remainder. Either way one conversion
/// of a 64-bit integer with at least 10 bits below the rounding point (and a sticky bit below
/// those) rounds as the exact value would, and the power-of-two scaling after it is exact.
enum DecimalDouble {
    /// 10^k for k in 0...19 (exact in a UInt64). A loop, not a table: a global table costs a
    /// lazy-initialization check and a bounds check at every digit.
    @inline(__always)
    private static func powerOfTen(_ k: Int) -> UInt64 {
        var power: UInt64 = 1
        for _ in 0..<k { power &*= 10 }
        return power
    }

    /// The value of the number text `base[start..<end]`, whose grammar the caller has checked
    /// (`-? digits (. digits)? ([eE] [+-]? digits)?`), or nil when it is outside the fast path.
    static func value(_ base: UnsafePointer<UInt8>, from start: Int, to end: Int) -> Double? {
        var p = start
        let negative = base[p] == UInt8(ascii: "-")
        if negative { p &+= 1 }
        // The value is mantissa * 10^(exponent + zeros): zeros after the last nonzero digit
        // are counted, not multiplied in, so that `5.000` or `1e3`'s `1000.0` stay short.
        var mantissa: UInt64 = 0
        var digits = 0
        var zeros = 0
        var exponent = 0
        var fraction = false
        while p < end {
            let c = base[p]
            let d = c &- UInt8(ascii: "0")
            if d < 10 {
                if fraction { exponent &-= 1 }
                if d == 0 {
                    if mantissa != 0 { zeros &+= 1 }
                } else {
                    // A 20th significant digit could overflow: leave it to strtod.
                    digits &+= zeros &+ 1
                    guard digits <= 19 else { return nil }
                    if zeros != 0 { mantissa &*= powerOfTen(zeros) }
                    mantissa = mantissa &* 10 &+ UInt64(d)
                    zeros = 0
                }
            } else if c == UInt8(ascii: ".") {
                fraction = true
            } else {
                break
            }
            p &+= 1
        }
        if p < end {
            // The exponent: [eE] [+-]? digits. Past 5 digits it is far outside the fast path
            // (and its value is not accumulated further, so it cannot overflow).
            p &+= 1
            var sign = 1
            if base[p] == UInt8(ascii: "-") { sign = -1; p &+= 1 } else if base[p] == UInt8(ascii: "+") { p &+= 1 }
            var e = 0
            while p < end {
                if e < 100_000 { e = e &* 10 &+ Int(base[p] &- UInt8(ascii: "0")) }
                p &+= 1
            }
            exponent &+= sign &* e
        }
        if mantissa == 0 { return negative ? -0.0 : 0.0 }
        exponent &+= zeros
        guard exponent >= -19, exponent <= 19 else { return nil }
        let magnitude: Double
        if exponent >= 0 {
            let (high, low) = mantissa.multipliedFullWidth(by: powerOfTen(exponent))
            if high == 0 {
                magnitude = Double(low)
            } else {
                // The top 64 bits of the 128-bit product, the bits shifted out as a sticky bit.
                let shift = 64 &- high.leadingZeroBitCount
                let top = high << UInt64(64 &- shift) | low >> UInt64(shift)
                let sticky: UInt64 = low << UInt64(64 &- shift) != 0 ? 1 : 0
                magnitude = Double(sign: .plus, exponent: shift, significand: Double(top | sticky))
            }
        } else {
            let divisor = powerOfTen(-exponent)
            // Shift the mantissa up so that the quotient has 63 or 64 bits: it is below 2^64,
            // so the high word of the dividend is below the divisor (no trap).
            let shift = 63 &- (64 &- mantissa.leadingZeroBitCount) &+ (64 &- divisor.leadingZeroBitCount)
            let high = shift < 64 ? mantissa >> UInt64(64 &- shift) : mantissa << UInt64(shift &- 64)
            let low = shift < 64 ? mantissa << UInt64(shift) : 0
            let (quotient, remainder) = divisor.dividingFullWidth((high, low))
            let sticky: UInt64 = remainder != 0 ? 1 : 0
            magnitude = Double(sign: .plus, exponent: -shift, significand: Double(quotient | sticky))
        }
        return negative ? -magnitude : magnitude
    }
}
