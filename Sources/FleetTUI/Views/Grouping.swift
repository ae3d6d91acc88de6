/// What `g` groups the table by.
enum GroupBy: Int, CaseIterable, Sendable {
    case none, label, fsid, status

    var label: String {
        switch self {
        case .none: return "none"
        case .label: return "label"
        case .fsid: return "fsid"
        case .status: return "status"
        }
    }

    var next: GroupBy { GroupBy(rawValue: (rawValue + 1) % GroupBy.allCases.count) ?? .none }
}

/// Identifies a table row across frames: a group header (`host` nil), a host inside a group,
/// or a host of the ungrouped table (`group` nil). A host with several labels has one row per
/// label, so the host alone does not say which row is selected.
struct RowID: Sendable, Equatable, Hashable {
    let group: String?
    let host: Int?
}

/// One group of the table: its hosts' counts per status, whatever is collapsed or filtered out
/// of sight inside it.
struct TableGroup: Sendable, Equatable {
    let key: String
    let title: String
    var counts = StatusTotals()
    var flapping = 0
    var collapsed = false
    var hosts: Int { counts.total }
}

enum TableRow: Sendable, Equatable {
    /// Index into `TableRows.groups`.
    case group(Int)
    /// Inventory index, and the group index (nil when not grouped).
    case host(Int, group: Int?)
}

/// The rows the table shows, in order: host rows, or group headers each followed by its hosts
/// unless collapsed.
struct TableRows: Sendable {
    var rows: [TableRow] = []
    var groups: [TableGroup] = []

    var count: Int { rows.count }

    func id(at position: Int) -> RowID {
        switch rows[position] {
        case .group(let g): return RowID(group: groups[g].key, host: nil)
        case .host(let h, let g): return RowID(group: g.map { groups[$0].key }, host: h)
        }
    }

    /// The position of `id`, else of the first row showing the same host (after regrouping, or
    /// when the host moved to another status group), else of its group's header.
    func position(of id: RowID) -> Int? {
        if let exact = rows.indices.first(where: { self.id(at: $0) == id }) { return exact }
        if let host = id.host, let same = rows.firstIndex(where: { if case .host(host, _) = $0 { return true }; return false }) {
            return same
        }
        if let group = id.group { return rows.indices.first { self.id(at: $0) == RowID(group: group, host: nil) } }
        return nil
    }
}

/// Groups the sorted, filtered hosts. Groups by label or fsid are in name order with the hosts
/// that have none last; groups by status are worst first. A host with several labels appears
/// under each of them.
enum Grouping {
    static let noLabel = "(no label)"
    static let noFsid = "(fsid not known yet)"

    static func rows(_ fleet: FleetState, order: [Int], by: GroupBy, collapsed: Set<String>) -> TableRows {
        guard by != .none else {
            return TableRows(rows: order.map { .host($0, group: nil) }, groups: [])
        }
        var groups: [TableGroup] = []
        var index: [String: Int] = [:]
        var members: [[Int]] = []
        for host in order {
            for key in keys(fleet, host: host, by: by) {
                let g: Int
                if let known = index[key] {
                    g = known
                } else {
                    g = groups.count
                    index[key] = g
                    groups.append(TableGroup(key: key, title: title(key, by: by), collapsed: collapsed.contains(collapseKey(by, key))))
                    members.append([])
                }
                members[g].append(host)
                groups[g].counts[fleet.status(of: host)] += 1
                if fleet.records[host].isFlapping { groups[g].flapping += 1 }
            }
        }
        let sorted = groups.indices.sorted { a, b in precedes(groups[a].key, groups[b].key, by: by) }
        var out = TableRows()
        for old in sorted {
            let g = out.groups.count
            out.groups.append(groups[old])
            out.rows.append(.group(g))
            if !groups[old].collapsed { out.rows += members[old].map { .host($0, group: g) } }
        }
        return out
    }

    /// The key `collapsed` holds for a group, so each grouping remembers its own.
    static func collapseKey(_ by: GroupBy, _ key: String) -> String { "\(by.rawValue):\(key)" }

    /// The groups a host belongs to; "" for "none known".
    static func keys(_ fleet: FleetState, host: Int, by: GroupBy) -> [String] {
        switch by {
        case .none: return []
        case .label:
            let labels = fleet.hosts[host].labels
            return labels.isEmpty ? [""] : labels
        case .fsid: return [fleet.fsid(of: host) ?? ""]
        case .status: return [fleet.status(of: host).label]
        }
    }

    static func title(_ key: String, by: GroupBy) -> String {
        switch by {
        case .label: return key.isEmpty ? noLabel : key
        case .fsid: return key.isEmpty ? noFsid : key
        case .status, .none: return key
        }
    }

    private static func precedes(_ a: String, _ b: String, by: GroupBy) -> Bool {
        if by == .status {
            let sa = HostStatus.allCases.first { $0.label == a }?.severity ?? 0
            let sb = HostStatus.allCases.first { $0.label == b }?.severity ?? 0
            return sa > sb
        }
        if a.isEmpty != b.isEmpty { return b.isEmpty }
        return a < b
    }
}
