/// Checks that bytes hold valid JSON without building anything: the same grammar, nesting limit
/// and string rules as `JSONParser` (which it must accept and refuse alike: the skimmer's
/// differential tests and fuzz target hold it to that), at a fraction of the cost, because the
/// bulk of a metadata body is `data` the poller never looks into.
///
/// It answers only "valid or not": callers that need the reason re-run `JSONParser`, whose error
/// names the offset (a body that is not JSON is rare; the exact message stays the parser's).
/// Cost is linear: one pass, an explicit stack of at most `JSONParser.maxDepth` levels, and
/// strings scanned eight bytes at a time.
struct JSONSkipper {
    let buf: UnsafeBufferPointer<UInt8>
    var pos: Int

    init(_ buf: UnsafeBufferPointer<UInt8>, at pos: Int) {
        self.buf = buf
        self.pos = pos
    }

    mutating func skipWhitespace() {
        while pos < buf.count {
            switch buf[pos] {
            case 0x20, 0x09, 0x0A, 0x0D: pos += 1
            default: return
            }
        }
    }

    /// Skips one value nested `depth` levels deep (the depth `JSONParser.parseValue` would get),
    /// leaving `pos` just after it. False when it is not valid JSON.
    mutating func skipValue(depth startDepth: Int) -> Bool {
        var containers = ContainerStack()
        var depth = startDepth
        var state = State.value
        while true {
            switch state {
            case .value:
                guard depth < JSONParser.maxDepth, pos < buf.count else { return false }
                switch buf[pos] {
                case UInt8(ascii: "\""):
                    guard skipString() else { return false }
                    state = .afterValue
                case UInt8(ascii: "{"):
                    pos += 1
                    skipWhitespace()
                    if pos < buf.count, buf[pos] == UInt8(ascii: "}") {
                        pos += 1
                        state = .afterValue
                    } else {
                        containers.push(object: true, level: depth - startDepth)
                        depth += 1
                        state = .key
                    }
                case UInt8(ascii: "["):
                    pos += 1
                    skipWhitespace()
                    if pos < buf.count, buf[pos] == UInt8(ascii: "]") {
                        pos += 1
                        state = .afterValue
                    } else {
                        containers.push(object: false, level: depth - startDepth)
                        depth += 1
                    }
                case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    guard skipNumber() else { return false }
                    state = .afterValue
                case UInt8(ascii: "t"):
                    guard skipLiteral(0x74, 0x72, 0x75, 0x65, length: 4) else { return false }
                    state = .afterValue
                case UInt8(ascii: "f"):
                    guard pos + 5 <= buf.count, buf[pos + 4] == UInt8(ascii: "e"),
                          skipLiteral(0x66, 0x61, 0x6C, 0x73, length: 5) else { return false }
                    state = .afterValue
                case UInt8(ascii: "n"):
                    guard skipLiteral(0x6E, 0x75, 0x6C, 0x6C, length: 4) else { return false }
                    state = .afterValue
                default:
                    return false
                }
            case .key:
                skipWhitespace()
                guard pos < buf.count, buf[pos] == UInt8(ascii: "\""), skipString() else { return false }
                skipWhitespace()
                guard pos < buf.count, buf[pos] == UInt8(ascii: ":") else { return false }
                pos += 1
                skipWhitespace()
                state = .value
            case .afterValue:
                guard depth > startDepth else { return true }
                skipWhitespace()
                guard pos < buf.count else { return false }
                let isObject = containers.isObject(level: depth - 1 - startDepth)
                switch buf[pos] {
                case UInt8(ascii: ","):
                    pos += 1
                    if isObject {
                        state = .key
                    } else {
                        skipWhitespace()
                        state = .value
                    }
                case UInt8(ascii: "}") where isObject, UInt8(ascii: "]") where !isObject:
                    pos += 1
                    depth -= 1
                default:
                    return false
                }
            }
        }
    }

    private enum State { case value, key, afterValue }

    /// Skips the string whose opening quote is at `pos`. Invalid UTF-8 is accepted (the parser
    /// repairs it); control characters, bad escapes and a high surrogate followed by an escape
    /// that is not a low surrogate are not.
    mutating func skipString() -> Bool {
        pos += 1
        let count = buf.count
        guard let base = buf.baseAddress else { return false }
        while true {
            // Eight bytes at a time until one is a quote, a backslash or a control character.
            while pos + 8 <= count {
                let word = UInt64(littleEndian: UnsafeRawPointer(base + pos).loadUnaligned(as: UInt64.self))
                let special = Self.zeroBytes(word ^ 0x2222_2222_2222_2222) | Self.zeroBytes(word ^ 0x5C5C_5C5C_5C5C_5C5C)
                    | ((word &- 0x2020_2020_2020_2020) & ~word & 0x8080_8080_8080_8080)
                if special == 0 {
                    pos += 8
                    continue
                }
                // The lowest flagged byte is exact (borrows only flag bytes above a real hit).
                pos += special.trailingZeroBitCount >> 3
                break
            }
            guard pos < count else { return false }
            let c = base[pos]
            if c == UInt8(ascii: "\"") {
                pos += 1
                return true
            }
            if c < 0x20 { return false }
            if c != UInt8(ascii: "\\") {
                pos += 1
                continue
            }
            pos += 1
            guard pos < count else { return false }
            let e = base[pos]
            pos += 1
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                 UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                continue
            case UInt8(ascii: "u"):
                guard let scalar = hex4() else { return false }
                if (0xD800..<0xDC00).contains(scalar), pos + 1 < count, base[pos] == UInt8(ascii: "\\"),
                   base[pos + 1] == UInt8(ascii: "u")
                {
                    pos += 2
                    guard let low = hex4(), (0xDC00..<0xE000).contains(low) else { return false }
                }
            default:
                return false
            }
        }
    }

    /// Bytes of `v` that are zero get their high bit set (exact for the lowest such byte).
    @inline(__always)
    private static func zeroBytes(_ v: UInt64) -> UInt64 {
        (v &- 0x0101_0101_0101_0101) & ~v & 0x8080_8080_8080_8080
    }

    private mutating func hex4() -> UInt32? {
        guard pos + 4 <= buf.count else { return nil }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = buf[pos]
            let d: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = c - UInt8(ascii: "A") + 10
            default: return nil
            }
            v = v << 4 | UInt32(d)
            pos += 1
        }
        return v
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, as `JSONParser` reads numbers
    /// (every such number parses: out-of-range ones become infinity).
    private mutating func skipNumber() -> Bool {
        let count = buf.count
        if buf[pos] == UInt8(ascii: "-") { pos += 1 }
        guard pos < count, Self.isDigit(buf[pos]) else { return false }
        if buf[pos] == UInt8(ascii: "0") {
            pos += 1
        } else {
            while pos < count, Self.isDigit(buf[pos]) { pos += 1 }
        }
        if pos < count, buf[pos] == UInt8(ascii: ".") {
            pos += 1
            let digits = pos
            while pos < count, Self.isDigit(buf[pos]) { pos += 1 }
            guard pos > digits else { return false }
        }
        if pos < count, buf[pos] == UInt8(ascii: "e") || buf[pos] == UInt8(ascii: "E") {
            pos += 1
            if pos < count, buf[pos] == UInt8(ascii: "+") || buf[pos] == UInt8(ascii: "-") { pos += 1 }
            let digits = pos
            while pos < count, Self.isDigit(buf[pos]) { pos += 1 }
            guard pos > digits else { return false }
        }
        return true
    }

    @inline(__always)
    private static func isDigit(_ c: UInt8) -> Bool { c &- UInt8(ascii: "0") < 10 }

    /// `true`, `null` (4 bytes) or `false` (its 5th byte checked by the caller).
    private mutating func skipLiteral(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8, length: Int) -> Bool {
        guard pos + length <= buf.count, buf[pos] == a, buf[pos + 1] == b, buf[pos + 2] == c, buf[pos + 3] == d else {
            return false
        }
        pos += length
        return true
    }
}

/// Whether each open container is an object or an array: one bit per level, for the
/// `JSONParser.maxDepth` (256) levels a document may nest, without an allocation.
private struct ContainerStack {
    private var bits: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    mutating func push(object: Bool, level: Int) {
        let mask: UInt64 = 1 << UInt64(level & 63)
        let set = object ? mask : 0
        switch level >> 6 {
        case 0: bits.0 = bits.0 & ~mask | set
        case 1: bits.1 = bits.1 & ~mask | set
        case 2: bits.2 = bits.2 & ~mask | set
        default: bits.3 = bits.3 & ~mask | set
        }
    }

    func isObject(level: Int) -> Bool {
        let word: UInt64
        switch level >> 6 {
        case 0: word = bits.0
        case 1: word = bits.1
        case 2: word = bits.2
        default: word = bits.3
        }
        return word >> UInt64(level & 63) & 1 == 1
    }
}
