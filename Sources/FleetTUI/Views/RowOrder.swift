import Common

/// Which hosts the table shows, in which order. Sorting 5,000 hosts costs about a millisecond;
/// `LayoutCache` skips even that when neither the fleet nor the sort nor the filter changed.
enum RowOrder {
    static func compute(_ fleet: FleetState, sort: SortColumn, reversed: Bool, filter: String,
                        names: HostNames) -> [Int]
    {
        let query = String(filter.lowercased().drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
        var rows: [Int] = []
        rows.reserveCapacity(fleet.hosts.count)
        if query.isEmpty {
            rows.append(contentsOf: fleet.hosts.indices)
        } else {
            let statusMatches = Set(HostStatus.allCases.filter { $0.label.lowercased().contains(query) })
            let needle = Array(query.utf8)
            for i in fleet.hosts.indices
            where statusMatches.contains(fleet.status(of: i)) || contains(names.search[i], needle) {
                rows.append(i)
            }
        }
        let byName: (Int, Int) -> Bool = { a, b in
            names.sort[a] != names.sort[b] ? names.sort[a] < names.sort[b] : a < b
        }
        switch sort {
        case .host:
            rows.sort(by: byName)
        case .status:
            let severity = fleet.records.map { $0.status.severity }
            rows.sort { a, b in severity[a] != severity[b] ? severity[a] > severity[b] : byName(a, b) }
        case .age:
            // Age now = age at response + (now - receivedAt), so ordering by age - receivedAt
            // is the same at every `now` and the order can be cached. Hosts without data first.
            let key: [Double] = fleet.records.map { r in
                guard let s = r.sample, let age = s.maxAgeSecs else { return .infinity }
                return age - s.receivedAt
            }
            rows.sort { a, b in key[a] != key[b] ? key[a] > key[b] : byName(a, b) }
        case .latency:
            let key: [Double] = fleet.records.map { $0.latency.last ?? -1 }
            rows.sort { a, b in key[a] != key[b] ? key[a] > key[b] : byName(a, b) }
        case .skew:
            let key: [Double] = fleet.records.map { $0.sample?.skewSecs.map(abs) ?? -1 }
            rows.sort { a, b in key[a] != key[b] ? key[a] > key[b] : byName(a, b) }
        }
        if reversed { rows.reverse() }
        return rows
    }

    /// Substring test on UTF-8 bytes: both sides are lower-cased already, and a byte match of
    /// valid UTF-8 is a character match; several times faster than String.contains here.
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        guard haystack.count >= needle.count else { return false }
        let first = needle[0]
        for start in 0...(haystack.count - needle.count) where haystack[start] == first {
            var k = 1
            while k < needle.count, haystack[start + k] == needle[k] { k += 1 }
            if k == needle.count { return true }
        }
        return false
    }
}

/// Lower-cased host names for sorting and "name address" strings for filtering, computed once:
/// the inventory does not change while the dashboard runs.
struct HostNames: Sendable {
    let sort: [String]
    let search: [[UInt8]]
    /// Widest display name, for the HOST column.
    let maxWidth: Int

    init(_ hosts: [HostEntry]) {
        sort = hosts.map { $0.displayName.lowercased() }
        search = hosts.map { Array(($0.displayName + " " + $0.address).lowercased().utf8) }
        maxWidth = hosts.reduce(0) { max($0, DisplayWidth.of($1.displayName)) }
    }
}

/// Work the layout can reuse between frames. Owned by the main loop and passed `inout`.
struct LayoutCache: Sendable {
    private struct OrderKey: Equatable {
        let generation: Int
        let hostCount: Int
        let sort: SortColumn
        let reversed: Bool
        let filter: String
    }

    private var names: HostNames?
    private var orderKey: OrderKey?
    private var order: [Int] = []

    init() {}

    mutating func hostNames(_ fleet: FleetState) -> HostNames {
        if let names, names.sort.count == fleet.hosts.count { return names }
        let fresh = HostNames(fleet.hosts)
        names = fresh
        return fresh
    }

    mutating func rows(_ fleet: FleetState, _ view: ViewState) -> [Int] {
        let key = OrderKey(generation: fleet.generation, hostCount: fleet.hosts.count, sort: view.sort,
                           reversed: view.reversed, filter: view.filter)
        if key == orderKey { return order }
        order = RowOrder.compute(fleet, sort: view.sort, reversed: view.reversed, filter: view.filter,
                                 names: hostNames(fleet))
        orderKey = key
        return order
    }
}
