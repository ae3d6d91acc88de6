import Common

/// What the daemon list takes from outside the file tree.
struct DaemonListEnvironment: Sendable {
    /// Whether systemd is PID 1 (its runtime directory exists below the task's root). Without
    /// it `systemctl` cannot answer and every unit is reported `unknown`.
    var systemdIsRunning: @Sendable (SystemRoot) -> Bool
    /// Runs systemctl, podman/docker and ceph, found on the runner's search path.
    var runner: CommandRunner
    /// Limit for each external command (the scrape's deadline also applies).
    var commandTimeoutSecs: Double

    static let live = DaemonListEnvironment(
        systemdIsRunning: { FileTree($0).isDirectory("/run/systemd/system") },
        runner: CommandRunner(),
        commandTimeoutSecs: 30)
}

enum DaemonListError: Error, Equatable, CustomStringConvertible {
    case dataDirUnreadable(path: String, reason: String)

    var description: String {
        switch self {
        case .dataDirUnreadable(let path, let reason):
            return "cannot list the Ceph data directory \(path): \(reason)"
        }
    }
}

/// The `daemons` task (`cephadm ls` with details, spec 5.2): the legacy and cephadm daemons
/// found under the data directory, with their unit state and container details.
struct DaemonListTask: GatherTask {
    let spec = TaskSpec.daemons
    let root: SystemRoot
    /// The Ceph data directory as a host path; it is read below `root`.
    let dataDir: String
    /// When set, only daemons of this cluster are listed.
    let fsid: String?
    let environment: DaemonListEnvironment

    init(root: SystemRoot = SystemRoot(), dataDir: String = "/var/lib/ceph", fsid: String? = nil,
         environment: DaemonListEnvironment = .live) {
        self.root = root
        self.dataDir = dataDir.count > 1 && dataDir.hasSuffix("/") ? String(dataDir.dropLast()) : dataDir
        self.fsid = fsid
        self.environment = environment
    }

    func scrape(_ context: ScrapeContext) throws -> ScrapeOutput {
        let (daemons, problems) = try list(context)
        return ScrapeOutput(data: .array(daemons), errors: problems)
    }

    /// The daemon entries and the non-fatal problems met (unreadable unit.meta, engine errors).
    /// Throws when the data directory exists but cannot be read, or when the scrape is cancelled.
    func list(_ context: ScrapeContext? = nil) throws -> (daemons: [JSONValue], problems: [String]) {
        let files = FileTree(root)
        guard files.exists(dataDir) else { return ([], []) }
        guard files.list(dataDir) != nil else {
            throw DaemonListError.dataDirUnreadable(path: root.path(dataDir), reason: FileTree.lastErrorText())
        }
        var problems: [String] = []
        var commands = CommandSession(environment: environment, context: context)

        let daemons: [(dir: DaemonDirectory, fsid: String)] = DaemonDirectoryScanner.scan(files, dataDir: dataDir)
            .map { dir in
                switch dir.style {
                case .cephadm(let fsid): return (dir, fsid)
                case .legacy: return (dir, DaemonDirectoryScanner.legacyFSID(dir, files: files) ?? "unknown")
                }
            }
            .filter { fsid == nil || $0.fsid == fsid }
        if daemons.isEmpty { return ([], []) }

        let units = try unitStatuses(daemons.map(\.dir.systemdUnit), commands: &commands, problems: &problems)
        let hostVersion = daemons.contains(where: { if case .legacy = $0.dir.style { return true }; return false })
            ? try hostCephVersion(commands: &commands) : nil
        let containers = try containerDetails(daemons, commands: &commands, problems: &problems)

        var entries: [JSONValue] = []
        for (dir, daemonFSID) in daemons {
            var entry = JSONObject()
            let unit = units[dir.systemdUnit] ?? .unknown
            switch dir.style {
            case .legacy:
                entry["style"] = "legacy"
                entry["name"] = .string(dir.name)
                entry["fsid"] = .string(daemonFSID)
                entry["systemd_unit"] = .string(dir.systemdUnit)
                entry["enabled"] = .bool(unit.enabled)
                entry["state"] = .string(unit.state)
                entry["host_version"] = hostVersion.map { .string($0) } ?? .null
            case .cephadm:
                entry["style"] = "cephadm:v1"
                entry["name"] = .string(dir.name)
                entry["fsid"] = .string(daemonFSID)
                entry["systemd_unit"] = .string(dir.systemdUnit)
                entry["enabled"] = .bool(unit.enabled)
                entry["state"] = .string(unit.state)
                mergeUnitMeta(of: dir, into: &entry, files: files, problems: &problems)
                let container = containers.byDaemon[dir.name + "@" + daemonFSID]
                entry["container_id"] = container.map { .string($0.id) } ?? .null
                // Without a container, the image the daemon was deployed with.
                let deployedImage = files.readTrimmed("\(dir.path)/unit.image").flatMap { $0.isEmpty ? nil : $0 }
                entry["container_image_name"] = (container?.imageName ?? deployedImage).map { .string($0) } ?? .null
                entry["container_image_id"] = container.map { .string($0.imageID) } ?? .null
                entry["container_image_digests"] = container.flatMap { containers.digests[$0.imageID] }
                    .map { .array($0.map { .string($0) }) } ?? .null
                if let container {
                    entry["memory_usage"] = ContainerEngineQueries.statsValue(containerID: container.id, in: containers.memory)
                        .map { .int($0) } ?? .null
                    entry["cpu_percentage"] = ContainerEngineQueries.statsValue(containerID: container.id, in: containers.cpu)
                        .map { .string($0) } ?? .null
                }
                entry["version"] = container?.version.map { .string($0) } ?? .null
                entry["started"] = container?.started.map { .string($0) } ?? .null
                entry["created"] = timestamp(files, "\(dir.path)/unit.created")
                entry["deployed"] = timestamp(files, "\(dir.path)/unit.image")
                entry["configured"] = timestamp(files, "\(dir.path)/unit.configured")
            }
            entries.append(.object(entry))
        }
        problems += commands.problems
        return (entries, problems)
    }

    // MARK: parts

    private func timestamp(_ files: FileTree, _ path: String) -> JSONValue {
        guard let mtime = files.modificationTime(path) else { return .null }
        let (seconds, microseconds) = UTCTimestamp.pythonMicroseconds(seconds: mtime.seconds, nanoseconds: mtime.nanoseconds)
        return .string(UTCTimestamp.format(seconds: seconds, microseconds: microseconds))
    }

    /// unit.meta's keys go in after `state`, in the file's order; a key the entry already has
    /// keeps its place and takes the file's value.
    private func mergeUnitMeta(of dir: DaemonDirectory, into entry: inout JSONObject, files: FileTree, problems: inout [String]) {
        let path = "\(dir.path)/unit.meta"
        guard let bytes = files.readBytes(path) else { return }
        do {
            guard case .object(let meta) = try JSONParser.parse(replacingInvalidUTF8: bytes) else {
                problems.append("\(root.path(path)): not a JSON object; its keys are left out of \(dir.name)")
                return
            }
            for (key, value) in meta.entries { entry[key] = value }
        } catch {
            problems.append("\(root.path(path)): \(error); its keys are left out of \(dir.name)")
        }
    }

    private func unitStatuses(_ units: [String], commands: inout CommandSession, problems: inout [String]) throws -> [String: UnitStatus] {
        guard environment.systemdIsRunning(root) else { return [:] }
        guard let systemctl = environment.runner.which("systemctl") else {
            problems.append("systemd is running but systemctl is not on PATH; unit states are unknown")
            return [:]
        }
        guard let result = try commands.run(SystemdUnitStatus.argv(systemctl: systemctl, units: units)),
              result.succeeded else { return [:] }
        return SystemdUnitStatus.parse(result.stdoutText, units: units)
    }

    /// The third word of `ceph -v` (`ceph version 14.2.21 (...) nautilus (stable)`).
    private func hostCephVersion(commands: inout CommandSession) throws -> String? {
        guard let ceph = environment.runner.which("ceph"),
              let result = try commands.run([ceph, "-v"]), result.succeeded else { return nil }
        let words = result.stdoutText.trimmingWhitespace().split(separator: " ")
        guard words.count >= 3, words[0] == "ceph", words[1] == "version" else { return nil }
        return String(words[2])
    }

    private struct Containers {
        /// Keyed by `<daemon name>@<fsid>`.
        var byDaemon: [String: ContainerDetails] = [:]
        var digests: [String: [String]] = [:]
        var memory: [String: Int] = [:]
        var cpu: [String: String] = [:]
    }

    /// podman (preferred, as cephadm does) or docker: one inspect for every daemon's possible
    /// container names, one image inspect, one stats. The exporter itself runs uncontained.
    private func containerDetails(_ daemons: [(dir: DaemonDirectory, fsid: String)], commands: inout CommandSession,
                                  problems: inout [String]) throws -> Containers {
        var containers = Containers()
        guard let engine = environment.runner.which("podman") ?? environment.runner.which("docker") else { return containers }
        var candidates: [(key: String, names: [String])] = []
        for (dir, daemonFSID) in daemons {
            guard case .cephadm = dir.style, dir.type != "cephadm-exporter" else { continue }
            candidates.append((dir.name + "@" + daemonFSID, ContainerEngineQueries.containerNames(fsid: daemonFSID, daemon: dir)))
        }
        if candidates.isEmpty { return containers }
        // A non-zero exit is normal here: stopped daemons have no container.
        guard let inspected = try commands.run(ContainerEngineQueries.inspectArgv(engine: engine, names: candidates.flatMap(\.names))) else {
            return containers
        }
        let byName = ContainerEngineQueries.parseInspect(inspected.stdoutText)
        for (key, names) in candidates {
            if let found = names.lazy.compactMap({ byName[$0] }).first { containers.byDaemon[key] = found }
        }
        if containers.byDaemon.isEmpty { return containers }

        var imageIDs: [String] = []
        for details in containers.byDaemon.values where !details.imageID.isEmpty && !imageIDs.contains(details.imageID) {
            imageIDs.append(details.imageID)
        }
        if !imageIDs.isEmpty, let images = try commands.run(ContainerEngineQueries.imageInspectArgv(engine: engine, imageIDs: imageIDs.sorted())) {
            containers.digests = ContainerEngineQueries.parseImageDigests(images.stdoutText)
        }
        if let stats = try commands.run(ContainerEngineQueries.statsArgv(engine: engine)), stats.succeeded {
            containers.memory = ContainerEngineQueries.parseMemoryUsage(stats.stdoutText)
            containers.cpu = ContainerEngineQueries.parseCPUPercentage(stats.stdoutText)
        } else {
            problems.append("\(engine) stats failed; memory_usage and cpu_percentage are null")
        }
        return containers
    }
}

/// Runs the scrape's external commands with the configured limit. A command that cannot run
/// or times out becomes a problem note and no result; cancellation ends the scrape.
private struct CommandSession {
    let environment: DaemonListEnvironment
    let context: ScrapeContext?
    var problems: [String] = []

    init(environment: DaemonListEnvironment, context: ScrapeContext?) {
        self.environment = environment
        self.context = context
    }

    mutating func run(_ argv: [String]) throws -> CommandResult? {
        do {
            return try environment.runner.run(argv, timeoutSecs: environment.commandTimeoutSecs, context: context)
        } catch {
            if case .cancelled = error { throw error }
            problems.append(error.description)
            return nil
        }
    }
}
