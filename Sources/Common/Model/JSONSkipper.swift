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
    /// One loop, each turn an object's key and colon when one is due, then a value (whitespace
    /// before it passed), then the closing brackets and the comma that follow it. The usual
    /// shapes are taken first: a string's bytes up to its closing quote sixteen at a time, a
    /// colon with one space after it; whitespace is looked for only where a byte at most 0x20
    /// stands. Positions stay within the buffer, so the arithmetic cannot overflow.
    mutating func skipValue(depth startDepth: Int, capturing keys: JSONKeySet?, into captures: inout [Capture]) -> Bool {
        guard let base = buf.baseAddress else { return false }
        let n = buf.count
        var p = pos
        defer { pos = p }
        let maxDepth = JSONParser.maxDepth
        // Every value is nested below `maxDepth` (the parser checks each value's depth): so is
        // the first, and a container with members needs room for them.
        guard startDepth < maxDepth else { return false }
        // The kinds of the enclosing containers; the innermost one is kept in `inObject`.
        var outer = ContainerStack()
        var inObject = false
        var depth = startDepth
        var expectKey = false
        // Capturing: the members' depth (none when not capturing), the key index and value
        // start of the member being skipped (-1: none).
        let memberDepth = keys == nil ? -1 : startDepth &+ 1
        var pendingKey = -1
        var valueStart = 0
        while true {
            if expectKey {
                expectKey = false
                p = Self.whitespace(base, n, p)
                guard p < n, base[p] == UInt8(ascii: "\"") else { return false }
                let keyStart = p &+ 1
                var quote = Self.plainRun(base, n, keyStart)
                var escaped = false
                if quote >= n || base[quote] != UInt8(ascii: "\"") {
                    let end = Self.string(base, n, quote, escaped: &escaped)
                    guard end >= 0 else { return false }
                    quote = end &- 1
                }
                if depth == memberDepth, let keys {
                    let length = quote &- keyStart
                    if escaped {
                        pendingKey = keys.index(ofEscapedKeyAt: (keyStart &- 1)..<(quote &+ 1), in: buf) ?? -1
                    } else {
                        pendingKey = keys.mayHold(length: length)
                            ? keys.index(of: UnsafeBufferPointer(start: base + keyStart, count: length)) ?? -1 : -1
                    }
                }
                p = quote &+ 1
                if p &+ 2 < n, base[p] == UInt8(ascii: ":"), base[p &+ 1] == 0x20, base[p &+ 2] > 0x20 {
                    p &+= 2
                } else {
                    p = Self.whitespace(base, n, p)
                    guard p < n, base[p] == UInt8(ascii: ":") else { return false }
                    p = Self.whitespace(base, n, p &+ 1)
                }
                if depth == memberDepth { valueStart = p }
            }
            guard p < n else { return false }
            let first = base[p]
            if first == UInt8(ascii: "\"") {
                let quote = Self.plainRun(base, n, p &+ 1)
                if quote < n, base[quote] == UInt8(ascii: "\"") {
                    p = quote &+ 1
                } else {
                    var escaped = false
                    p = Self.string(base, n, quote, escaped: &escaped)
                    guard p >= 0 else { return false }
                }
            } else if first &- UInt8(ascii: "0") < 10 || first == UInt8(ascii: "-") {
                p = Self.number(base, n, p)
                guard p >= 0 else { return false }
            } else if first == UInt8(ascii: "{") || first == UInt8(ascii: "[") {
                let object = first == UInt8(ascii: "{")
                p = Self.whitespace(base, n, p &+ 1)
                guard p < n else { return false }
                if base[p] == (object ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    p &+= 1
                } else {
                    guard depth &+ 1 < maxDepth else { return false }
                    outer.set(depth &- startDepth, object: inObject)
                    inObject = object
                    depth &+= 1
                    expectKey = object
                    continue
                }
            } else if first == UInt8(ascii: "t") {
                guard Self.literal(base, n, p, 0x74, 0x72, 0x75, 0x65) else { return false }
                p &+= 4
            } else if first == UInt8(ascii: "f") {
                guard p &+ 5 <= n, base[p &+ 4] == UInt8(ascii: "e"), Self.literal(base, n, p, 0x66, 0x61, 0x6C, 0x73)
                else { return false }
                p &+= 5
            } else if first == UInt8(ascii: "n") {
                guard Self.literal(base, n, p, 0x6E, 0x75, 0x6C, 0x6C) else { return false }
                p &+= 4
            } else {
                return false
            }
            // After a value: the containers it closes, then a comma before the next value.
            while true {
                if pendingKey >= 0, depth == memberDepth {
                    captures.append(Capture(key: pendingKey, value: valueStart..<p))
                    pendingKey = -1
                }
                guard depth > startDepth else { return true }
                guard p < n else { return false }
                var c = base[p]
                if c <= 0x20 {
                    p = Self.whitespace(base, n, p)
                    guard p < n else { return false }
                    c = base[p]
                }
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
        guard let base = buf.baseAddress, pos < buf.count, base[pos] == UInt8(ascii: "\"") else { return false }
        let quote = Self.plainRun(base, buf.count, pos &+ 1)
        if quote < buf.count, base[quote] == UInt8(ascii: "\"") {
            pos = quote &+ 1
            stringHadEscape = false
            return true
        }
        var escaped = false
        let end = Self.string(base, buf.count, quote, escaped: &escaped)
        guard end >= 0 else { return false }
        pos = end
        stringHadEscape = escaped
        return true
    }

    /// The index after the closing quote of the string whose contents start at `start`, or -1
    /// when it is not a valid string: sixteen bytes at a time to the first quote, backslash,
    /// control character or non-ASCII byte (`specialBytes`); byte by byte in the buffer's last
    /// 15 bytes. Control characters, bad escapes (see `escape`) and bytes that are not
    /// well-formed UTF-8 are refused, as the parser refuses them. `escaped` is set when the
    /// string holds an escape. (Out of line: `skipValue` passes the usual short plain strings
    /// itself, with `plainRun`, and calls this from the first byte that needs a closer look.)
    @inline(never)
    static func string(_ base: UnsafePointer<UInt8>, _ n: Int, _ start: Int, escaped: inout Bool) -> Int {
        var p = start
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
                return -1
            }
            let c = base[p]
            if c == UInt8(ascii: "\"") { return p &+ 1 }
            if c == UInt8(ascii: "\\") {
                escaped = true
                p = Self.escape(base, n, p)
                guard p >= 0 else { return -1 }
            } else if c < 0x20 {
                return -1
            } else if c >= 0x80 {
                let length = JSONParser.utf8SequenceLength(UnsafeBufferPointer(start: base, count: n), at: p)
                guard length > 0 else { return -1 }
                p &+= length
            } else {
                p &+= 1
            }
        }
    }

    /// The index of the first byte from `start` a string scan stops at (`specialBytes`),
    /// looking sixteen bytes at a time while sixteen remain; where fewer remain, the index
    /// where the look ended (`string` goes on from there byte by byte).
    @inline(__always)
    private static func plainRun(_ base: UnsafePointer<UInt8>, _ n: Int, _ start: Int) -> Int {
        var p = start
        while p &+ 16 <= n {
            let flagged = specialBytes(UnsafeRawPointer(base + p).loadUnaligned(as: SIMD16<UInt8>.self))
            if flagged.0 != 0 { return p &+ flagged.0.trailingZeroBitCount >> 3 }
            if flagged.1 != 0 { return p &+ 8 &+ flagged.1.trailingZeroBitCount >> 3 }
            p &+= 16
        }
        return p
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
        // Most often one space (after a separator) or none.
        if p < n, base[p] == 0x20 { p &+= 1 }
        if p < n, base[p] > 0x20 { return p }
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
        if base[p] == UInt8(ascii: "-") { p &+= 1 }
        guard p < n, isDigit(base[p]) else { return -1 }
        p = base[p] == UInt8(ascii: "0") ? p &+ 1 : digits(base, n, p &+ 1)
        if p < n, base[p] == UInt8(ascii: ".") {
            let fraction = p &+ 1
            p = digits(base, n, fraction)
            guard p > fraction else { return -1 }
        }
        if p < n, base[p] | 0x20 == UInt8(ascii: "e") {
            p &+= 1
            if p < n, base[p] == UInt8(ascii: "+") || base[p] == UInt8(ascii: "-") { p &+= 1 }
            let exponent = p
            p = digits(base, n, exponent)
            guard p > exponent else { return -1 }
        }
        return p
    }

    /// The index of the first byte from `start` that is not a decimal digit (or `n`): eight
    /// bytes at a time where eight remain. Per byte, `x = b ^ 0x30` is 0...9 for a digit; `x |
    /// ((x & 0x7F) + 0x76)` has its top bit set exactly when `x` is not (no lane carries).
    @inline(__always)
    private static func digits(_ base: UnsafePointer<UInt8>, _ n: Int, _ start: Int) -> Int {
        var p = start
        while p &+ 8 <= n {
            let x = UnsafeRawPointer(base + p).loadUnaligned(as: UInt64.self) ^ 0x3030_3030_3030_3030
            let other = (x | ((x & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7676_7676_7676_7676)) & 0x8080_8080_8080_8080
            if other != 0 { return p &+ UInt64(littleEndian: other).trailingZeroBitCount >> 3 }
            p &+= 8
        }
        while p < n, isDigit(base[p]) { p &+= 1 }
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
