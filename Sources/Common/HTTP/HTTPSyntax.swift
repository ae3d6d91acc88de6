/// The RFC 9110/9112 character classes and field-line grammar shared by the request and response
/// parsers. Strict on purpose: anything ambiguous (a space before the colon, a bare CR, a control
/// byte) is how request smuggling starts, so it is refused rather than guessed at.
enum HTTPSyntax {
    @inline(__always)
    static func isWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// Bytes allowed in a field value: visible ASCII, space, tab and obs-text (0x80–0xFF).
    @inline(__always)
    static func isFieldValueByte(_ byte: UInt8) -> Bool { byte >= 0x20 ? byte != 0x7F : byte == 0x09 }

    /// tchar: the characters of methods and field names.
    static func isTokenByte(_ byte: UInt8) -> Bool { tokenTable[Int(byte)] }

    private static let tokenTable: [Bool] = (0..<256).map { value in
        let byte = UInt8(value)
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }

    static func isToken(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        !bytes.isEmpty && bytes.allSatisfy(isTokenByte)
    }

    static func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    /// Parses `name: value` (the line ending already removed). Leading whitespace (obs-fold) is
    /// reported by the caller, which knows whether folding is tolerated.
    static func parseField(_ line: UnsafeBufferPointer<UInt8>) -> Result<HTTPHeaderField, HTTPFieldProblem> {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
            return .failure(HTTPFieldProblem("has no colon"))
        }
        let name = UnsafeBufferPointer(rebasing: line[..<colon])
        if name.isEmpty { return .failure(HTTPFieldProblem("has an empty field name")) }
        if let last = name.last, isWhitespace(last) {
            return .failure(HTTPFieldProblem("has whitespace before the colon"))
        }
        guard isToken(name) else {
            return .failure(HTTPFieldProblem("has a field name with characters not allowed in a token"))
        }
        let rawValue = line[(colon + 1)...]
        if let bad = rawValue.first(where: { !isFieldValueByte($0) }) {
            return .failure(HTTPFieldProblem("has control character 0x\(hex(bad)) in the value of \(string(name))"))
        }
        let value = HTTPHeaderFields.trimmingWhitespace(rawValue)
        return .success((name: string(name), value: string(UnsafeBufferPointer(rebasing: value))))
    }

    /// A continuation line's text, for tolerant (response) parsing of obs-fold.
    static func foldedContinuation(_ line: UnsafeBufferPointer<UInt8>) -> Result<String, HTTPFieldProblem> {
        if let bad = line.first(where: { !isFieldValueByte($0) }) {
            return .failure(HTTPFieldProblem("has control character 0x\(hex(bad))"))
        }
        return .success(string(UnsafeBufferPointer(rebasing: HTTPHeaderFields.trimmingWhitespace(line))))
    }

    enum ContentLength: Equatable {
        case absent
        case value(Int)
        case invalid(String)
    }

    /// Every `Content-Length` field and every comma-separated element must be the same decimal
    /// number; anything else is framing a peer could exploit, so it is rejected.
    static func contentLength(in fields: [HTTPHeaderField]) -> ContentLength {
        var found: Int?
        for field in fields where HTTPHeaderFields.asciiCaseInsensitiveEquals(field.name, "Content-Length") {
            var problem: ContentLength?
            _ = HTTPHeaderFields.forEachListElement(of: field.value) { digits in
                guard !digits.isEmpty, digits.count <= 18, digits.allSatisfy(isDigit) else {
                    problem = .invalid("Content-Length \"\(field.value)\" is not a decimal byte count")
                    return true
                }
                let number = digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
                if let previous = found, previous != number {
                    problem = .invalid("conflicting Content-Length values \(previous) and \(number)")
                    return true
                }
                found = number
                return false
            }
            if let problem { return problem }
        }
        return found.map(ContentLength.value) ?? .absent
    }

    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]], as: UTF8.self)
    }

    /// Parses `HTTP/<digit>.<digit>`, or `HTTP/<digit>` as HTTP/2 and HTTP/3 are written.
    /// Returns nil when the text does not fit that grammar, so callers can tell "malformed" (400)
    /// from "well-formed but unsupported" (505).
    static func parseVersion(_ bytes: UnsafeBufferPointer<UInt8>) -> (major: Int, minor: Int?)? {
        let prefix = Array("HTTP/".utf8)
        let n = prefix.count
        guard bytes.count > n, bytes.starts(with: prefix), isDigit(bytes[n]) else { return nil }
        let major = Int(bytes[n] - 0x30)
        if bytes.count == n + 1 { return (major, nil) }
        guard bytes.count == n + 3, bytes[n + 1] == UInt8(ascii: "."), isDigit(bytes[n + 2]) else { return nil }
        return (major, Int(bytes[n + 2] - 0x30))
    }
}

/// What is wrong with one field line; the parser adds the line number.
struct HTTPFieldProblem: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
