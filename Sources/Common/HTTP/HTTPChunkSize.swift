/// The chunk-size line of a chunked body: hex size, optional whitespace, optional
/// `;name=value` extensions (ignored, as RFC 9112 §7.1.1 allows).
enum HTTPChunkSize {
    /// Sizes past 15 significant hex digits would overflow; they are far beyond any body limit.
    static let maxSignificantDigits = 15

    /// The size and the number of bytes after it (whitespace and extensions), which callers
    /// count against a per-message extension budget.
    static func parse(_ line: UnsafeBufferPointer<UInt8>) -> Result<(size: Int, extensionBytes: Int), HTTPFieldProblem> {
        var index = 0
        var size = 0
        var significant = 0
        while index < line.count, let digit = hexValue(line[index]) {
            if size > 0 || digit > 0 { significant += 1 }
            if significant > maxSignificantDigits { return .failure(HTTPFieldProblem("chunk size is too large")) }
            size = size * 16 + digit
            index += 1
        }
        guard index > 0 else { return .failure(HTTPFieldProblem("chunk-size line does not start with a hex size")) }
        let digits = index
        while index < line.count, HTTPSyntax.isWhitespace(line[index]) { index += 1 }
        if index < line.count {
            guard line[index] == UInt8(ascii: ";") else {
                return .failure(HTTPFieldProblem("unexpected character after the chunk size"))
            }
            if line[index...].contains(where: { !HTTPSyntax.isFieldValueByte($0) }) {
                return .failure(HTTPFieldProblem("control character in a chunk extension"))
            }
        }
        return .success((size, line.count - digits))
    }

    private static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return Int(byte - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return Int(byte - UInt8(ascii: "A")) + 10
        default: return nil
        }
    }
}
