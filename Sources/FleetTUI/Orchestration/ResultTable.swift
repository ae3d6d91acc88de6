/// The per-host summary printed at the end of `fleet apply` / `fleet rm`.
enum ResultTable {
    static func render(_ results: [HostJobResult]) -> String {
        let header = ["HOST", "ADDRESS", "RESULT", "DETAIL"]
        let rows = results.map { r -> [String] in
            let address = r.target.isLocal ? "(local)" : r.target.address + (r.target.sshPort.map { ":\($0)" } ?? "")
            return [r.target.name, address, r.outcome, r.detail]
        }
        var widths = header.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() where i < 3 { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            var text = ""
            for (i, cell) in cells.enumerated() {
                if i < 3 {
                    text += cell + String(repeating: " ", count: widths[i] - cell.count + 2)
                } else {
                    text += cell
                }
            }
            return text
        }
        let failed = results.filter { !$0.succeeded }.count
        let summary = failed == 0
            ? "\(results.count) host\(results.count == 1 ? "" : "s"): all succeeded"
            : "\(results.count) host\(results.count == 1 ? "" : "s"): \(failed) failed"
        return ([line(header)] + rows.map(line) + [summary]).joined(separator: "\n")
    }
}
