import Common

/// Where a Prometheus server's HTTP API is: `http[s]://host[:port][/prefix]` (a prefix when it
/// sits behind a reverse proxy or runs with `--web.route-prefix`).
struct PrometheusEndpoint: Sendable, Equatable {
    let useTLS: Bool
    /// A host name or IP literal (IPv6 without brackets).
    let host: String
    let port: Int
    /// Empty, or `/prefix` without a trailing slash.
    let prefix: String

    static func parse(_ url: String) throws(UsageError) -> PrometheusEndpoint {
        let problem = "--prometheus: '\(UntrustedText.escape(url, limit: 120, alphabet: .printableUnicode))'"
        let useTLS: Bool
        var rest: Substring
        if url.hasPrefix("http://") {
            useTLS = false
            rest = url.dropFirst(7)
        } else if url.hasPrefix("https://") {
            useTLS = true
            rest = url.dropFirst(8)
        } else {
            throw UsageError("\(problem) is not an http:// or https:// URL (e.g. http://prometheus.example:9090)")
        }
        guard !rest.contains("?"), !rest.contains("#") else { throw UsageError("\(problem): no query or fragment, please") }
        let authority = rest.prefix { $0 != "/" }
        rest = rest.dropFirst(authority.count)
        guard !authority.contains("@") else {
            throw UsageError("\(problem): no credentials in the URL (a token goes in --prometheus-token-file)")
        }
        var host = Substring(authority)
        var portText: Substring?
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { throw UsageError("\(problem): unclosed '[' of an IPv6 address") }
            let after = host[host.index(after: close)...]
            if after.hasPrefix(":") { portText = after.dropFirst() } else if !after.isEmpty { throw UsageError("\(problem): text after ']'") }
            host = host[host.index(after: host.startIndex)..<close]
        } else if let colon = host.lastIndex(of: ":") {
            portText = host[host.index(after: colon)...]
            host = host[..<colon]
        }
        guard !host.isEmpty else { throw UsageError("\(problem) names no host") }
        var port = useTLS ? 443 : 80
        if let portText {
            guard let p = Int(portText), (1...65535).contains(p) else { throw UsageError("\(problem): bad port '\(portText)'") }
            port = p
        }
        var prefix = String(rest)
        while prefix.hasSuffix("/") { prefix.removeLast() }
        return PrometheusEndpoint(useTLS: useTLS, host: String(host), port: port, prefix: prefix)
    }

    /// `prefix + path` (path starts with `/`).
    func path(_ path: String) -> String { prefix + path }

    /// The `Host` header: the host, bracketed when IPv6, with the port.
    var hostHeader: String { (host.contains(":") ? "[\(host)]" : host) + ":\(port)" }

    /// The URL as the operator wrote it, normalized (for messages).
    var url: String { (useTLS ? "https://" : "http://") + hostHeader + prefix }
}
