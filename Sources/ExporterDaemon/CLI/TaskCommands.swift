import Common

/// `gather-facts`, `list-daemons`, `inventory`: run one task once, by hand, and print exactly
/// what it puts in `data`, as indented JSON.
enum TaskCommands {
    static func gatherFacts(_ args: [String]) -> Int32 {
        runOnce(args, command: "gather-facts", summary: "Print this host's facts (the 'host' task's data; Pacific's 'cephadm gather-facts').",
                extra: []) { p, root in
            TaskRegistry.hostFacts(root: root)
        }
    }

    static func listDaemons(_ args: [String]) -> Int32 {
        runOnce(args, command: "list-daemons", summary: "List the Ceph daemons on this host (the 'daemons' task's data; Pacific's 'cephadm ls').",
                extra: [
                    .value("--fsid", name: "FSID", help: "only daemons of this cluster"),
                    .value("--data-dir", name: "DIR", help: "Ceph data directory", default: "/var/lib/ceph"),
                ]) { (p, root) throws(UsageError) in
            TaskRegistry.daemonList(root: root, dataDir: try p.stringValue("--data-dir"), fsid: p.string("--fsid"))
        }
    }

    static func inventory(_ args: [String]) -> Int32 {
        runOnce(args, command: "inventory", summary: "Print the disk inventory (the 'disks' task's data; 'ceph-volume inventory --format=json').",
                extra: [
                    .value("--ceph-volume", name: "CMD", help: DiskInventoryTask.optionHelp, defaultHelp: DiskInventoryTask.optionDefault),
                ]) { p, root in
            TaskRegistry.diskInventory(root: root, cephVolume: p.string("--ceph-volume"))
        }
    }

    private static func runOnce(_ args: [String], command: String, summary: String, extra: [OptionSpec],
                                make: (ParsedArguments, SystemRoot) throws(UsageError) -> any GatherTask) -> Int32 {
        let options = extra + [
            .value("--root", name: "DIR", help: "read /proc, /sys, /etc and the data dir under DIR", default: "/"),
            .value("--timeout", name: "SECS", help: "give up after this long", default: "60", range: 0.1...86_400),
            .flag("--help", "-h", help: "show this help"),
        ]
        do {
            guard let p = try ParsedArguments.unlessHelp(
                args, options: options, print: { Console.out($0, newline: false) },
                help: HelpText.render(usage: "cephadm-exporter \(command) [options]", summary: summary, options: options))
            else { return 0 }
            let timeout = try p.doubleValue("--timeout")
            let task = try make(p, SystemRoot(try p.stringValue("--root")))
            let context = ScrapeContext(timeoutSecs: timeout)
            let output = try task.scrape(context)
            for e in output.errors { Console.err("warning: \(e)") }
            Console.out(JSONWriter.pretty(output.data))
            return 0
        } catch let e as UsageError {
            Console.err("cephadm-exporter \(command): \(e)")
            return 2
        } catch {
            Console.err("cephadm-exporter \(command): \(Supervision.exceptionText(error))")
            return 1
        }
    }
}
