/// The one sanitiser for text that came from outside (a client's request line, a host's
/// error message, a line of a host list) before it reaches a log file or a terminal: a peer
/// must not be able to forge log lines (CR, LF), drive the reader's terminal (ESC, C1 codes,
/// bidi overrides) or fill a disk (unbounded length).
///
/// Escapes are visible: `\x1b` for a byte or control character, `\u{202e}` for an invisible
/// format character. In logs a backslash is doubled too, so a client cannot type a fake escape
/// and the original can be read back; on a terminal a backslash is harmless and stays single,
/// which also makes escaping there idempotent (text escaped twice reads the same).
public enum UntrustedText {
    /// What passes through unescaped.
    public enum Alphabet: Sendable {
        /// Printable ASCII only; every other byte is `\xNN` (log files: safe in any reader,
        /// grep-able, and invalid UTF-8 stays visible instead of becoming U+FFFD).
        case ascii
        /// Printable Unicode too (a terminal showing a host's CPU model or a host list line);
        /// control, format and separator characters are still escaped.
        case printableUnicode
    }

    /// Marks text cut at the limit: ASCII for logs, one cell for terminals.
    static func ellipsis(_ alphabet: Alphabet) -> String { alphabet == .ascii ? "..." : "…" }

    /// `text` with everything outside `alphabet` escaped, cut to at most `limit` output
    /// characters (plus the ellipsis when cut). A limit below 1 yields only the ellipsis.
    public static func escape(_ text: String, limit: Int, alphabet: Alphabet = .ascii) -> String {
        // Nearly everything is short printable ASCII: return it untouched, without copying.
        let plain = text.utf8.withContiguousStorageIfAvailable { bytes in
            bytes.count <= limit && !bytes.contains { !isPlainASCII($0) }
        }
        if plain == true { return text }
        switch alphabet {
        case .ascii:
            return escape(bytes: text.utf8, limit: limit)
        case .printableUnicode:
            // Terminal text is mostly printable already (names, symbols, bars): every cell of
            // the dashboard passes here, so keep such text as it is without rebuilding it.
            if isPrintableAsIs(text, limit: limit) { return text }
            var out = Bounded(limit: limit, ellipsis: ellipsis(alphabet))
            for scalar in text.unicodeScalars {
                let piece: String
                if scalar == "\\" {
                    piece = "\\"
                } else if scalar.isASCII {
                    piece = asciiPiece(UInt8(scalar.value))
                } else if isPrintable(scalar) {
                    piece = String(Character(scalar))
                } else if scalar.value < 0x100 {
                    piece = hexByte(UInt8(scalar.value))
                } else {
                    piece = "\\u{" + hex(scalar.value) + "}"
                }
                if !out.append(piece) { break }
            }
            return out.text
        }
    }

    /// Raw bytes (not necessarily UTF-8), printable ASCII kept, every other byte `\xNN`.
    public static func escape<Bytes: Sequence>(bytes: Bytes, limit: Int) -> String where Bytes.Element == UInt8 {
        var out = Bounded(limit: limit, ellipsis: ellipsis(.ascii))
        for byte in bytes {
            if !out.append(asciiPiece(byte)) { break }
        }
        return out.text
    }

    private static func isPlainASCII(_ b: UInt8) -> Bool { b >= 0x20 && b < 0x7F && b != UInt8(ascii: "\\") }

    private static func asciiPiece(_ b: UInt8) -> String {
        if b == UInt8(ascii: "\\") { return "\\\\" }
        if b >= 0x20 && b < 0x7F { return String(UnicodeScalar(b)) }
        return hexByte(b)
    }

    /// Nothing in `text` needs escaping for a terminal, and it fits the limit.
    private static func isPrintableAsIs(_ text: String, limit: Int) -> Bool {
        var count = 0
        for scalar in text.unicodeScalars {
            count += 1
            guard count <= limit else { return false }
            if scalar.isASCII {
                if scalar.value < 0x20 || scalar.value == 0x7F { return false }
            } else if !isPrintable(scalar) {
                return false
            }
        }
        return true
    }

    private static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned:
            return false
        default:
            return true
        }
    }

    private static func hexByte(_ b: UInt8) -> String {
        let s = hex(UInt32(b))
        return s.count == 1 ? "\\x0" + s : "\\x" + s
    }

    private static func hex(_ v: UInt32) -> String { String(v, radix: 16) }

    /// Output that refuses pieces past `limit` characters and then ends with the ellipsis.
    /// Pieces are never split, so an escape is never cut in half.
    private struct Bounded {
        let limit: Int
        let ellipsis: String
        private(set) var text = ""
        private var count = 0

        init(limit: Int, ellipsis: String) {
            self.limit = limit
            self.ellipsis = ellipsis
        }

        /// False once the limit is reached (the ellipsis is then appended).
        mutating func append(_ piece: String) -> Bool {
            let n = piece.unicodeScalars.count
            guard count + n <= limit else {
                text += ellipsis
                return false
            }
            text += piece
            count += n
            return true
        }
    }
}
