/// How `fleet check` prints; the thresholds come with the `FleetState` (`--warn-age`, `--crit-age`).
struct CheckOptions: Sendable, Equatable {
    enum Format: Sendable, Equatable { case text, json, openMetrics }
    var format: Format = .text
    /// Only the summary line (wins over `format`).
    var quiet = false

    init(format: Format = .text, quiet: Bool = false) {
        self.format = format
        self.quiet = quiet
    }
}

/// Nagios plugin states; the raw value is the exit status.
enum NagiosState: Int32, Sendable, Comparable, CaseIterable {
    case ok = 0
    case warning = 1
    case critical = 2
    case unknown = 3

    var label: String {
        switch self {
        case .ok: return "OK"
        case .warning: return "WARNING"
        case .critical: return "CRITICAL"
        case .unknown: return "UNKNOWN"
        }
    }

    static func < (a: NagiosState, b: NagiosState) -> Bool { a.rawValue < b.rawValue }
}

/// What `fleet check` prints and the status it exits with.
struct CheckReport: Sendable, Equatable {
    let state: NagiosState
    /// The Nagios line: `FLEET OK - 3/3 hosts ok | hosts_ok=3 ...`.
    let summary: String
    /// Everything for stdout, newline-terminated.
    let output: String

    var exitCode: Int32 { state.rawValue }
}
