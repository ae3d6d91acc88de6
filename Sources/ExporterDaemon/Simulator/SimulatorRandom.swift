import Common

extension SeededRandom {
    /// The simulator's generator for `seed` (offset by one step, so the fleets of earlier
    /// releases keep their mix of behaviours and data).
    static func simulator(seed: UInt64) -> SeededRandom { SeededRandom(seed: seed &+ 0x9E37_79B9_7F4A_7C15) }
}
