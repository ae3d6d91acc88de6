/// When a host counts as flapping: it changed status more than `changes` times within the last
/// `windowSecs` (by default more than 4 times in 10 minutes). The first answer after WAIT is
/// not a change.
struct FlapRule: Sendable, Equatable {
    static let maxChanges = 100

    var changes: Int = 4
    var windowSecs: Double = 600

    init(changes: Int = 4, windowSecs: Double = 600) {
        self.changes = min(max(1, changes), FlapRule.maxChanges)
        self.windowSecs = max(1, windowSecs)
    }
}

/// The times of one host's last `changes + 1` status changes: exactly what the rule needs,
/// whatever the window, so the memory per host is fixed.
struct FlapHistory: Sendable, Equatable {
    private var times: FixedRing<Double>?

    mutating func recordChange(at time: Double, rule: FlapRule) {
        if times?.capacity != rule.changes + 1 { times = FixedRing(capacity: rule.changes + 1) }
        times?.append(time)
    }

    /// Changes within the window that ends at `now`.
    func changes(before now: Double, rule: FlapRule) -> Int {
        (times?.unordered ?? []).filter { $0 > now - rule.windowSecs && $0 <= now }.count
    }

    func isFlapping(at now: Double, rule: FlapRule) -> Bool {
        changes(before: now, rule: rule) > rule.changes
    }
}
