import Common

/// The hosts of `fleet apply --hosts`: the inventory parser's host list (`host[:ssh-port]` per
/// line, `#` comments, or `ceph orch host ls --format json`), turned into deploy targets. Any
/// problem makes the whole list unusable: deploying to a partial list would then remove the
/// exporter from the hosts whose lines were mistyped.
enum ApplyHostList {
    /// Every problem of a host list, one line each, naming the file and line.
    struct Problems: Error, Equatable {
        let lines: [String]
    }

    static func targets(fromText text: String, source: String) -> Result<[DeployTarget], Problems> {
        let inventory = InventoryParser.parse(text, defaultPort: nil)
        var problems = inventory.problems.map { inventory.describe($0, source: source) }
        let targets = inventory.hosts.map { DeployTarget(name: $0.displayName, address: $0.address, sshPort: $0.port) }
        let where_: (HostEntry) -> String = { entry in
            inventory.format == .hostList ? "\(source):\(entry.line)" : "\(source): entry \(entry.line)"
        }
        var firstByID: [String: HostEntry] = [:]
        for (entry, target) in zip(inventory.hosts, targets) {
            if let problem = DaemonIdentity.problem(daemonID: target.daemonID, option: "daemon id") {
                problems.append("\(where_(entry)): \(entry.displayName): \(problem)")
            } else if let first = firstByID[target.daemonID] {
                problems.append("\(where_(entry)): \(entry.displayName) gets the daemon id '\(target.daemonID)' that \(first.displayName) (line \(first.line)) already has; list each host once, by names whose first labels differ")
            } else {
                firstByID[target.daemonID] = entry
            }
        }
        if problems.isEmpty && targets.isEmpty {
            problems.append("\(source): no hosts listed")
        }
        return problems.isEmpty ? .success(targets) : .failure(Problems(lines: problems))
    }
}
