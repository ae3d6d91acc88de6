import Common

/// The dashboard's own options, beyond the inputs it shares with `fleet check`.
struct DashboardOptions: Sendable, Equatable {
    var flapRule = FlapRule()
    /// `--events-log FILE`: every event appended as one JSON line.
    var eventsLog: String?
    var mouse = true
    var color = true
    /// Where `w` writes files.
    var exportDirectory = "."

    static let options: [OptionSpec] = [
        .value("--events-log", name: "FILE", help: "append every event (status change, task restart, clock jump) to FILE as one JSON line"),
        .value("--flap-changes", name: "N", help: "a host is flapping after more than N status changes in the flap window", default: "4",
               range: 1...Double(FlapRule.maxChanges)),
        .value("--flap-window", name: "DURATION", help: "the flap window: seconds, or with s, m or h (10m)", default: "10m"),
        .value("--export-dir", name: "DIR", help: "where 'w' writes the current view", defaultHelp: "the current directory"),
        .flag("--no-mouse", help: "leave the mouse to the terminal (no click, double-click or wheel)"),
        .flag("--no-color", help: "monochrome (also automatic on terminals without colours)"),
    ]

    static func parse(_ p: ParsedArguments) throws(UsageError) -> DashboardOptions {
        var o = DashboardOptions()
        let changes = try p.intValue("--flap-changes")
        let text = try p.stringValue("--flap-window")
        guard let window = duration(text), window >= 1, window <= 86400 else {
            throw UsageError("--flap-window: '\(text)' is not a duration from 1s to 24h (e.g. 600, 90s, 10m, 1h)")
        }
        o.flapRule = FlapRule(changes: changes, windowSecs: window)
        if let log = p.string("--events-log") {
            guard !log.isEmpty else { throw UsageError("--events-log needs a file name") }
            o.eventsLog = log
        }
        if let dir = p.string("--export-dir") {
            guard !dir.isEmpty else { throw UsageError("--export-dir needs a directory") }
            o.exportDirectory = dir
        }
        o.mouse = !p.has("--no-mouse")
        o.color = !p.has("--no-color")
        return o
    }

    /// `600`, `600s`, `10m`, `1.5h`, `1d` in seconds; nil when it is none of these.
    static func duration(_ text: String) -> Double? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        var number = Substring(text)
        var scale = 1.0
        if let last = number.last, let unit = units[last] {
            scale = unit
            number = number.dropLast()
        }
        guard let v = Double(number), v.isFinite else { return nil }
        return v * scale
    }
}
