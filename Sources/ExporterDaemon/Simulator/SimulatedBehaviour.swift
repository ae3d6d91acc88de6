import Common

/// How one simulated exporter behaves.
enum SimulatedBehaviour: String, Sendable, CaseIterable {
    /// All tasks active, data refreshed on schedule: 200.
    case healthy
    /// The disks task has died: 206 on /v1/metadata, 204 on /v1/metadata/disks.
    case deadTask = "dead-task"
    /// Every task has died: 500.
    case allDead = "all-dead"
    /// Answers, but each response is delayed (a loaded or distant host).
    case slow
    /// Nothing listens on its port: connection refused.
    case refusing
    /// Its token differs from the fleet's: 401.
    case wrongToken = "wrong-token"
    /// Tasks look active but their data stops being refreshed.
    case stale

    /// The mix a seed draws from: mostly healthy, a few of each problem.
    static let weights: [(SimulatedBehaviour, Int)] = [
        (.healthy, 80), (.deadTask, 5), (.allDead, 2), (.slow, 4), (.refusing, 3), (.wrongToken, 2), (.stale, 4),
    ]

    /// Deterministic choice for host `index` under `seed`; host 0 is always healthy, so a demo
    /// always has a good example at the top.
    static func choose(index: Int, seed: UInt64) -> SimulatedBehaviour {
        guard index > 0 else { return .healthy }
        var rng = SeededRandom.simulator(seed: seed &* 1_000_003 &+ UInt64(index))
        let total = weights.reduce(0) { $0 + $1.1 }
        var roll = Int(rng.next() % UInt64(total))
        for (b, w) in weights {
            if roll < w { return b }
            roll -= w
        }
        return .healthy
    }
}
