/// One header field as received or to be sent: the name as spelled on the wire and the value
/// with surrounding whitespace removed.
public typealias HTTPHeaderField = (name: String, value: String)

/// Lookups over an ordered header list. Field names compare case-insensitively (ASCII only, as
/// field names are tokens), without allocating lower-cased copies on the request path.
public enum HTTPHeaderFields {
    /// The value of the first field called `name`, or nil.
    public static func first(_ name: String, in fields: [HTTPHeaderField]) -> String? {
        for field in fields where asciiCaseInsensitiveEquals(field.name, name) {
            return field.value
        }
        return nil
    }

    /// The values of every field called `name`, in the order received.
    public static func all(_ name: String, in fields: [HTTPHeaderField]) -> [String] {
        fields.filter { asciiCaseInsensitiveEquals($0.name, name) }.map(\.value)
    }

    /// True when some field called `name` lists `token` in its comma-separated value
    /// (`Connection: keep-alive, Upgrade`), compared case-insensitively.
    public static func containsToken(_ token: String, inField name: String, of fields: [HTTPHeaderField]) -> Bool {
        var token = token
        return token.withUTF8 { wanted in
            for field in fields where asciiCaseInsensitiveEquals(field.name, name) {
                let found = forEachListElement(of: field.value) { element in
                    !element.isEmpty && asciiCaseInsensitiveEquals(element, wanted)
                }
                if found { return true }
            }
            return false
        }
    }

    /// Calls `body` with each comma-separated element of `value`, whitespace trimmed (empty
    /// elements included), until it returns true; returns whether it did. Reads the value's
    /// bytes in place: this runs for every response the poller reads.
    static func forEachListElement(of value: String, _ body: (UnsafeBufferPointer<UInt8>) -> Bool) -> Bool {
        var value = value
        return value.withUTF8 { bytes in
            var start = 0
            while true {
                var end = start
                while end < bytes.count && bytes[end] != UInt8(ascii: ",") { end += 1 }
                var lower = start, upper = end
                while lower < upper, HTTPSyntax.isWhitespace(bytes[lower]) { lower += 1 }
                while upper > lower, HTTPSyntax.isWhitespace(bytes[upper - 1]) { upper -= 1 }
                if body(UnsafeBufferPointer(rebasing: bytes[lower..<upper])) { return true }
                if end == bytes.count { return false }
                start = end + 1
            }
        }
    }

    /// Whether a message on `version` with these fields lets the connection be reused: HTTP/1.1
    /// unless `Connection: close`; HTTP/1.0 only with `Connection: keep-alive`.
    static func keepAlive(version: HTTPVersion, fields: [HTTPHeaderField]) -> Bool {
        if containsToken("close", inField: "Connection", of: fields) { return false }
        if version.defaultsToPersistent { return true }
        return containsToken("keep-alive", inField: "Connection", of: fields)
    }

    public static func asciiCaseInsensitiveEquals(_ a: String, _ b: String) -> Bool {
        guard a.utf8.count == b.utf8.count else { return false }
        // Header lookups run per request: compare the contiguous UTF-8 storage directly.
        let fast: Bool?? = a.utf8.withContiguousStorageIfAvailable { x in
            b.utf8.withContiguousStorageIfAvailable { y in
                for i in 0..<x.count where x[i] != y[i] && asciiLower(x[i]) != asciiLower(y[i]) { return false }
                return true
            }
        }
        if let fast, let result = fast { return result }
        return asciiCaseInsensitiveEquals(a.utf8, b.utf8)
    }

    static func asciiCaseInsensitiveEquals<A: Collection<UInt8>, B: Collection<UInt8>>(_ a: A, _ b: B) -> Bool {
        guard a.count == b.count else { return false }
        for (x, y) in zip(a, b) where x != y {
            if asciiLower(x) != asciiLower(y) { return false }
        }
        return true
    }

    @inline(__always)
    static func asciiLower(_ byte: UInt8) -> UInt8 {
        (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) ? byte | 0x20 : byte
    }

    static func trimmingWhitespace<C: BidirectionalCollection<UInt8>>(_ bytes: C) -> C.SubSequence {
        var lower = bytes.startIndex
        var upper = bytes.endIndex
        while lower < upper, HTTPSyntax.isWhitespace(bytes[lower]) { lower = bytes.index(after: lower) }
        while upper > lower, HTTPSyntax.isWhitespace(bytes[bytes.index(before: upper)]) { upper = bytes.index(before: upper) }
        return bytes[lower..<upper]
    }

    /// Element-wise equality for header lists (tuples cannot conform to Equatable).
    static func equal(_ a: [HTTPHeaderField], _ b: [HTTPHeaderField]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }
}
