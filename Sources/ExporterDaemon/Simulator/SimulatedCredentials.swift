import Common
import Glibc

/// What a simulated host serves with: every host the same certificate and token (shared mode,
/// `--config`), or each its own from `fleet config issue --hosts ... --output-dir DIR`
/// (per-host mode, `--credentials-dir`): `DIR/<host name>.json`, checked by the one validator,
/// with the CA requirement for client certificates when the config asks for it.
enum SimulatedCredentials {
    case shared(tls: TLSContext, token: String)
    case perHost(directory: String)

    struct HostCredentials {
        let tls: TLSContext
        let token: String
        let previousToken: PreviousToken?
    }

    func forHost(named name: String) throws -> HostCredentials {
        switch self {
        case .shared(let tls, let token):
            return HostCredentials(tls: tls, token: token, previousToken: nil)
        case .perHost(let directory):
            let path = PathText.join(directory, HostToken.canonicalName(name) + ".json")
            let config = try ExporterConfig.parse(text: try ExporterConfigInput.readFile(path), source: path)
            guard config.isPerHost else {
                throw SimulatorError(description: "\(path): not a per-host config (no ca); issue it with `fleet config issue`")
            }
            let tls = try TLSContext.server(certificatePEM: config.crt, keyPEM: config.key,
                                            clientAuthorities: config.requireClientCertificate ? config.ca : nil)
            return HostCredentials(tls: tls, token: config.token, previousToken: config.previousToken)
        }
    }
}

/// Where simulated host k listens: `--bind` on `--base-port` + k, or, with `--first-address`,
/// its own address (the first plus k; all of 127.0.0.0/8 is loopback on Linux) on one port,
/// so the fleet looks like a real one: one address and one certificate per host.
enum SimulatedAddressing: Equatable {
    case ports(bind: String, basePort: Int)
    case addresses(first: String, port: Int)

    func endpoint(_ k: Int) -> (address: String, port: Int)? {
        switch self {
        case .ports(let bind, let basePort): return (bind, basePort + k)
        case .addresses(let first, let port):
            return Self.ipv4(first, plus: k).map { ($0, port) }
        }
    }

    /// `first` + `k` within the same /8 (so 127.x stays loopback); nil past it.
    static func ipv4(_ first: String, plus k: Int) -> String? {
        var addr = in_addr()
        guard inet_pton(AF_INET, first, &addr) == 1, k >= 0 else { return nil }
        let base = UInt32(bigEndian: addr.s_addr)
        let (value, overflow) = base.addingReportingOverflow(UInt32(clamping: k))
        guard !overflow, value >> 24 == base >> 24 else { return nil }
        return "\(value >> 24).\((value >> 16) & 0xFF).\((value >> 8) & 0xFF).\(value & 0xFF)"
    }

    /// A problem with `count` hosts, or nil.
    func problem(count: Int) -> String? {
        switch self {
        case .ports(_, let basePort):
            return basePort + count - 1 <= 65535 ? nil : "--base-port \(basePort) + --count \(count) goes past port 65535"
        case .addresses(let first, _):
            if Self.ipv4(first, plus: 0) == nil { return "--first-address: '\(first)' is not an IPv4 address" }
            return Self.ipv4(first, plus: count - 1) == nil ? "--first-address \(first) + --count \(count) leaves its /8" : nil
        }
    }
}
