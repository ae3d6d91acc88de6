import CShims
import Common
import Glibc

/// `cephadm-exporter simulate`: a fleet of exporters in one process, for demos, tests and
/// benchmarks of `fleet`.
enum SimulateCommand {
    static let options: [OptionSpec] = [
        .value("--count", name: "N", help: "number of simulated exporters", default: "50", range: 1...20_000),
        .value("--base-port", name: "PORT", help: "first port; this process's exporter k listens on PORT+k", default: "19443", range: 1...65535),
        .value("--config", name: "FILE", help: "config.json with crt, key and token (from 'fleet config get')"),
        .value("--bind", name: "ADDR", help: "address to listen on", default: "127.0.0.1"),
        .value("--seed", name: "S", help: "chooses the mix of behaviours and the synthetic data", default: "1",
               range: 0...Double(Int.max)),
        .value("--profile", name: "NAME", help: "host shapes: small (5 disks), osd24 (24 disks), jbod60 (60 disks), or mixed (a fleet of them)",
               default: HostProfile.default.rawValue),
        .value("--first-host", name: "I", help: "serve hosts I..I+N-1 of the seeded fleet (a fleet split over processes)", default: "0",
               range: 0...1_000_000),
        .value("--dump-body", name: "PROFILE", help: "print the /v1/metadata body a healthy host of PROFILE serves, and exit (benchmarks)"),
        .value("--behaviour", name: "NAME", help: "give every exporter this behaviour: " + SimulatedBehaviour.allCases.map(\.rawValue).joined(separator: ", ")),
        .value("--slow-delay", name: "SECS", help: "response delay of 'slow' exporters", default: "0.3", range: 0...60),
    ] + RunCommand.intervalOptions(range: 0.05...86_400) + [
        .value("--hosts-out", name: "FILE", help: "write a host list (127.0.0.1:PORT  # name shape behaviour) for 'fleet --hosts'"),
        .value("--fsid", name: "FSID", help: "cluster fsid in the daemon lists and the disks' lvs", default: "5c7a3e1e-3f7c-11ef-a5d6-525400c0ffee"),
        .flag("--help", "-h", help: "show this help"),
    ]

    static func run(_ args: [String]) -> Int32 {
        let p: ParsedArguments
        do {
            guard let given = try ParsedArguments.unlessHelp(
                args, options: options, print: { Console.out($0, newline: false) },
                help: HelpText.render(
                    usage: "cephadm-exporter simulate --count N --base-port PORT --config FILE [options]\n       cephadm-exporter simulate --dump-body PROFILE [--seed S]",
                    summary: "Serve N exporters with synthetic metadata from one process, with a seeded mix of behaviours:\nhealthy, dead-task (206/204), all-dead (500), slow, refusing, wrong-token (401), stale.",
                    options: options, footer: "Runs until SIGTERM/SIGINT."))
            else { return 0 }
            p = given
            if let name = p.string("--dump-body") { return try dumpBody(profile: try profile(name, option: "--dump-body"), p) }
            return try serve(p)
        } catch let e as UsageError {
            Console.err("cephadm-exporter simulate: \(e)")
            return 2
        } catch {
            Console.err("cephadm-exporter simulate: \(error)")
            return 1
        }
    }

    static func profile(_ name: String, option: String) throws(UsageError) -> HostProfile {
        guard let profile = HostProfile(rawValue: name) else {
            throw UsageError("\(option): '\(name)' is not one of " + HostProfile.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return profile
    }

    private static func dumpBody(profile: HostProfile, _ p: ParsedArguments) throws -> Int32 {
        let seed = UInt64(try p.intValue("--seed"))
        let intervals = try RunCommand.intervals(p)
        let body = SimulatedFleet.metadataBody(index: 0, profile: profile, seed: seed, fsid: try p.stringValue("--fsid"), intervals: intervals)
        Console.out(String(decoding: body, as: UTF8.self))
        return 0
    }

    private static func serve(_ p: ParsedArguments) throws -> Int32 {
        let count = try p.intValue("--count")
        let basePort = try p.intValue("--base-port")
        guard basePort + count - 1 <= 65535 else { throw UsageError("--base-port \(basePort) + --count \(count) goes past port 65535") }
        let firstHost = try p.intValue("--first-host")
        let configPath = try p.required("--config")
        let profile = try profile(try p.stringValue("--profile"), option: "--profile")
        let bind = try p.stringValue("--bind")
        let seed = UInt64(try p.intValue("--seed"))
        var only: SimulatedBehaviour?
        if let name = p.string("--behaviour") {
            guard let b = SimulatedBehaviour(rawValue: name) else {
                throw UsageError("--behaviour: '\(name)' is not one of " + SimulatedBehaviour.allCases.map(\.rawValue).joined(separator: ", "))
            }
            only = b
        }
        let intervals = try RunCommand.intervals(p)
        let config = try SimulatorConfig.load(configPath)

        signal(SIGPIPE, SIG_IGN)
        let needed = SimulatedFleet.descriptorsNeeded(exporters: count)
        let limit = OpenFileLimit.raise(toAtLeast: needed)
        if needed > limit {
            Console.err("warning: \(count) exporters and their clients may need up to \(needed) open files; the limit is \(limit) (run as root, or raise it with ulimit -Hn)")
        }
        let startNanos = Clock.monotonicNanos()
        let logger = Logger(component: "simulate", level: .warning)
        let signals: [Int32] = [SIGTERM, SIGINT]
        let sigfd = signals.withUnsafeBufferPointer { cshim_block_signals_fd($0.baseAddress, Int32($0.count)) }
        let loop = try EventLoop()
        let tls = try TLSContext.server(certificatePEM: config.crt, keyPEM: config.key)
        let fleet = SimulatedFleet(loop: loop, logger: logger, intervals: intervals)
        try fleet.start(count: count, basePort: basePort, bind: bind, seed: seed,
                        fsid: try p.stringValue("--fsid"), token: config.token, tls: tls,
                        slowDelaySecs: try p.doubleValue("--slow-delay"), only: only, profile: profile, firstHost: firstHost)
        if let out = p.string("--hosts-out") {
            let host = bind.contains(":") ? "[\(bind)]" : bind
            let lines = ["# simulated fleet: \(count) exporters (hosts \(firstHost)-\(firstHost + count - 1)), profile \(profile.rawValue), seed \(seed)"]
                + fleet.members.map { "\(host):\($0.port)  # \($0.name) \($0.shape) \($0.behaviour.rawValue)" }
            try AtomicFile.write(lines.joined(separator: "\n") + "\n", to: out, mode: 0o644)
        }
        let mix = Dictionary(grouping: fleet.members, by: \.behaviour).map { "\($0.key.rawValue)=\($0.value.count)" }.sorted()
        let startSecs = Double(Clock.monotonicNanos() - startNanos) / 1e9
        Console.err("simulating \(count) exporters on \(bind):\(basePort)-\(basePort + count - 1) (\(mix.joined(separator: " ")))")
        Console.err(SimulationReport.text(fleet: fleet, profile: profile, startSecs: startSecs, openFiles: limit))
        let stopper = SignalHandler(fd: sigfd) { _ in loop.stop() }
        try loop.register(fd: sigfd, events: IOEvents.read, handler: stopper)
        SystemdNotify.send("READY=1")
        loop.run()
        return 0
    }
}

/// The crt, key and token of a `config.json`, as the simulator needs them.
enum SimulatorConfig {
    static func load(_ path: String) throws -> ExporterConfig {
        try ExporterConfig.parse(text: ExporterConfigInput.readFile(path), source: path)
    }
}
