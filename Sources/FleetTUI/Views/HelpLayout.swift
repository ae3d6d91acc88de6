/// The key list shown by `?`: every key and mouse action, by view, then the symbols.
enum HelpLayout {
    static let sections: [(title: String, entries: [(keys: String, meaning: String)])] = [
        ("Table", [
            ("↑ ↓  j k", "move the selection"),
            ("PgUp PgDn", "move a page"),
            ("Home End  G", "first / last row"),
            ("Enter", "details of the selected host; on a group row: fold / unfold it"),
            ("s  S", "sort by the next column (status, host, age, latency, skew) / reverse"),
            ("/", "filter by name, address or status (Enter keeps, Esc clears)"),
            ("g", "group by: none, label, fsid, status"),
            ("a", "show / hide the ADDRESS column"),
            ("e", "events: every status change, newest first"),
            ("w", "write this view to a file: t text, c CSV"),
            ("p", "pause or resume polling"),
            ("+ -", "poll less or more often"),
            ("r", "poll every host now"),
            ("?", "this help"),
            ("q", "quit (the only key that does)"),
        ]),
        ("Events", [
            ("↑ ↓ PgUp PgDn", "move"),
            ("Enter", "details of the event's host (Esc comes back here)"),
            ("/", "filter by host, address, status or cause"),
            ("w", "write the listed events to a file"),
            ("q  Esc  e", "back to the table"),
        ]),
        ("Detail", [
            ("↑ ↓ PgUp PgDn", "scroll"),
            ("w", "write the detail to a file"),
            ("q  Esc", "back"),
        ]),
        ("Mouse", [
            ("click", "select a row"),
            ("double-click", "open the host (or fold the group)"),
            ("click a title", "sort by that column (again: reverse)"),
            ("wheel", "move / scroll three rows"),
            ("--no-mouse", "leave the mouse to the terminal (text selection)"),
        ]),
    ]

    static let legend: [(String, String)] = [
        ("● 3s", "task active, data 3 s old (exporter clock)"),
        ("▲ 3s", "task active, its last scrape reported errors"),
        ("✖ stopped", "task inactive (its thread died)"),
        ("… pending", "no scrape finished yet"),
        ("DOWN↯", "flapping: status changed too often lately (FLAP in the header)"),
        ("▁▃█", "history: bars per sweep (header) or per poll (detail)"),
        ("FACTS", "the exporter's host task (gather-facts)"),
        ("LAT/p95", "last poll latency / 95th percentile of the last 60"),
        ("SKEW", "exporter clock minus local clock"),
    ]

    static func titleRow(width: Int) -> ScreenRow {
        var title = RowBuilder(width: width)
        title.add("fleet — keys", CellStyle(role: .header, bold: true, reverse: true))
        title.fill(CellStyle(role: .header, reverse: true))
        return title.row
    }

    /// Every line of the help, for scrolling.
    static func rows(width: Int) -> [ScreenRow] {
        var rows: [ScreenRow] = []
        let keyWidth = min(16, max(4, width / 3))
        for section in sections {
            var head = RowBuilder(width: width)
            head.add(section.title, .role(.header, bold: true))
            rows.append(head.row)
            for (keys, meaning) in section.entries {
                var b = RowBuilder(width: width)
                b.space(1)
                b.add(keys, .role(.title, bold: true), column: keyWidth)
                b.add(meaning)
                rows.append(b.row)
            }
        }
        var head = RowBuilder(width: width)
        head.add("Symbols", .role(.header, bold: true))
        rows.append(head.row)
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
