/// `/proc/net/if_inet6`: one line per address,
/// `<32 hex digits> <ifindex> <prefix len hex> <scope hex> <flags hex> <interface>`.
enum IPv6Addresses {
    struct Entry: Equatable {
        var interface: String
        var address: String
        var prefixLength: Int
        var scope: Int
    }

    static func parse(_ text: String) -> [Entry] {
        text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 6, fields[0].count == 32,
                  let prefix = Int(fields[2], radix: 16), let scope = Int(fields[3], radix: 16),
                  let address = format(hex: String(fields[0]))
            else { return nil }
            return Entry(interface: String(fields[5]), address: address, prefixLength: prefix, scope: scope)
        }
    }

    /// The address to report for an interface as `addr/prefix`: a global one when there is
    /// one (Pacific took the first line, often the link-local address, quirk Q15), else the
    /// first listed; empty when the interface has none.
    static func preferred(for interface: String, in entries: [Entry]) -> String {
        let mine = entries.filter { $0.interface == interface }
        guard let chosen = mine.first(where: { $0.scope == 0 }) ?? mine.first else { return "" }
        return "\(chosen.address)/\(chosen.prefixLength)"
    }

    /// RFC 5952 text form of 32 hex digits: lower case, leading zeros dropped, the longest run
    /// of two or more zero groups (the first on a tie) written as `::`.
    static func format(hex: String) -> String? {
        let digits = Array(hex.utf8)
        guard digits.count == 32 else { return nil }
        var groups: [UInt16] = []
        for start in stride(from: 0, to: 32, by: 4) {
            guard let value = UInt16(String(decoding: digits[start..<start + 4], as: UTF8.self), radix: 16) else { return nil }
            groups.append(value)
        }
        var bestStart = -1, bestLength = 0, runStart = -1
        for i in 0...8 {
            if i < 8 && groups[i] == 0 {
                if runStart < 0 { runStart = i }
            } else if runStart >= 0 {
                if i - runStart > bestLength { bestStart = runStart; bestLength = i - runStart }
                runStart = -1
            }
        }
        let text = groups.map { String($0, radix: 16) }
        guard bestLength >= 2 else { return text.joined(separator: ":") }
        let head = text[..<bestStart].joined(separator: ":")
        let tail = text[(bestStart + bestLength)...].joined(separator: ":")
        return head + "::" + tail
    }
}
