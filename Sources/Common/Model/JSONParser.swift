/// A JSON parse failure with the byte offset, so a user can find the bad spot in a file.
public struct JSONParseError: Error, Equatable, CustomStringConvertible {
    public let offset: Int
    public let reason: String
    public var description: String { "invalid JSON at byte \(offset): \(reason)" }
}

/// How much work a parse did, for tests that bound it without timing anything.
struct JSONParseStatistics: Equatable {
    /// Byte comparisons of two object keys (made only when their hashes are equal).
    var keyComparisons = 0
    /// Earlier keys looked at while checking a key for a duplicate (by hash).
    var hashProbes = 0
    var objectKeys = 0
}

/// A strict RFC 8259 parser over bytes. Its cost is linear in the input whatever the input:
/// nesting is capped at `maxDepth` (no unbounded recursion), and duplicate object keys are found
/// through a hash table (a key is compared with another only when their hashes are equal), so
/// an object with tens of thousands of keys costs what its bytes cost. A caller bounds the work
/// per document by bounding its size (the poller's responses are at most 32 MiB).
///
/// JSON text is UTF-8 (RFC 8259 §8.1): a string holding bytes that are not well-formed UTF-8
/// is refused, so a key or value is never silently changed while it is read (two different
/// invalid spellings would otherwise decode to one key and slip past the duplicate check).
public struct JSONParser {
    public static let maxDepth = 256

    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        try parse(Array(text.utf8))
    }

    /// For the output of local tools (ceph-volume, cephadm's unit.meta), which may carry a
    /// device model or path in another encoding: bytes that are not UTF-8 become U+FFFD first,
    /// as Python's `errors="replace"` would, and the rest is parsed strictly.
    public static func parse(replacingInvalidUTF8 bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
        try parse(String(decoding: bytes, as: UTF8.self))
    }

    public static func parse(_ bytes: some Collection<UInt8>) throws(JSONParseError) -> JSONValue {
        var statistics = JSONParseStatistics()
        return try parse(bytes, statistics: &statistics)
    }

    static func parse(_ bytes: some Collection<UInt8>, statistics: inout JSONParseStatistics) throws(JSONParseError) -> JSONValue {
        let array = Array(bytes)
        return try array.withUnsafeBufferPointer { buf throws(JSONParseError) -> JSONValue in
            var p = JSONParser(buf: buf)
            defer { statistics = p.statistics }
            p.skipWhitespace()
            let v = try p.parseValue(depth: 0)
            p.skipWhitespace()
            guard p.pos == buf.count else { throw p.error("trailing characters after the document") }
            return v
        }
    }

    /// One value starting at `pos` (which moves past it), nested `depth` levels deep, with the
    /// same rules and errors as `parse`: for `MetadataSkimmer`, which builds values only for
    /// health and the records and validates the tasks' data with `JSONSkipper`.
    static func value(in buf: UnsafeBufferPointer<UInt8>, at pos: inout Int, depth: Int) throws(JSONParseError) -> JSONValue {
        var p = JSONParser(buf: buf)
        p.pos = pos
        defer { pos = p.pos }
        return try p.parseValue(depth: depth)
    }

    /// The string whose opening quote is at `pos` (which moves past its closing quote).
    static func string(in buf: UnsafeBufferPointer<UInt8>, at pos: inout Int) throws(JSONParseError) -> String {
        var p = JSONParser(buf: buf)
        p.pos = pos
        defer { pos = p.pos }
        return try p.parseString()
    }

    /// The number whose first byte (`-` or a digit) is at `pos` (which moves past it), as
    /// `parse` reads it; nil when it is not a valid number.
    static func number(in buf: UnsafeBufferPointer<UInt8>, at pos: inout Int) -> JSONValue? {
        var p = JSONParser(buf: buf)
        p.pos = pos
        defer { pos = p.pos }
        return try? p.parseNumber()
    }

    private let buf: UnsafeBufferPointer<UInt8>
    private var pos = 0
    private var statistics = JSONParseStatistics()

    private init(buf: UnsafeBufferPointer<UInt8>) { self.buf = buf }

    private func error(_ reason: String) -> JSONParseError { JSONParseError(offset: pos, reason: reason) }

    private mutating func skipWhitespace() {
        while pos < buf.count {
            switch buf[pos] {
            case 0x20, 0x09, 0x0A, 0x0D: pos += 1
            default: return
            }
        }
    }

    private mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth < JSONParser.maxDepth else { throw error("nesting deeper than \(JSONParser.maxDepth)") }
        guard pos < buf.count else { throw error("unexpected end of input") }
        switch buf[pos] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth)
        case UInt8(ascii: "["): return try parseArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        case 0x21...0x7E: throw error("unexpected character '\(Character(Unicode.Scalar(buf[pos])))'")
        default: throw error("unexpected byte 0x\(HexText.lowercase([buf[pos]]))")
        }
    }

    private mutating func expectLiteral(_ word: StaticString) throws(JSONParseError) {
        let n = word.utf8CodeUnitCount
        guard pos + n <= buf.count else { throw error("unexpected end of input") }
        let w = UnsafeBufferPointer(start: word.utf8Start, count: n)
        for i in 0..<n where buf[pos + i] != w[i] { throw error("invalid literal") }
        pos += n
    }

    private mutating func parseObject(depth: Int) throws(JSONParseError) -> JSONValue {
        pos += 1
        var entries: [(key: String, value: JSONValue)] = []
        entries.reserveCapacity(8)
        // Duplicate keys keep their first position and their last value, as in Python. Each key
        // is hashed; small objects scan the hashes, larger ones look them up in a table whose
        // chains link the entries that share a hash.
        var keyHashes = KeyHashes()
        skipWhitespace()
        if pos < buf.count, buf[pos] == UInt8(ascii: "}") { pos += 1; return .object(JSONObject()) }
        while true {
            skipWhitespace()
            guard pos < buf.count, buf[pos] == UInt8(ascii: "\"") else { throw error("expected a string key") }
            let keyStart = pos + 1
            let key = try parseString()
            // Hash the key's raw bytes (fast); a key with escapes is hashed decoded, so two
            // spellings of one key still meet.
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            var escaped = false
            for i in keyStart..<(pos - 1) {
                let b = buf[i]
                if b == UInt8(ascii: "\\") { escaped = true }
                hash = (hash ^ UInt64(b)) &* 0x100_0000_01b3
            }
            if escaped {
                hash = 0xcbf2_9ce4_8422_2325
                for b in key.utf8 { hash = (hash ^ UInt64(b)) &* 0x100_0000_01b3 }
            }
            skipWhitespace()
            guard pos < buf.count, buf[pos] == UInt8(ascii: ":") else { throw error("expected ':' after key") }
            pos += 1
            skipWhitespace()
            let value = try parseValue(depth: depth + 1)
            statistics.objectKeys += 1
            let duplicate = keyHashes.first(withHash: hash, probes: &statistics.hashProbes) { i in
                statistics.keyComparisons += 1
                return JSONObject.sameBytes(entries[i].key, key)
            }
            if let duplicate {
                entries[duplicate].value = value
            } else {
                keyHashes.append(hash)
                entries.append((key, value))
            }
            skipWhitespace()
            guard pos < buf.count else { throw error("unexpected end of input in object") }
            if buf[pos] == UInt8(ascii: ",") { pos += 1; continue }
            if buf[pos] == UInt8(ascii: "}") { pos += 1; break }
            throw error("expected ',' or '}' in object")
        }
        return .object(JSONObject(distinctEntries: entries))
    }

    private mutating func parseArray(depth: Int) throws(JSONParseError) -> JSONValue {
        pos += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if pos < buf.count, buf[pos] == UInt8(ascii: "]") { pos += 1; return .array(items) }
        while true {
            skipWhitespace()
            items.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            guard pos < buf.count else { throw error("unexpected end of input in array") }
            if buf[pos] == UInt8(ascii: ",") { pos += 1; continue }
            if buf[pos] == UInt8(ascii: "]") { pos += 1; break }
            throw error("expected ',' or ']' in array")
        }
        return .array(items)
    }

    private mutating func parseNumber() throws(JSONParseError) -> JSONValue {
        let start = pos
        var isFloat = false
        if buf[pos] == UInt8(ascii: "-") { pos += 1 }
        guard pos < buf.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(buf[pos]) else {
            throw error("invalid number")
        }
        if buf[pos] == UInt8(ascii: "0") {
            pos += 1
        } else {
            while pos < buf.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(buf[pos]) { pos += 1 }
        }
        if pos < buf.count, buf[pos] == UInt8(ascii: ".") {
            isFloat = true
            pos += 1
            let digits = pos
            while pos < buf.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(buf[pos]) { pos += 1 }
            guard pos > digits else { throw error("invalid number: no digits after '.'") }
        }
        if pos < buf.count, buf[pos] == UInt8(ascii: "e") || buf[pos] == UInt8(ascii: "E") {
            isFloat = true
            pos += 1
            if pos < buf.count, buf[pos] == UInt8(ascii: "+") || buf[pos] == UInt8(ascii: "-") { pos += 1 }
            let digits = pos
            while pos < buf.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(buf[pos]) { pos += 1 }
            guard pos > digits else { throw error("invalid number: no digits in exponent") }
        }
        // Integers of up to 18 digits (all the exporter's counts and sizes) skip the String.
        if !isFloat && pos - start <= 18 {
            var value: Int64 = 0
            let negative = buf[start] == UInt8(ascii: "-")
            for i in (negative ? start + 1 : start)..<pos { value = value * 10 + Int64(buf[i] &- UInt8(ascii: "0")) }
            return .int(negative ? -value : value)
        }
        // Most fractions (timestamps, durations) without strtod; the rest through it.
        if isFloat, let base = buf.baseAddress, let d = DecimalDouble.value(base, from: start, to: pos) { return .double(d) }
        let text = String(decoding: UnsafeBufferPointer(rebasing: buf[start..<pos]), as: UTF8.self)
        if !isFloat, let i = Int64(text) { return .int(i) }
        guard let d = Double(text) else { throw JSONParseError(offset: start, reason: "invalid number") }
        return .double(d)
    }

    private mutating func parseString() throws(JSONParseError) -> String {
        pos += 1  // opening quote
        var bytes: [UInt8] = []
        var runStart = pos
        while true {
            guard pos < buf.count else { throw error("unterminated string") }
            let c = buf[pos]
            if c == UInt8(ascii: "\"") {
                if bytes.isEmpty {
                    let s = String(decoding: UnsafeBufferPointer(rebasing: buf[runStart..<pos]), as: UTF8.self)
                    pos += 1
                    return s
                }
                bytes.append(contentsOf: buf[runStart..<pos])
                pos += 1
                return String(decoding: bytes, as: UTF8.self)
            }
            if c < 0x20 { throw error("control character in string") }
            if c >= 0x80 {
                let n = Self.utf8SequenceLength(buf, at: pos)
                guard n > 0 else { throw error("invalid UTF-8 in string (byte 0x\(HexText.lowercase([c])))") }
                pos += n
                continue
            }
            if c != UInt8(ascii: "\\") { pos += 1; continue }
            bytes.append(contentsOf: buf[runStart..<pos])
            pos += 1
            guard pos < buf.count else { throw error("unterminated escape") }
            let e = buf[pos]
            pos += 1
            switch e {
            case UInt8(ascii: "\""): bytes.append(0x22)
            case UInt8(ascii: "\\"): bytes.append(0x5C)
            case UInt8(ascii: "/"): bytes.append(0x2F)
            case UInt8(ascii: "b"): bytes.append(0x08)
            case UInt8(ascii: "f"): bytes.append(0x0C)
            case UInt8(ascii: "n"): bytes.append(0x0A)
            case UInt8(ascii: "r"): bytes.append(0x0D)
            case UInt8(ascii: "t"): bytes.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try parseHex4()
                if (0xD800..<0xDC00).contains(scalar) {
                    // A high surrogate must be followed by an escaped low surrogate.
                    if pos + 1 < buf.count, buf[pos] == UInt8(ascii: "\\"), buf[pos + 1] == UInt8(ascii: "u") {
                        pos += 2
                        let low = try parseHex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw error("invalid surrogate pair") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        scalar = 0xFFFD
                    }
                } else if (0xDC00..<0xE000).contains(scalar) {
                    scalar = 0xFFFD
                }
                let s = String(Character(Unicode.Scalar(scalar) ?? "\u{FFFD}"))
                bytes.append(contentsOf: s.utf8)
            default: throw error("invalid escape")
            }
            runStart = pos
        }
    }

    /// The length of the well-formed UTF-8 sequence starting at `i` (a lead byte >= 0x80), or 0
    /// when it is not one: a stray continuation byte, an overlong form, a surrogate, a scalar
    /// past U+10FFFF or a truncated sequence (Unicode's table 3-7).
    static func utf8SequenceLength(_ buf: UnsafeBufferPointer<UInt8>, at i: Int) -> Int {
        let lead = buf[i]
        let length: Int
        var second: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; second = 0xA0...0xBF
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; second = 0x80...0x9F
        case 0xF0: length = 4; second = 0x90...0xBF
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; second = 0x80...0x8F
        default: return 0
        }
        guard i + length <= buf.count, second.contains(buf[i + 1]) else { return 0 }
        for k in 2..<length where !(0x80...0xBF).contains(buf[i + k]) { return 0 }
        return length
    }

    private mutating func parseHex4() throws(JSONParseError) -> UInt32 {
        guard pos + 4 <= buf.count else { throw error("truncated \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = buf[pos]
            let d: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - UInt8(ascii: "A") + 10)
            default: throw error("invalid hex digit in \\u escape")
            }
            v = v * 16 + d
            pos += 1
        }
        return v
    }
}

/// The hashes of an object's keys so far, and which entries share a hash. Below
/// `tableThreshold` keys a scan of the hashes is cheaper than a table; above, lookups take
/// expected constant time.
private struct KeyHashes {
    static let tableThreshold = 16

    private var hashes: [UInt64] = []
    /// Hash → the last entry with it; `previous[i]` → the entry before `i` with the same hash.
    private var lastByHash: [UInt64: Int] = [:]
    private var previous: [Int] = []

    init() { hashes.reserveCapacity(8) }

    /// The first entry whose key hash equals `hash` and that `matches` accepts (the byte
    /// comparison); nil when none does.
    func first(withHash hash: UInt64, probes: inout Int, where matches: (Int) -> Bool) -> Int? {
        if hashes.count < Self.tableThreshold {
            probes += hashes.count
            for i in hashes.indices where hashes[i] == hash && matches(i) { return i }
            return nil
        }
        var i = lastByHash[hash] ?? -1
        while i >= 0 {
            probes += 1
            if matches(i) { return i }
            i = previous[i]
        }
        return nil
    }

    mutating func append(_ hash: UInt64) {
        hashes.append(hash)
        if hashes.count == Self.tableThreshold {
            lastByHash.reserveCapacity(64)
            previous = []
            previous.reserveCapacity(64)
            for (i, h) in hashes.enumerated() {
                previous.append(lastByHash[h] ?? -1)
                lastByHash[h] = i
            }
        } else if hashes.count > Self.tableThreshold {
            previous.append(lastByHash[hash] ?? -1)
            lastByHash[hash] = hashes.count - 1
        }
    }
}
