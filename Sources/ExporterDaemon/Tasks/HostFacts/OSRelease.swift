/// `/etc/os-release` (shell-style `KEY=value` lines).
enum OSRelease {
    /// Splits each line at its first `=` only, so values such as `HOME_URL="https://x/?a=b"`
    /// are kept whole (Pacific split at every `=` and crashed on them, quirk Q15).
    static func parse(_ text: String) -> [String: String] {
        var values: [String: String] = [:]
        for rawLine in text.split(separator: "\n") {
            let line = rawLine.trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let eq = line.firstIndex(of: "=") else { continue }
            let key = String(line[..<eq])
            values[key] = unquote(String(line[line.index(after: eq)...]))
        }
        return values
    }

    /// `<NAME> <VERSION>`, or `Unknown` when either is missing.
    static func operatingSystem(_ values: [String: String]) -> String {
        guard let name = values["NAME"], let version = values["VERSION"] else { return "Unknown" }
        return "\(name) \(version)"
    }

    private static func unquote(_ value: String) -> String {
        for quote in ["\"", "'"] where value.count >= 2 && value.hasPrefix(quote) && value.hasSuffix(quote) {
            return String(value.dropFirst().dropLast())
        }
        return value
    }
}
