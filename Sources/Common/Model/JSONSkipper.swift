/// Checks that bytes hold valid JSON without building anything: the same grammar, nesting limit
/// and string rules as `JSONParser` (which it must accept and refuse alike: the skimmer's
/// differential tests and fuzz target hold it to that), at a fraction of the cost, because the
/// bulk of a metadata body is `data` the poller never looks into.
///
/// It answers only "valid or not": callers that need the reason re-run `JSONParser`, whose error
/// names the offset (a body that is not JSON is rare; the exact message stays the parser's).
/// Cost is linear: one pass, an explicit stack of at most `JSONParser.maxDepth` levels, and
/// strings scanned sixteen bytes at a time.
struct JSONSkipper {
    let buf: UnsafeBufferPointer<UInt8>
    var pos: Int
    /// Whether the last string `skipString` passed held an escape (its text differs from its bytes).
    private(set) var stringHadEscape = false

    init(_ buf: UnsafeBufferPointer<UInt8>, at pos: Int) {
        self.buf = buf
        self.pos = pos
    }

    mutating func skipWhitespace() {
        guard let base = buf.baseAddress else { return }
        pos = Self.whitespace(base, buf.count, pos)
    }

    /// A member of a skipped object whose key was asked for: the key's index in the key set
    /// and where the member's value lies.
    struct Capture {
        let key: Int
        let value: Range<Int>
    }

    /// Skips one value nested `depth` levels deep (the depth `JSONParser.parseValue` would get),
    /// leaving `pos` just after it. False when it is not valid JSON.
    mutating func skipValue(depth startDepth: Int) -> Bool {
        var none: [Capture] = []
        return skipValue(depth: startDepth, capturing: nil, into: &none)
    }

    /// The same, noting (in document order) the members of the value, when it is an object,
    /// whose keys are in `keys`. Nested objects' members are not looked at.
    ///
    /// One loop, each turn a value: an object's key (and colon) is read before its value, and
    /// after each value the closing brackets and the comma that follow it. Positions stay
    /// within the buffer, so the arithmetic cannot overflow.
    mutating func skipValue(depth startDepth: Int, capturing keys: JSONKeySet?, into captures: inout [Capture]) -> Bool {
        guard let base = buf.baseAddress else { return false }
        let n = buf.count
        var p = pos
        defer { pos = p }
        // The kinds of the enclosing containers; the innermost one is kept in `inObject`.
        var outer = ContainerStack()
        var inObject = false
        var depth = startDepth
        var expectKey = false
        // Capturing: the key index and value start of the member being skipped (-1: none).
        var pendingKey = -1
        var valueStart = 0
        let maxDepth = JSONParser.maxDepth
        while true {
            if expectKey {
                p = Self.whitespace(base, n, p)
                guard p < n, base[p] == UInt8(ascii: "\"") else { return false }
            } else {
                guard depth < maxDepth, p < n else { return false }
            }
            if base[p] == UInt8(ascii: "\"") {
                // A string, key or value: sixteen bytes at a time to the first quote,
                // backslash, control character or non-ASCII byte (`specialBytes`); byte by byte
                // in the buffer's last 15 bytes. Control characters, bad escapes (see `escape`)
                // and bytes that are not well-formed UTF-8 are refused, as the parser refuses them.
                let start = p
                var escaped = false
                p &+= 1
                while true {
                    if p &+ 16 <= n {
                        let flagged = Self.specialBytes(UnsafeRawPointer(base + p).loadUnaligned(as: SIMD16<UInt8>.self))
                        if flagged.0 != 0 {
                            p &+= flagged.0.trailingZeroBitCount >> 3
                        } else if flagged.1 != 0 {
                            p &+= 8 &+ flagged.1.trailingZeroBitCount >> 3
                        } else {
                            p &+= 16
                            continue
                        }
                    } else if p >= n {
                        return false
                    }
                    let c = base[p]
                    if c == UInt8(ascii: "\"") { break }
                    if c == UInt8(ascii: "\\") {
                        escaped = true
                        p = Self.escape(base, n, p)
                        guard p >= 0 else { return false }
                    } else if c < 0x20 {
                        return false
                    } else if c >= 0x80 {
                        let length = JSONParser.utf8SequenceLength(buf, at: p)
                        guard length > 0 else { return false }
                        p &+= length
                    } else {
                        p &+= 1
                    }
                }
                p &+= 1
                if expectKey {
                    let member = keys != nil && depth == startDepth &+ 1
                    if member, let keys { pendingKey = keys.index(ofKeyAt: start..<p, in: buf, escaped: escaped) ?? -1 }
                    p = Self.whitespace(base, n, p)
                    guard p < n, base[p] == UInt8(ascii: ":") else { return false }
                    p = Self.whitespace(base, n, p &+ 1)
                    if member { valueStart = p }
                    expectKey = false
                    continue
                }
            } else {
                switch base[p] {
                case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    p = Self.number(base, n, p)
                    guard p >= 0 else { return false }
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    let object = base[p] == UInt8(ascii: "{")
                    p = Self.whitespace(base, n, p &+ 1)
                    if p < n, base[p] == (object ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                        p &+= 1
                    } else {
                        outer.set(depth &- startDepth, object: inObject)
                        inObject = object
                        depth &+= 1
                        expectKey = object
                        continue
                    }
                case UInt8(ascii: "t"):
                    guard Self.literal(base, n, p, 0x74, 0x72, 0x75, 0x65) else { return false }
                    p &+= 4
                case UInt8(ascii: "f"):
                    guard p &+ 5 <= n, base[p &+ 4] == UInt8(ascii: "e"), Self.literal(base, n, p, 0x66, 0x61, 0x6C, 0x73)
                    else { return false }
                    p &+= 5
                case UInt8(ascii: "n"):
                    guard Self.literal(base, n, p, 0x6E, 0x75, 0x6C, 0x6C) else { return false }
                    p &+= 4
                default:
                    return false
                }
            }
            // After a value: the containers it closes, then a comma before the next value.
            while true {
                if pendingKey >= 0, depth == startDepth &+ 1 {
                    captures.append(Capture(key: pendingKey, value: valueStart..<p))
                    pendingKey = -1
                }
                guard depth > startDepth else { return true }
                p = Self.whitespace(base, n, p)
                guard p < n else { return false }
                let c = base[p]
                p &+= 1
                if c == UInt8(ascii: ",") {
                    if inObject {
                        expectKey = true
                    } else {
                        p = Self.whitespace(base, n, p)
                    }
                    break
                }
                guard c == (inObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) else { return false }
                depth &-= 1
                inObject = outer.isObject(depth &- startDepth)
            }
        }
    }

    /// Skips the string whose opening quote is at `pos`; `stringHadEscape` says whether it
    /// held an escape.
    mutating func skipString() -> Bool {
        let start = pos
        guard pos < buf.count, buf[pos] == UInt8(ascii: "\""), skipValue(depth: 0) else { return false }
        stringHadEscape = UnsafeBufferPointer(rebasing: buf[start..<pos]).contains(UInt8(ascii: "\\"))
        return true
    }

    /// The bytes of `v` a string scan must stop at (a quote, a backslash, a control character
    /// or a non-ASCII byte), as a byte mask in two little-endian words: 0x80 in each such lane.
    /// Per lane, `t &- 1` has its top bit set for `t == 0` or `t > 0x80`, and `v &- 0x20` for `v <
    /// 0x20` or `v > 0x9F`: either false hit is a lane with its top bit set, which `| v` flags
    /// anyway. Written with wrapping arithmetic only, because Swift's SIMD comparisons compile
    /// to a loop over the lanes while these become single SSE2 instructions.
    @inline(__always)
    static func specialBytes(_ v: SIMD16<UInt8>) -> (UInt64, UInt64) {
        let one = SIMD16<UInt8>(repeating: 1)
        let quote = v ^ SIMD16(repeating: UInt8(ascii: "\""))
        let backslash = v ^ SIMD16(repeating: UInt8(ascii: "\\"))
        let flagged = ((quote &- one) | (backslash &- one) | (v &- SIMD16(repeating: 0x20)) | v) & SIMD16(repeating: 0x80)
        return unsafeBitCast(flagged, to: (UInt64, UInt64).self)
    }

    @inline(__always)
    private static func whitespace(_ base: UnsafePointer<UInt8>, _ n: Int, _ start: Int) -> Int {
        var p = start
        while p < n {
            let c = base[p]
            // Most bytes after a separator are a value's or a key's first byte.
            if c > 0x20 { return p }
            guard c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D else { return p }
            p &+= 1
        }
        return p
    }

    /// The index after the escape whose backslash is at `start`, or -1 when it is not valid:
    /// the parser's escapes, four hex digits after `u`, and a high surrogate followed by `\u`
    /// must be followed by a low surrogate (alone, either is replaced, not refused).
    @inline(never)
    private static func escape(_ base: UnsafePointer<UInt8>, _ n: Int, _ start: Int) -> Int {
        var p = start + 1
        guard p < n else { return -1 }
        let e = base[p]
        p += 1
        switch e {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
             UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            return p
        case UInt8(ascii: "u"):
            guard let scalar = hex4(base, n, p) else { return -1 }
            p += 4
            if (0xD800..<0xDC00).contains(scalar), p + 1 < n, base[p] == UInt8(ascii: "\\"), base[p + 1] == UInt8(ascii: "u") {
                guard let low = hex4(base, n, p + 2), (0xDC00..<0xE000).contains(low) else { return -1 }
                p += 6
            }
            return p
        default:
            return -1
        }
    }

    private static func hex4(_ base: UnsafePointer<UInt8>, _ n: Int, _ at: Int) -> UInt32? {
        guard at + 4 <= n else { return nil }
        var v: UInt32 = 0
        for i in at..<(at + 4) {
            let c = base[i]
            let d: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = c - UInt8(ascii: "A") + 10
            default: return nil
            }
            v = v << 4 | UInt32(d)
        }
        return v
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, as `JSONParser` reads numbers
    /// (every such number parses: out-of-range ones become infinity). The index after it, or -1.
    @inline(__always)
    private static func number(_ base: UnsafePointer<UInt8>, _ n: Int, _ start: Int) -> Int {
        var p = start
        if base[p] == UInt8(ascii: "-") { p += 1 }
        guard p < n, isDigit(base[p]) else { return -1 }
        if base[p] == UInt8(ascii: "0") {
            p += 1
        } else {
            while p < n, isDigit(base[p]) { p += 1 }
        }
        if p < n, base[p] == UInt8(ascii: ".") {
            p += 1
            let digits = p
            while p < n, isDigit(base[p]) { p += 1 }
            guard p > digits else { return -1 }
        }
        if p < n, base[p] == UInt8(ascii: "e") || base[p] == UInt8(ascii: "E") {
            p += 1
            if p < n, base[p] == UInt8(ascii: "+") || base[p] == UInt8(ascii: "-") { p += 1 }
            let digits = p
            while p < n, isDigit(base[p]) { p += 1 }
            guard p > digits else { return -1 }
        }
        return p
    }

    @inline(__always)
    private static func isDigit(_ c: UInt8) -> Bool { c &- UInt8(ascii: "0") < 10 }

    /// The four bytes at `at` are `a b c d` (`true`, `null`, the start of `false`).
    @inline(__always)
    private static func literal(_ base: UnsafePointer<UInt8>, _ n: Int, _ at: Int, _ a: UInt8, _ b: UInt8, _ c: UInt8,
                                _ d: UInt8) -> Bool {
        at + 4 <= n && base[at] == a && base[at + 1] == b && base[at + 2] == c && base[at + 3] == d
    }
}

/// Whether each open container is an object or an array: one bit per level, for the
/// `JSONParser.maxDepth` (256) levels a document may nest, without an allocation.
private struct ContainerStack {
    private var bits: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    mutating func set(_ level: Int, object: Bool) {
        let mask: UInt64 = 1 << UInt64(level & 63)
        let value = object ? mask : 0
        switch level >> 6 {
        case 0: bits.0 = bits.0 & ~mask | value
        case 1: bits.1 = bits.1 & ~mask | value
        case 2: bits.2 = bits.2 & ~mask | value
        default: bits.3 = bits.3 & ~mask | value
        }
    }

    func isObject(_ level: Int) -> Bool {
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
