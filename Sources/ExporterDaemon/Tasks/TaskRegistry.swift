import Common

/// The one place that lists the tasks the daemon runs, in `TaskCatalog.standard`'s order (a
/// test checks they agree): adding a task is a new `GatherTask` type plus one line in `make`.
enum TaskRegistry {
    static func make(root: SystemRoot, dataDir: String, cephVolume: String?) -> [any GatherTask] {
        [
            hostFacts(root: root),
            daemonList(root: root, dataDir: dataDir, fsid: nil),
            diskInventory(root: root, cephVolume: cephVolume),
        ]
    }

    /// The catalog the running tasks make up: what the cache, the routes and health list.
    static func catalog(of tasks: [any GatherTask]) -> TaskCatalog { TaskCatalog(tasks.map(\.spec)) }

    static func hostFacts(root: SystemRoot) -> any GatherTask {
        HostFactsTask(root: root)
    }

    static func daemonList(root: SystemRoot, dataDir: String, fsid: String?) -> any GatherTask {
        DaemonListTask(root: root, dataDir: dataDir, fsid: fsid)
    }

    static func diskInventory(root: SystemRoot, cephVolume: String?) -> any GatherTask {
        DiskInventoryTask(root: root, cephVolume: cephVolume)
    }
}
