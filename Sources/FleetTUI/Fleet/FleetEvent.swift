/// What kind of change an event records. A status change moves the host between statuses; the
/// other kinds keep the status (`from == to`) and say what changed inside it.
enum EventKind: String, Sendable, Equatable {
    case status
    /// A task stopped, came back, or restarted between two polls (`task_detail.restarts`), or
    /// the exporter itself restarted.
    case task
    /// The host's clock moved against ours by more than `EventRules.skewJumpSecs` between polls.
    case skew
}

/// One change of one host, at the local time of the poll that saw it.
struct FleetEvent: Sendable, Equatable {
    /// Local epoch seconds: when the response (or the failure) that showed the change arrived.
    let time: Double
    /// Index into the inventory's hosts; the name is looked up when shown, so it is the newest.
    let host: Int32
    let from: HostStatus
    let to: HostStatus
    let kind: EventKind
    /// Why, in one line: the error of the new status, what recovered, which task changed.
    let cause: String

    var hostIndex: Int { Int(host) }
}

/// The fleet's newest events in one bounded ring (10,000 by default, whatever the fleet's size),
/// numbered from 0 in arrival order so a reader can ask for "everything after number N".
struct EventRing: Sendable {
    static let defaultCapacity = 10_000

    let capacity: Int
    private var storage: [FleetEvent] = []
    /// Events ever appended; the newest has number `total - 1`.
    private(set) var total = 0

    init(capacity: Int = EventRing.defaultCapacity) { self.capacity = max(1, capacity) }

    /// Events still held.
    var count: Int { storage.count }

    /// Number of the oldest event still held.
    var firstKept: Int { total - storage.count }

    mutating func append(_ event: FleetEvent) {
        if storage.count < capacity {
            storage.append(event)
        } else {
            storage[total % capacity] = event
        }
        total += 1
    }

    /// The event numbered `n`, if it is still held.
    subscript(number n: Int) -> FleetEvent? {
        guard n >= firstKept, n < total else { return nil }
        return storage[n % capacity]
    }

    /// Numbers of the held events, newest first.
    var newestFirst: ReversedCollection<Range<Int>> { (firstKept..<total).reversed() }

    /// Events numbered `n` and later that are still held, oldest first.
    func since(_ n: Int) -> [FleetEvent] {
        (max(n, firstKept)..<total).compactMap { self[number: $0] }
    }
}
