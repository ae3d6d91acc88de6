import Common
import Glibc

/// Keeps a long-running dashboard's credentials current: when the KV store changes (a `fleet
/// rotate` stored new secrets or a new CA) it re-reads them, and when a grace period ends it
/// derives them again, so the poller always holds what the exporters accept. Checked about once
/// a second, from the UI loop: a stat of `kv.json`, and a read only when it changed.
struct CredentialRefresher {
    let stateDir: String
    let hosts: [HostEntry]
    private var stamp: FileStamp?
    private var nextChange: Double?
    private var lastCheck = -Double.infinity

    static let checkIntervalSecs = 1.0

    init(stateDir: String, hosts: [HostEntry], current: FleetCredentials, now: Double) {
        self.stateDir = stateDir
        self.hosts = hosts
        stamp = FileStamp(path: FleetStore.storePath(stateDir: stateDir))
        nextChange = current.nextChange(after: now)
    }

    /// New credentials per host when something changed; nil otherwise. A store that cannot be
    /// read right now keeps the current credentials (`problem` says why).
    mutating func check(now: Double) -> (credentials: [TargetCredentials]?, problem: String?) {
        guard now - lastCheck >= Self.checkIntervalSecs else { return (nil, nil) }
        lastCheck = now
        let fresh = FileStamp(path: FleetStore.storePath(stateDir: stateDir))
        let expired = nextChange.map { now >= $0 } ?? false
        guard fresh != stamp || expired else { return (nil, nil) }
        stamp = fresh
        do {
            let config = try ClientConfig.load(path: nil, stateDir: stateDir)
            nextChange = config.credentials.nextChange(after: now)
            return (try config.credentials.targets(for: hosts, now: now), nil)
        } catch {
            nextChange = nil
            return (nil, "cannot reload the credentials from \(stateDir): \(error)")
        }
    }
}

/// Identity of a file's current content as far as `stat` tells: an atomic replacement changes
/// the inode, an edit the size or modification time.
struct FileStamp: Equatable {
    let inode: UInt64
    let size: Int64
    let modifiedNanos: Int64

    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        modifiedNanos = Int64(info.st_mtim.tv_sec) &* 1_000_000_000 &+ Int64(info.st_mtim.tv_nsec)
    }
}
