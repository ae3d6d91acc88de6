/// Splits `host[:port]` and checks that the host is a plausible DNS name or IP literal, so typos
/// are reported with their line instead of turning into resolve failures at poll time.
enum HostAddress {
    enum Failure: Error, Equatable {
        case emptyHost
        case badPort(String)
        case invalid(String, reason: String)
    }

    /// `name`, `name:port`, `1.2.3.4[:port]`, `[v6][:port]`, or a bare IPv6 literal (no port).
    static func parse(_ token: Substring) -> Result<(host: String, port: Int?), Failure> {
        if token.contains("/") {
            return .failure(.invalid(String(token), reason: "write host[:port], not a URL or a path"))
        }
        if token.first == "[" {
            guard let close = token.firstIndex(of: "]") else {
                return .failure(.invalid(String(token), reason: "missing ']' after the IPv6 address"))
            }
            let inner = token[token.index(after: token.startIndex)..<close]
            let rest = token[token.index(after: close)...]
            if inner.isEmpty { return .failure(.emptyHost) }
            guard isIPv6(inner) else {
                return .failure(.invalid(String(token), reason: "not a valid IPv6 address inside [ ]"))
            }
            if rest.isEmpty { return .success((String(inner), nil)) }
            guard rest.first == ":" else {
                return .failure(.invalid(String(token), reason: "unexpected text after ']'"))
            }
            return port(rest.dropFirst()).map { (String(inner), $0) }
        }
        let colons = token.reduce(0) { $1 == ":" ? $0 + 1 : $0 }
        if colons >= 2 {
            guard isIPv6(token) else {
                return .failure(.invalid(String(token),
                                         reason: "not a valid IPv6 address (write [address]:port to give a port)"))
            }
            return .success((String(token), nil))
        }
        if colons == 1, let colon = token.firstIndex(of: ":") {
            let host = token[..<colon]
            if host.isEmpty { return .failure(.emptyHost) }
            if let failure = checkHost(host) { return .failure(failure) }
            return port(token[token.index(after: colon)...]).map { (String(host), $0) }
        }
        if token.isEmpty { return .failure(.emptyHost) }
        if let failure = checkHost(token) { return .failure(failure) }
        return .success((String(token), nil))
    }

    private static func port(_ text: Substring) -> Result<Int?, Failure> {
        guard !text.isEmpty, text.count <= 5, text.allSatisfy({ $0.isASCII && $0.isNumber }),
              let p = Int(text), (1...65535).contains(p)
        else { return .failure(.badPort(String(text))) }
        return .success(p)
    }

    /// A DNS name (letters, digits, '-', '_', dots between non-empty labels) or a dotted IPv4.
    private static func checkHost(_ host: Substring) -> Failure? {
        let text = String(host)
        if host.allSatisfy({ $0 == "." || ($0.isASCII && $0.isNumber) }) {
            return isIPv4(host) ? nil : .invalid(text, reason: "not a valid IPv4 address")
        }
        guard host.utf8.count <= 253 else { return .invalid(text, reason: "longer than 253 characters") }
        for ch in host where !(ch.isASCII && (ch.isLetter || ch.isNumber || ch == "-" || ch == "_" || ch == ".")) {
            return .invalid(text, reason: "the character '\(InventoryProblem.quoted(String(ch)))' is not allowed in a host name")
        }
        // A single trailing dot is a fully qualified name; any other empty label is a typo.
        let labels = (host.last == "." ? host.dropLast() : host).split(separator: ".", omittingEmptySubsequences: false)
        for label in labels {
            if label.isEmpty { return .invalid(text, reason: "empty label between dots") }
            if label.utf8.count > 63 { return .invalid(text, reason: "a label is longer than 63 characters") }
            if label.first == "-" || label.last == "-" {
                return .invalid(text, reason: "a label starts or ends with '-'")
            }
        }
        return nil
    }

    static func isIPv4(_ text: Substring) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        return parts.allSatisfy { p in
            !p.isEmpty && p.count <= 3 && p.allSatisfy({ $0.isASCII && $0.isNumber }) && (Int(p) ?? 256) <= 255
        }
    }

    /// RFC 4291 text form, with an optional `%zone` and an optional trailing dotted IPv4.
    static func isIPv6(_ text: Substring) -> Bool {
        var body = text
        if let percent = text.firstIndex(of: "%") {
            let zone = text[text.index(after: percent)...]
            guard !zone.isEmpty,
                  zone.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) })
            else { return false }
            body = text[..<percent]
        }
        let halves = body.split(separator: "::", maxSplits: 2, omittingEmptySubsequences: false)
        guard halves.count <= 2 else { return false }
        var groups = 0
        for (h, half) in halves.enumerated() where !half.isEmpty {
            let fields = half.split(separator: ":", omittingEmptySubsequences: false)
            for (i, field) in fields.enumerated() {
                let isLast = h == halves.count - 1 && i == fields.count - 1
                if isLast, field.contains(".") {
                    guard isIPv4(field) else { return false }
                    groups += 2
                } else {
                    guard (1...4).contains(field.count), field.allSatisfy({ $0.isASCII && $0.isHexDigit }) else { return false }
                    groups += 1
                }
            }
        }
        return halves.count == 2 ? groups <= 7 : groups == 8
    }
}
