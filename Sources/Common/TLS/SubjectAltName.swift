import Glibc

/// One subjectAltName entry of a certificate the fleet's CA issues: a DNS name or an IP
/// address. Checked before it reaches OpenSSL's `X509V3_EXT_conf_nid`, whose text form would
/// otherwise let a comma in a host name add an entry of its choosing.
public enum SubjectAltName: Sendable, Equatable, Hashable, CustomStringConvertible {
    case dns(String)
    case ip(String)

    /// The entry for a host name or address: `ip` for an IPv4/IPv6 literal (brackets removed),
    /// `dns` (lower-cased, without a final dot) for a name; nil, with the reason, otherwise.
    public static func parse(_ text: String) -> Result<SubjectAltName, SubjectAltNameError> {
        var t = text
        if t.hasPrefix("[") && t.hasSuffix("]") { t = String(t.dropFirst().dropLast()) }
        if isIPLiteral(t) { return .success(.ip(t)) }
        if t.hasSuffix(".") { t.removeLast() }
        let name = t.lowercased()
        if name.isEmpty || name.utf8.count > 253 {
            return .failure(SubjectAltNameError(text: text, reason: "a host name must have 1 to 253 characters"))
        }
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        for label in labels {
            guard !label.isEmpty, label.utf8.count <= 63 else {
                return .failure(SubjectAltNameError(text: text, reason: "each dot-separated part of a host name must have 1 to 63 characters"))
            }
            guard label.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }),
                  !label.hasPrefix("-"), !label.hasSuffix("-") else {
                return .failure(SubjectAltNameError(text: text, reason: "a host name may hold only letters, digits, '-' and '_' between dots, and no part may start or end with '-'"))
            }
        }
        return .success(.dns(name))
    }

    /// The host name or address as it appears in the certificate.
    public var value: String {
        switch self {
        case .dns(let s), .ip(let s): return s
        }
    }

    /// OpenSSL's configuration form, `DNS:name` or `IP:address`.
    var opensslForm: String {
        switch self {
        case .dns(let s): return "DNS:\(s)"
        case .ip(let s): return "IP:\(s)"
        }
    }

    public var description: String { opensslForm }

    /// An IPv4 or IPv6 address literal (without brackets).
    public static func isIPLiteral(_ text: String) -> Bool {
        var v4 = in_addr(), v6 = in6_addr()
        return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1
    }
}

public struct SubjectAltNameError: Error, Sendable, Equatable, CustomStringConvertible {
    public let text: String
    public let reason: String
    public var description: String { "'\(UntrustedText.escape(text, limit: 80))' is not a usable host name or address: \(reason)" }
}
