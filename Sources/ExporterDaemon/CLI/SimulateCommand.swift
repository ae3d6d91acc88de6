import CShims
import Common
import Glibc

/// `cephadm-exporter simulate`: a fleet of exporters in one process, for demos, tests and
/// benchmarks of `fleet`.
enum SimulateCommand {
    static let options: [OptionSpec] = [
        .value("--count", name: "N", help: "number of simulated exporters", default: "50", range: 1...20_000),
        .value("--base-port", name: "PORT", help: "first port; this process's exporter k listens on PORT+k (with --first-address: every exporter's port)", default: "19443", range: 1...65535),
        .value("--config", name: "FILE", help: "config.json with crt, key and token (from 'fleet config get'): every host the same (shared mode)"),
        .value("--credentials-dir", name: "DIR", help: "per-host mode: host NAME serves DIR/NAME.json (fleet config issue --hosts FILE --output-dir DIR)"),
        .value("--bind", name: "ADDR", help: "address to listen on", default: "127.0.0.1"),
        .value("--first-address", name: "IPV4", help: "exporter k listens on IPV4+k (127.0.0.0/8 is loopback), all on --base-port: one address per host"),
        .flag("--dump-hosts", help: "print the hosts as `ceph orch host ls --format json` (hostname, addr, labels) and exit; for fleet config issue --hosts"),
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
                    usage: "cephadm-exporter simulate --count N --base-port PORT --config FILE [options]\n       cephadm-exporter simulate --count N --first-address IPV4 --base-port PORT --credentials-dir DIR [options]\n       cephadm-exporter simulate --count N [--first-address IPV4] --dump-hosts\n       cephadm-exporter simulate --dump-body PROFILE [--seed S]",
                    summary: "Serve N exporters with synthetic metadata from one process, with a seeded mix of behaviours:\nhealthy, dead-task (206/204), all-dead (500), slow, refusing, wrong-token (401), stale.",
                    options: options, footer: "Runs until SIGTERM/SIGINT."))
            else { return 0 }
            p = given
            if let name = p.string("--dump-body") { return try dumpBody(profile: try profile(name, option: "--dump-body"), p) }
            if p.has("--dump-hosts") { return try dumpHosts(p) }
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

    static func addressing(_ p: ParsedArguments) throws(UsageError) -> SimulatedAddressing {
        let basePort = try p.intValue("--base-port")
        let addressing: SimulatedAddressing = p.string("--first-address").map { .addresses(first: $0, port: basePort) }
            ?? .ports(bind: try p.stringValue("--bind"), basePort: basePort)
        if let problem = addressing.problem(count: try p.intValue("--count")) { throw UsageError(problem) }
        return addressing
    }

    /// The simulated hosts as `ceph orch host ls --format json` lists them: what `fleet config
    /// issue --hosts` issues per-host credentials for, and a host list `fleet` takes.
    private static func dumpHosts(_ p: ParsedArguments) throws -> Int32 {
        let addressing = try addressing(p)
        let profile = try profile(try p.stringValue("--profile"), option: "--profile")
        let seed = UInt64(try p.intValue("--seed")), firstHost = try p.intValue("--first-host")
        let hosts: [JSONValue] = (0..<(try p.intValue("--count"))).map { k in
            let i = firstHost + k
            return ["hostname": .string(SyntheticIdentity(index: i).shortName), "addr": .string(addressing.endpoint(k)?.address ?? ""),
                    "labels": [.string(profile.shape(index: i, seed: seed).description)], "status": ""]
        }
        Console.out(JSONWriter.pretty(.array(hosts)))
        return 0
    }

    private static func serve(_ p: ParsedArguments) throws -> Int32 {
        let count = try p.intValue("--count")
        let addressing = try addressing(p)
        let firstHost = try p.intValue("--first-host")
        let profile = try profile(try p.stringValue("--profile"), option: "--profile")
        let seed = UInt64(try p.intValue("--seed"))
        var only: SimulatedBehaviour?
        if let name = p.string("--behaviour") {
            guard let b = SimulatedBehaviour(rawValue: name) else {
                throw UsageError("--behaviour: '\(name)' is not one of " + SimulatedBehaviour.allCases.map(\.rawValue).joined(separator: ", "))
            }
            only = b
        }
        let intervals = try RunCommand.intervals(p)
        let credentials: SimulatedCredentials
        switch (p.string("--config"), p.string("--credentials-dir")) {
        case (let path?, nil):
            let config = try SimulatorConfig.load(path)
            credentials = .shared(tls: try TLSContext.server(certificatePEM: config.crt, keyPEM: config.key), token: config.token)
        case (nil, let dir?): credentials = .perHost(directory: dir)
        case (nil, nil): throw UsageError("give --config FILE (shared mode) or --credentials-dir DIR (per-host mode)")
        case (.some, .some): throw UsageError("give either --config or --credentials-dir, not both")
        }

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
        let fleet = SimulatedFleet(loop: loop, logger: logger, intervals: intervals)
        try fleet.start(count: count, addressing: addressing, seed: seed, fsid: try p.stringValue("--fsid"), credentials: credentials,
                        slowDelaySecs: try p.doubleValue("--slow-delay"), only: only, profile: profile, firstHost: firstHost)
        if let out = p.string("--hosts-out") {
            let lines = ["# simulated fleet: \(count) exporters (hosts \(firstHost)-\(firstHost + count - 1)), profile \(profile.rawValue), seed \(seed)"]
                + fleet.members.map { m in
                    let host = m.address.contains(":") ? "[\(m.address)]" : m.address
                    return "\(host):\(m.port)  # \(m.name) \(m.shape) \(m.behaviour.rawValue)"
                }
            try AtomicFile.write(lines.joined(separator: "\n") + "\n", to: out, mode: 0o644)
        }
        let mix = Dictionary(grouping: fleet.members, by: \.behaviour).map { "\($0.key.rawValue)=\($0.value.count)" }.sorted()
        let startSecs = Double(Clock.monotonicNanos() - startNanos) / 1e9
        let span: String
        switch addressing {
        case .ports(let bind, let basePort): span = "\(bind):\(basePort)-\(basePort + count - 1)"
        case .addresses(let first, let port): span = "\(first)-\(SimulatedAddressing.ipv4(first, plus: count - 1) ?? "?"):\(port)"
        }
        let mode = { if case .perHost = credentials { return ", per-host credentials" } else { return "" } }()
        Console.err("simulating \(count) exporters on \(span) (\(mix.joined(separator: " ")))\(mode)")
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
