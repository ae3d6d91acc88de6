/// Splits PEM text into its `-----BEGIN <label>-----` ... `-----END <label>-----` blocks, so a
/// bundle of several certificates can be parsed one by one.
enum PEMBlocks {
    static func split(_ text: String, label: String) -> [String] {
        let begin = "-----BEGIN \(label)-----", end = "-----END \(label)-----"
        var blocks: [String] = []
        var rest = Substring(text)
        while let b = rest.firstRange(of: begin), let e = rest[b.upperBound...].firstRange(of: end) {
            blocks.append(String(rest[b.lowerBound..<e.upperBound]) + "\n")
            rest = rest[e.upperBound...]
        }
        return blocks
    }
}
