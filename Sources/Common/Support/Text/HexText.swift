/// Bytes as lowercase hexadecimal, two digits each (tokens, fingerprints, fsids).
public enum HexText {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    public static func lowercase(_ bytes: some Sequence<UInt8>, separator: String = "") -> String {
        var out: [UInt8] = []
        for (i, b) in bytes.enumerated() {
            if i > 0 { out.append(contentsOf: separator.utf8) }
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
