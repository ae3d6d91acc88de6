/// A host's overall state as the dashboard and `fleet check` show it.
enum HostStatus: Int, CaseIterable, Sendable, Equatable {
    case ok
    case degraded
    case down
    case auth
    case tls
    case bad
    /// Not polled yet.
    case pending

    var label: String {
        switch self {
        case .ok: return "OK"
        case .degraded: return "DEGRADED"
        case .down: return "DOWN"
        case .auth: return "AUTH"
        case .tls: return "TLS"
        case .bad: return "BAD"
        case .pending: return "WAIT"
        }
    }

    /// Higher is worse; "worst first" sorts by this. An unreachable host outranks a
    /// misconfigured one, which outranks a host that answers with partial data.
    var severity: Int {
        switch self {
        case .ok: return 0
        case .pending: return 1
        case .degraded: return 2
        case .bad: return 3
        case .tls: return 4
        case .auth: return 5
        case .down: return 6
        }
    }

    /// The poll produced usable metadata (possibly partial).
    var gotMetadata: Bool { self == .ok || self == .degraded }

    /// Statuses shown in the header and counted by `fleet check`, in display order.
    static let reported: [HostStatus] = [.ok, .degraded, .down, .auth, .tls, .bad]
}
