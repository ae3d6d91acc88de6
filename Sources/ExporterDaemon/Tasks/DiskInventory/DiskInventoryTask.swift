import Common

/// What the disk inventory takes from outside the file tree.
struct DiskInventoryEnvironment: Sendable {
    /// Runs ceph-volume; also finds it on the runner's search path when none is configured.
    var runner: CommandRunner
    /// Limit for one ceph-volume run (the scrape's deadline also applies).
    var commandTimeoutSecs: Double

    static let live = DiskInventoryEnvironment(runner: CommandRunner(), commandTimeoutSecs: 300)
}

enum DiskInventoryError: Error, Equatable, CustomStringConvertible {
    case sysBlockUnreadable(path: String, reason: String)

    var description: String {
        switch self {
        case .sysBlockUnreadable(let path, let reason):
            return "cannot list block devices in \(path): \(reason); is sysfs mounted?"
        }
    }
}

/// The `disks` task (spec 5.3): `ceph-volume inventory --format=json` passed through, or,
/// when ceph-volume is neither configured nor on PATH (or `native` is configured), the same
/// document built natively.
/// Unlike Pacific it runs no container and takes no cluster lock (quirk Q13).
struct DiskInventoryTask: GatherTask {
    let spec = TaskSpec.disks
    let root: SystemRoot
    /// The configured command (`--ceph-volume`), split on spaces; nil or blank means look for
    /// `ceph-volume` on PATH; `native` means the native inventory even where ceph-volume exists.
    let cephVolume: String?
    let environment: DiskInventoryEnvironment

    /// The `--ceph-volume` value that selects the native inventory.
    static let nativeKeyword = "native"
    /// `--ceph-volume`'s help and default, shared by `run` and `inventory`.
    static let optionHelp = "command run as 'CMD inventory --format=json'; 'native' reads /sys and the udev database itself"
    static let optionDefault = "ceph-volume if on PATH, else native"

    static let noDataMessage = "ceph-volume did not return any data"
    static let badJSONMessage = "ceph-volume thread provided bad json data"

    init(root: SystemRoot = SystemRoot(), cephVolume: String? = nil, environment: DiskInventoryEnvironment = .live) {
        self.root = root
        self.cephVolume = cephVolume
        self.environment = environment
    }

    /// The command that will be run, without its `inventory --format=json` arguments, or nil
    /// for the native inventory.
    var cephVolumeCommand: [String]? {
        if let configured = cephVolume?.split(separator: " ").map(String.init), !configured.isEmpty {
            return configured == [Self.nativeKeyword] ? nil : configured
        }
        return environment.runner.which("ceph-volume").map { [$0] }
    }

    func scrape(_ context: ScrapeContext) throws -> ScrapeOutput {
        if let command = cephVolumeCommand {
            return try runCephVolume(command, context: context)
        }
        guard let devices = NativeDiskInventory.read(from: FileTree(root)) else {
            throw DiskInventoryError.sysBlockUnreadable(path: root.path("/sys/block"), reason: FileTree.lastErrorText())
        }
        return ScrapeOutput(data: .array(devices))
    }

    /// A failed or timed-out run throws (the record gets the error and null data); output that
    /// is empty or not a JSON array gives `[]` and a scrape error, as Pacific reports it.
    private func runCephVolume(_ command: [String], context: ScrapeContext) throws -> ScrapeOutput {
        let result = try environment.runner.runChecked(command + ["inventory", "--format=json"],
                                                       timeoutSecs: environment.commandTimeoutSecs, context: context)
        if result.stdoutText.trimmingWhitespace().isEmpty {
            return ScrapeOutput(data: [], errors: [Self.noDataMessage])
        }
        guard let parsed = try? JSONParser.parse(replacingInvalidUTF8: result.stdout), case .array = parsed else {
            return ScrapeOutput(data: [], errors: [Self.badJSONMessage])
        }
        return ScrapeOutput(data: parsed)
    }
}
