import Common

/// Everything known about one host, as scrollable lines: the last poll, the exporter's health,
/// each task's record, and the host facts summary.
enum DetailLayout {
    /// One styled line before truncation; the label column is the same for all lines.
    struct Line {
        var label = ""
        var segments: [(String, CellStyle)] = []

        init(_ label: String = "", _ segments: [(String, CellStyle)] = []) {
            self.label = label
            self.segments = segments
        }
        init(_ label: String, _ text: String, _ style: CellStyle = .normal) {
            self.init(label, [(text, style)])
        }
    }

    static let labelWidth = 10

    static func titleRow(_ fleet: FleetState, host i: Int, width: Int) -> ScreenRow {
        let record = fleet.records[i]
        let bar = CellStyle(role: .header, bold: true, reverse: true)
        var b = RowBuilder(width: width)
        b.add(fleet.name(of: i), bar)
        b.addIfFits("  " + fleet.endpoint(of: i), CellStyle(role: .header, reverse: true))
        b.addIfFits("  ", bar)
        b.addIfFits(TableLayout.statusText(record),
                    CellStyle(role: TableLayout.statusRole(record.status), bold: true, reverse: true))
        HeaderLayout.finishTitleBar(&b, hint: "Esc back  ↑↓ scroll")
        return b.row
    }

    static func rows(_ lines: [Line], width: Int) -> [ScreenRow] {
        lines.map { line in
            var b = RowBuilder(width: width)
            b.add(line.label, .role(.header, bold: true), column: min(labelWidth - 1, width))
            b.space(1)
            for (text, style) in line.segments { b.add(text, style) }
            return b.row
        }
    }

    static func lines(_ fleet: FleetState, host i: Int, context: RenderContext) -> [Line] {
        let record = fleet.records[i]
        let off = context.utcOffsetSecs
        func clock(_ t: Double) -> String { DurationText.clock(t, utcOffsetSecs: off) }
        var out: [Line] = []

        // Last poll.
        if let s = record.sample {
            var poll: [(String, CellStyle)] = []
            poll.append((s.httpStatus.map { "HTTP \($0)" } ?? "no response", .normal))
            poll.append(("  latency " + DurationText.latency(s.latencySecs), .normal))
            if let p50 = record.latency.percentile(0.5), let p95 = record.latency.percentile(0.95) {
                poll.append((" (p50 \(DurationText.latency(p50)), p95 \(DurationText.latency(p95)) over \(record.latency.count))", .role(.dim)))
            }
            if let skew = s.skewSecs {
                let role = TableLayout.levelRole(fleet.thresholds.skewLevel(skew), ok: .normal)
                poll.append(("  clock skew " + DurationText.skew(skew), .role(role)))
            }
            out.append(Line("Poll", poll))
            var history = "polled \(clock(s.startedAt)), \(record.polls) poll\(record.polls == 1 ? "" : "s")"
            history += ", \(record.consecutiveFailures) failed in a row"
            history += record.lastSuccessAt.map { ", last success \(clock($0))" } ?? ", no success yet"
            out.append(Line("", history, .role(.dim)))
            if let error = s.error {
                out.append(Line("Problem", error, .role(s.status == .degraded ? .warn : .crit, bold: true)))
            } else if let old = record.lastError, let at = record.lastErrorAt {
                out.append(Line("Last err", "\(clock(at)): \(old)", .role(.dim)))
            }
        } else {
            out.append(Line("Poll", "not polled yet", .role(.dim)))
        }
        out += identityLines(fleet, host: i)
        out += historyLines(fleet, host: i)
        out += eventLines(fleet, host: i, context: context)

        guard let detail = record.detail else {
            out.append(Line())
            out.append(Line("", "No metadata received from this exporter yet.", .role(.dim)))
            return out
        }
        if let s = record.sample, !s.status.gotMetadata {
            out.append(Line("", "The data below is from the last successful poll.", .role(.warn)))
        }

        // Exporter health.
        out.append(Line())
        var health: [(String, CellStyle)] = []
        if let started = detail.exporterStartedEpochSecs {
            health.append(("started \(clock(started))", .normal))
            if let s = record.sample {
                health.append((" (up \(DurationText.age(s.receivedAt + (s.skewSecs ?? 0) - started)))", .role(.dim)))
            }
        }
        if let http = detail.httpServer {
            health.append(("  http_server \(http.rawValue)", .role(http == .active ? .normal : .crit)))
        }
        health.append((detail.hasTaskDetail ? "  supervisor details: yes" : "  no task_detail (Pacific)", .role(.dim)))
        if let expiry = record.sample?.certificateExpiryEpochSecs {
            let notice = fleet.thresholds.certificateNotice(record.sample, now: context.now)
            health.append((notice.map { "  " + $0 } ?? "  certificate until \(UTCDate.text(expiry))", .role(notice == nil ? .dim : .warn)))
        }
        out.append(Line("Exporter", health))
        if !detail.healthErrors.isEmpty {
            let more = detail.healthErrorCount - detail.healthErrors.count
            for (n, e) in detail.healthErrors.enumerated() {
                out.append(Line(n == 0 ? "Errors" : "", e, .role(.crit)))
            }
            if more > 0 { out.append(Line("", "(\(more) older)", .role(.dim))) }
        }

        // Tasks.
        if let s = record.sample, !s.tasks.isEmpty {
            out.append(Line())
            out.append(Line("Tasks", taskHeader, .role(.header, bold: true)))
            for t in s.tasks { out.append(Line("", taskSegments(t, sample: s, thresholds: fleet.thresholds, context: context))) }
            for t in s.tasks where !t.recentErrors.isEmpty {
                let more = t.scrapeErrorCount - t.recentErrors.count
                for (n, e) in t.recentErrors.enumerated() {
                    out.append(Line(n == 0 ? "Scraping" : "", "\(t.task.rawValue): \(e)", .role(.warn)))
                }
                if more > 0 { out.append(Line("", "\(t.task.rawValue): (\(more) older)", .role(.dim))) }
            }
        }

        // Host facts: decoded only while this view is open (the dashboard asks the exporter
        // at once; until the answer arrives there is only the summary every poll keeps).
        if !detail.isComplete {
            out.append(Line())
            let name = detail.hostname.map { $0 + " · " } ?? ""
            out.append(Line("Host", name + "facts, daemons and devices: asking the exporter…", .role(.dim)))
            if let fsid = detail.fsid { out.append(Line("Daemons", "fsid " + fsid, .role(.dim))) }
        }
        if let f = detail.facts {
            out.append(Line())
            out.append(contentsOf: factLines(f))
        }
        if let d = detail.daemons {
            var text = "\(d.total) total, \(d.running) running"
            if !d.versions.isEmpty { text += "  version " + d.versions.joined(separator: ", ") }
            out.append(Line("Daemons", text, .role(d.running == d.total ? .normal : .warn)))
            if let fsid = d.fsid { out.append(Line("", "fsid " + fsid, .role(.dim))) }
            if !d.notRunning.isEmpty {
                out.append(Line("", "not running: " + d.notRunning.joined(separator: ", "), .role(.warn)))
            }
        }
        if let dev = detail.devices {
            out.append(Line("Devices", "\(dev.total) device\(dev.total == 1 ? "" : "s"), \(dev.available) available, "
                + ByteText.decimal(dev.totalBytes) + " total"))
        }
        return out
    }

    static let taskHeader = pad("TASK", 8) + pad("STATE", 9) + pad("AGE", 6) + pad("EVERY", 6) + pad("SCRAPED", 9)
        + pad("TOOK", 7) + pad("RESTARTS", 9) + pad("FAILS", 6) + pad("LAST OK", 9) + "ERRORS"

    /// Where the host is and how the inventory labels it (the table shows only the name).
    static func identityLines(_ fleet: FleetState, host i: Int) -> [Line] {
        let entry = fleet.hosts[i]
        var text = fleet.endpoint(of: i)
        let listed = entry.displayName
        if listed != fleet.name(of: i) && listed != text { text += "  (listed as \(listed))" }
        var out = [Line("Address", text)]
        if !entry.labels.isEmpty { out.append(Line("Labels", entry.labels.joined(separator: ", "))) }
        return out
    }

    /// Sparklines of the last 60 polls, and whether the host is flapping.
    static func historyLines(_ fleet: FleetState, host i: Int) -> [Line] {
        let record = fleet.records[i]
        var out: [Line] = []
        let latency = record.latency.series
        if latency.count > 0 {
            out.append(Line("Latency", sparkSegments(latency, text: DurationText.latency)))
        }
        if record.ageHistory.count > 0 {
            out.append(Line("Data age", sparkSegments(record.ageHistory, text: DurationText.age)))
        }
        let changes = record.flaps.changes(before: record.sample?.receivedAt ?? 0, rule: fleet.flapRule)
        if record.isFlapping || changes > 0 {
            let window = DurationText.age(fleet.flapRule.windowSecs)
            let text = "\(changes) status change\(changes == 1 ? "" : "s") in the last \(window)"
                + (record.isFlapping ? ": flapping (more than \(fleet.flapRule.changes))" : "")
            out.append(Line("Changes", text, .role(record.isFlapping ? .warn : .dim, bold: record.isFlapping)))
        }
        return out
    }

    private static func sparkSegments(_ series: SeriesRing, text: (Double) -> String) -> [(String, CellStyle)] {
        let values = series.values
        let present = series.present
        var out: [(String, CellStyle)] = [(Sparkline.text(values, width: SeriesRing.capacity), .role(.header))]
        if let low = present.min(), let high = present.max() {
            let range = text(low) == text(high) ? text(low) : text(low) + "–" + text(high)
            out.append(("  \(range) over \(values.count) poll\(values.count == 1 ? "" : "s")", .role(.dim)))
        }
        if present.count < values.count { out.append(("  · no answer", .role(.dim))) }
        return out
    }

    static let maxEvents = 8

    /// The host's newest events, newest first.
    static func eventLines(_ fleet: FleetState, host i: Int, context: RenderContext) -> [Line] {
        var found: [FleetEvent] = []
        for n in fleet.events.newestFirst {
            guard let e = fleet.events[number: n], e.hostIndex == i else { continue }
            found.append(e)
            if found.count == maxEvents { break }
        }
        guard !found.isEmpty else { return [] }
        let today = LocalTime.floorDiv(Int(saturating: context.now.rounded(.down)) + context.utcOffsetSecs, 86400)
        let withDate = found.contains { LocalTime.floorDiv(Int(saturating: $0.time.rounded(.down)) + context.utcOffsetSecs, 86400) != today }
        var out = [Line()]
        for (k, e) in found.enumerated() {
            out.append(Line(k == 0 ? "Events" : "", [
                (EventsLayout.timeText(e.time, withDate: withDate, context: context) + " ", .role(.dim)),
                (EventsLayout.changeText(e), .role(TableLayout.statusRole(e.to), bold: e.kind == .status)),
                ("  " + e.cause, .normal),
            ]))
        }
        return out
    }

    private static func taskSegments(_ t: TaskHealth, sample: HostSample, thresholds: Thresholds,
                                     context: RenderContext) -> [(String, CellStyle)]
    {
        let stateText: String
        let stateRole: ColorRole
        switch t.state {
        case .active: stateText = "active"; stateRole = .ok
        case .inactive: stateText = "inactive"; stateRole = .crit
        case .pending: stateText = "pending"; stateRole = t.isStale ? .warn : .dim
        }
        var ageText = "-"
        var ageRole = ColorRole.dim
        if let age = t.ageSecs {
            let current = age + max(0, context.now - sample.receivedAt)
            ageText = DurationText.age(current)
            ageRole = TableLayout.levelRole(thresholds.ageLevel(current, intervalSecs: t.intervalSecs))
        }
        let scraped = t.scrapeTimestamp.map { DurationText.clock($0, utcOffsetSecs: context.utcOffsetSecs) } ?? "-"
        let took = t.scrapeDurationSecs.map(DurationText.seconds) ?? "-"
        let restarts = t.detail?.restarts.map(String.init) ?? "-"
        let fails = t.detail?.consecutiveFailures.map(String.init) ?? "-"
        let lastOK = t.detail?.lastSuccessEpochSecs.map { DurationText.clock($0, utcOffsetSecs: context.utcOffsetSecs) } ?? "-"
        return [
            (pad(t.task.rawValue, 8), .normal),
            (pad(stateText, 9), .role(stateRole)),
            (pad(ageText, 6), .role(ageRole)),
            (pad(DurationText.age(t.intervalSecs), 6), .normal),
            (pad(scraped, 9), .normal),
            (pad(took, 7), .normal),
            (pad(restarts, 9), .normal),
            (pad(fails, 6), .role(fails == "-" || fails == "0" ? .normal : .warn)),
            (pad(lastOK, 9), .normal),
            ("\(t.scrapeErrorCount)", .role(t.scrapeErrorCount == 0 ? .normal : .warn)),
        ]
    }

    private static func factLines(_ f: HostFacts) -> [Line] {
        var out: [Line] = []
        let system = [f.hostname, f.operatingSystem, f.kernel.map { "kernel " + $0 }, f.arch]
            .compactMap { $0 }.filter { !$0.isEmpty }
        out.append(Line("Host", system.joined(separator: " · ")))
        let hardware = [f.vendor, f.model].compactMap { $0?.trimmingLeadingSpaces() }.filter { !$0.isEmpty }
        if !hardware.isEmpty { out.append(Line("Hardware", hardware.joined(separator: " "))) }
        var cpu: [String] = []
        if let m = f.cpuModel { cpu.append(m) }
        if let s = f.cpuSockets, let c = f.cpuCores { cpu.append("\(s) socket\(s == 1 ? "" : "s") × \(c) cores") }
        if let t = f.cpuThreads { cpu.append("\(t) threads") }
        if let l = f.load1 { cpu.append("load \(DecimalText.fixed(l, 2))") }
        if !cpu.isEmpty { out.append(Line("CPU", cpu.joined(separator: " · "))) }
        var mem: [String] = []
        if let t = f.memoryTotalKB { mem.append(ByteText.binary(Double(t) * 1024) + " total") }
        if let a = f.memoryAvailableKB { mem.append(ByteText.binary(Double(a) * 1024) + " available") }
        if let up = f.uptimeSecs { mem.append("up " + DurationText.age(up)) }
        if !mem.isEmpty { out.append(Line("Memory", mem.joined(separator: " · "))) }
        var disks: [String] = []
        if let n = f.hddCount { disks.append("\(n) HDD" + (f.hddCapacity.map { " (\($0))" } ?? "")) }
        if let n = f.flashCount { disks.append("\(n) flash" + (f.flashCapacity.map { " (\($0))" } ?? "")) }
        if !disks.isEmpty { out.append(Line("Disks", disks.joined(separator: " · "))) }
        if let n = f.nicCount { out.append(Line("NICs", "\(n) physical")) }
        for nic in f.interfaces {
            var parts = [nic.name]
            if !nic.ipv4.isEmpty { parts.append(nic.ipv4) }
            if let s = nic.speedMbps { parts.append("\(s)Mb/s") }
            if let m = nic.mtu { parts.append("mtu \(m)") }
            if !nic.operstate.isEmpty { parts.append(nic.operstate) }
            out.append(Line("", parts.joined(separator: "  "), .role(nic.operstate == "up" ? .normal : .warn)))
        }
        if let sec = f.security { out.append(Line("Security", sec)) }
        return out
    }

    private static func pad(_ s: String, _ w: Int) -> String { DisplayWidth.fit(s, to: w - 1) + " " }
}

extension String {
    fileprivate func trimmingLeadingSpaces() -> String { String(drop(while: { $0 == " " })) }
}

/// Byte counts the way operators read them: memory in GiB, disks in decimal GB/TB as vendors label them.
enum ByteText {
    static func binary(_ bytes: Double) -> String {
        scaled(bytes, base: 1024, units: ["B", "KiB", "MiB", "GiB", "TiB", "PiB"])
    }

    static func decimal(_ bytes: Double) -> String {
        scaled(bytes, base: 1000, units: ["B", "KB", "MB", "GB", "TB", "PB"])
    }

    private static func scaled(_ bytes: Double, base: Double, units: [String]) -> String {
        var v = max(0, bytes)
        var u = 0
        while v >= base, u < units.count - 1 { v /= base; u += 1 }
        return (u == 0 ? "\(Int(saturating: v))" : DecimalText.fixed(v, 1)) + " " + units[u]
    }
}
