/// The last `capacity` values appended, oldest first: the one ring buffer behind every
/// fixed-size history the dashboard keeps per host or per fleet.
struct FixedRing<Element: Sendable & Equatable>: Sendable, Equatable {
    let capacity: Int
    private var storage: [Element] = []
    /// Where the next value goes once the ring is full.
    private var next = 0

    init(capacity: Int) { self.capacity = max(1, capacity) }

    var count: Int { storage.count }

    mutating func append(_ value: Element) {
        if storage.count < capacity {
            if storage.isEmpty { storage.reserveCapacity(capacity) }
            storage.append(value)
        } else {
            storage[next] = value
        }
        next = (next + 1) % capacity
    }

    /// Oldest first.
    var values: [Element] {
        guard storage.count == capacity, next > 0 else { return storage }
        return Array(storage[next...] + storage[..<next])
    }

    /// The held values in storage order (for order-independent questions: min, max, count).
    var unordered: [Element] { storage }
}
