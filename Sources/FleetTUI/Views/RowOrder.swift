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
            if names.sort[a] != names.sort[b] { return names.sort[a] < names.sort[b] }
            if names.address[a] != names.address[b] { return names.address[a] < names.address[b] }
            return a < b
        }
        switch sort {
        case .host:
            rows.sort(by: byName)
        case .status:
            let rank = fleet.records.map(statusRank)
            rows.sort { a, b in rank[a] != rank[b] ? rank[a] > rank[b] : byName(a, b) }
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

    /// Worst first: a flapping host ranks with the worst (just above DOWN), whatever its status
    /// at the moment, because it keeps coming back there.
    static func statusRank(_ record: HostRecord) -> Int {
        record.isFlapping ? HostStatus.down.severity * 2 + 1 : record.status.severity * 2
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

/// Lower-cased names and addresses for sorting, and "name address:port" strings for filtering,
/// rebuilt only when a name changes (`FleetState.nameGeneration`).
struct HostNames: Sendable {
    let sort: [String]
    let address: [String]
    let search: [[UInt8]]
    /// Widest shown name, for the HOST column; widest `address:port`, for the ADDRESS column.
    let maxWidth: Int
    let maxAddressWidth: Int

    init(_ fleet: FleetState) {
        let names = fleet.hosts.indices.map { fleet.name(of: $0) }
        let endpoints = fleet.hosts.indices.map { fleet.endpoint(of: $0) }
        sort = names.map { $0.lowercased() }
        address = endpoints.map { $0.lowercased() }
        search = zip(names, endpoints).map { Array(($0 + " " + $1).lowercased().utf8) }
        maxWidth = names.reduce(0) { max($0, DisplayWidth.of($1)) }
        maxAddressWidth = endpoints.reduce(0) { max($0, DisplayWidth.of($1)) }
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
        let groupBy: GroupBy
        let collapsed: Set<String>
    }

    private struct EventsKey: Equatable {
        let total: Int
        let nameGeneration: Int
        let filter: String
    }

    private var names: HostNames?
    private var namesKey: (hosts: Int, generation: Int)?
    private var orderKey: OrderKey?
    private var order: [Int] = []
    private var tableRows = TableRows()
    private var eventsKey: EventsKey?
    private var eventNumbers: [Int] = []

    init() {}

    mutating func hostNames(_ fleet: FleetState) -> HostNames {
        if let names, let key = namesKey, key == (fleet.hosts.count, fleet.nameGeneration) { return names }
        let fresh = HostNames(fleet)
        names = fresh
        namesKey = (fleet.hosts.count, fleet.nameGeneration)
        return fresh
    }

    /// The sorted, filtered hosts (no group rows).
    mutating func rows(_ fleet: FleetState, _ view: ViewState) -> [Int] {
        update(fleet, view)
        return order
    }

    /// The table's rows: hosts, or group headers and the hosts of open groups.
    mutating func tableRows(_ fleet: FleetState, _ view: ViewState) -> TableRows {
        update(fleet, view)
        return tableRows
    }

    private mutating func update(_ fleet: FleetState, _ view: ViewState) {
        let key = OrderKey(generation: fleet.generation, hostCount: fleet.hosts.count, sort: view.sort,
                           reversed: view.reversed, filter: view.filter, groupBy: view.groupBy,
                           collapsed: view.groupBy == .none ? [] : view.collapsed)
        if key == orderKey { return }
        order = RowOrder.compute(fleet, sort: view.sort, reversed: view.reversed, filter: view.filter,
                                 names: hostNames(fleet))
        tableRows = Grouping.rows(fleet, order: order, by: view.groupBy, collapsed: view.collapsed)
        orderKey = key
    }

    /// Numbers of the events that match the events filter, newest first.
    mutating func events(_ fleet: FleetState, filter: String) -> [Int] {
        let key = EventsKey(total: fleet.events.total, nameGeneration: fleet.nameGeneration, filter: filter)
        if key == eventsKey { return eventNumbers }
        eventNumbers = EventFilter.matching(fleet, filter: filter, names: hostNames(fleet))
        eventsKey = key
        return eventNumbers
    }
}
