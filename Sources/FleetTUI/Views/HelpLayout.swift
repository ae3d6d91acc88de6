/// The key list shown by `?`.
enum HelpLayout {
    static let entries: [(keys: String, meaning: String)] = [
        ("↑ ↓  j k", "move the selection"),
        ("PgUp PgDn", "move a page"),
        ("Home End  g G", "first / last host"),
        ("Enter", "details of the selected host"),
        ("q  Esc", "back (quit from the table)"),
        ("s", "sort by the next column: status, host, age, latency, skew"),
        ("S", "reverse the sort (default: worst first)"),
        ("/", "filter by name, address or status (Enter keeps, Esc clears)"),
        ("p", "pause or resume polling"),
        ("+ -", "poll less or more often"),
        ("r", "poll every host now"),
        ("?", "this help"),
    ]

    static let legend: [(String, String)] = [
        ("● 3s", "task active, data 3 s old (exporter clock)"),
        ("▲ 3s", "task active, its last scrape reported errors"),
        ("✖ stopped", "task inactive (its thread died)"),
        ("… pending", "no scrape finished yet"),
        ("FACTS", "the exporter's host task (gather-facts)"),
        ("LAT/p95", "last poll latency / 95th percentile of the last 60"),
        ("SKEW", "exporter clock minus local clock"),
    ]

    static func rows(size: TerminalSize) -> [ScreenRow] {
        let width = size.columns
        var rows: [ScreenRow] = []
        var title = RowBuilder(width: width)
        title.add("fleet — keys", CellStyle(role: .header, bold: true, reverse: true))
        title.fill(CellStyle(role: .header, reverse: true))
        rows.append(title.row)
        rows.append(ScreenRow())
        let keyWidth = min(16, max(4, width / 3))
        for (keys, meaning) in entries {
            var b = RowBuilder(width: width)
            b.space(1)
            b.add(keys, .role(.title, bold: true), column: keyWidth)
            b.add(meaning)
            rows.append(b.row)
        }
        rows.append(ScreenRow())
        for (sample, meaning) in legend {
            var b = RowBuilder(width: width)
            b.space(1)
            b.add(sample, .role(.dim), column: keyWidth)
            b.add(meaning, .role(.dim))
            rows.append(b.row)
        }
        return rows
    }
}
