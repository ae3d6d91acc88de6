/// `enabled` and `state` of a daemon's systemd unit, as `cephadm ls` reports them.
struct UnitStatus: Equatable {
    var enabled: Bool
    /// `running`, `stopped`, `error` or `unknown`.
    var state: String

    static let unknown = UnitStatus(enabled: false, state: "unknown")

    /// Pacific's mapping of systemd's active state.
    static func state(fromActiveState active: String) -> String {
        switch active {
        case "active": return "running"
        case "inactive": return "stopped"
        case "failed", "auto-restart": return "error"
        default: return "unknown"
        }
    }

    /// Unit-file states for which `systemctl is-enabled` succeeds.
    static let enabledFileStates: Set<String> = [
        "enabled", "enabled-runtime", "static", "alias", "indirect", "generated", "transient",
    ]
}

/// Asks systemd about many units with one `systemctl show` (Pacific ran `is-enabled` and
/// `is-active` per daemon: two processes each, every 20 s).
enum SystemdUnitStatus {
    static func argv(systemctl: String, units: [String]) -> [String] {
        [systemctl, "show", "--property=Id,ActiveState,UnitFileState", "--"] + units
    }

    /// Parses `systemctl show` output: one block of `Key=value` lines per unit, blocks
    /// separated by a blank line. A block is matched to its unit by `Id` (the name plus
    /// `.service`), or by position when it has none. Units missing from the output are absent.
    static func parse(_ output: String, units: [String]) -> [String: UnitStatus] {
        var result: [String: UnitStatus] = [:]
        let blocks = output.split(separator: "\n", omittingEmptySubsequences: false)
            .split(whereSeparator: { $0.trimmingWhitespace().isEmpty })
        for (position, block) in blocks.enumerated() {
            var properties: [String: String] = [:]
            for line in block {
                guard let eq = line.firstIndex(of: "=") else { continue }
                properties[String(line[..<eq])] = String(line[line.index(after: eq)...]).trimmingWhitespace()
            }
            let unit: String
            if let id = properties["Id"] {
                guard let match = units.first(where: { id == $0 || id == $0 + ".service" }) else { continue }
                unit = match
            } else {
                guard position < units.count else { continue }
                unit = units[position]
            }
            result[unit] = UnitStatus(
                enabled: UnitStatus.enabledFileStates.contains(properties["UnitFileState"] ?? ""),
                state: UnitStatus.state(fromActiveState: properties["ActiveState"] ?? ""))
        }
        return result
    }
}
