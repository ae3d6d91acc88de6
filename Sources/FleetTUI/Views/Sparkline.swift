/// One-line charts from eight block heights, so a history fits a table cell or a header.
enum Sparkline {
    static let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
    /// Drawn where a poll had no value (it failed).
    static let gap: Character = "·"

    /// The newest `width` values scaled from 0 to their maximum; gaps as `·`.
    static func text(_ values: [Float32], width: Int) -> String {
        let shown = values.suffix(max(0, width))
        let top = shown.filter { !$0.isNaN }.max() ?? 0
        return String(shown.map { v -> Character in
            if v.isNaN { return gap }
            return blocks[level(Double(v), of: Double(top))]
        })
    }

    /// 0...7: the lowest block for zero (or an all-zero series), the highest for the maximum.
    static func level(_ value: Double, of top: Double) -> Int {
        guard top > 0, value > 0, top.isFinite else { return 0 }
        let scaled = (value / top * 7).rounded(.up)
        return scaled.isFinite ? min(7, max(0, Int(scaled))) : 7
    }

    /// One column per sweep: the share of hosts not OK as the height (any at all shows at least
    /// one step), coloured by the worst status of that sweep. Runs of one colour share a cell.
    static func sweeps(_ sweeps: [SweepHistory.Counts]) -> [(String, ColorRole)] {
        var out: [(String, ColorRole)] = []
        for s in sweeps {
            let bad = s.notOK
            let answered = s.total - s[.pending]
            let height = bad == 0 || answered == 0 ? 0 : max(1, level(Double(bad), of: Double(answered)))
            let role = bad == 0 ? ColorRole.ok : TableLayout.statusRole(s.worst)
            let ch = String(blocks[height])
            if let last = out.last, last.1 == role {
                out[out.count - 1].0 += ch
            } else {
                out.append((ch, role))
            }
        }
        return out
    }
}
