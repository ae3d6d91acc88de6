import Common

/// `--state-dir DIR` as every store-using command takes it.
enum StoreOption {
    static let spec = OptionSpec.value("--state-dir", name: "DIR", help: "where the KV store lives",
                                       defaultHelp: "/etc/ceph/fleet as root, else $XDG_CONFIG_HOME/cephadm-fleet")

    static func open(_ parsed: ParsedArguments, io: CommandIO) throws(FleetStoreError) -> FleetStore {
        let dir = parsed.string("--state-dir") ?? FleetStore.defaultStateDir()
        return try FleetStore.open(stateDir: dir, onLockWait: { io.err($0) })
    }
}

/// Printing of command failures, one problem per line.
enum CommandFailure {
    static func report(_ io: CommandIO, command: String, _ message: String) {
        let lines = message.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.count == 1 {
            io.err("\(command): \(message)")
        } else {
            io.err("\(command): failed:")
            for line in lines { io.err("  \(line)") }
        }
    }

    static func usage(_ io: CommandIO, command: String, _ error: UsageError) -> Int32 {
        io.err("\(command): \(error.message)")
        io.err("Run '\(command) --help' for usage.")
        return 2
    }
}
