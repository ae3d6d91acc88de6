import Common
import Glibc
import Synchronization

/// The fleet's embedded KV store, the stand-in for the monitor's config-key store: one JSON
/// file (`kv.json`, mode 0600) in the state directory, replaced atomically on every change, and
/// a lock file (`kv.lock`) that serializes fleet processes.
///
/// Readers need no lock: they always see a whole old or a whole new file. Writers go through
/// `update`, which takes the lock, re-reads, applies the change and writes it back.
public final class FleetStore: Sendable {
    public let stateDirectory: String
    public var storePath: String { Self.storePath(stateDir: stateDirectory) }
    public static func storePath(stateDir: String) -> String { stateDir + "/kv.json" }
    public var lockPath: String { stateDirectory + "/kv.lock" }

    private let onLockWait: @Sendable (String) -> Void
    /// The lock while this instance holds it, and how many nested holders there are: flock
    /// locks belong to an open file, so taking it again through a second descriptor would
    /// wait on ourselves.
    private let held = Mutex<(lock: StoreLock?, depth: Int)>((nil, 0))

    private init(stateDirectory: String, onLockWait: @escaping @Sendable (String) -> Void) {
        self.stateDirectory = stateDirectory
        self.onLockWait = onLockWait
    }

    /// Opens the store in `stateDir` without touching the disk; the directory is created by the
    /// first change. `onLockWait` is told when another fleet process holds the lock.
    public static func open(
        stateDir: String,
        onLockWait: @escaping @Sendable (String) -> Void = { _ in }
    ) throws(FleetStoreError) -> FleetStore {
        guard !stateDir.isEmpty else {
            throw .io(FileOperationError(operation: "use an empty path as", path: "the state directory", errnoCode: EINVAL))
        }
        var info = stat()
        if stat(stateDir, &info) == 0, (info.st_mode & S_IFMT) != S_IFDIR {
            throw .io(FileOperationError(operation: "use as the state directory", path: stateDir, errnoCode: ENOTDIR))
        }
        var path = stateDir
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        return FleetStore(stateDirectory: path, onLockWait: onLockWait)
    }

    /// The default state directory for this process (see `StateDirectory`).
    public static func defaultStateDir() -> String { StateDirectory.defaultPath() }

    /// Whether a store file exists yet.
    public var exists: Bool { access(storePath, F_OK) == 0 }

    /// The current entries; empty when the store does not exist yet.
    public func entries() throws(FleetStoreError) -> StoreEntries {
        let bytes: [UInt8]
        do {
            bytes = try FileReader.read(storePath)
        } catch {
            if error.code == ENOENT { return StoreEntries() }
            throw .read(error)
        }
        return try StoreFileFormat.decode(bytes, path: storePath)
    }

    public func value(forKey key: String) throws(FleetStoreError) -> String? {
        try entries()[key]
    }

    /// Runs `body` while holding the store's lock (re-entrant within this instance). Long
    /// operations such as `fleet apply` hold it across their whole run so that two of them, or
    /// an apply and a `config set`, cannot interleave.
    public func withExclusiveLock<T>(_ body: () throws -> T) throws -> T {
        try acquire()
        defer { release() }
        return try body()
    }

    /// Changes the store: under the lock, reads the current entries, lets `body` modify them,
    /// and writes them back atomically if they changed. Nothing is written if `body` throws.
    /// Temporary files an interrupted writer left (they may hold the private key) are removed
    /// by every update, whether or not it changes anything.
    @discardableResult
    public func update<T>(_ body: (inout StoreEntries) throws -> T) throws -> T {
        try withExclusiveLock {
            AtomicFile.removeLeftovers(for: storePath)
            var entries = try self.entries()
            let before = entries
            let result = try body(&entries)
            if entries != before { try write(entries) }
            return result
        }
    }

    private func write(_ entries: StoreEntries) throws(FleetStoreError) {
        try createStateDirectory()
        do {
            try AtomicFile.write(StoreFileFormat.encode(entries), to: storePath, mode: 0o600)
        } catch {
            throw .io(error)
        }
    }

    private func acquire() throws(FleetStoreError) {
        let nested = held.withLock { state -> Bool in
            if state.lock != nil { state.depth += 1; return true }
            return false
        }
        if nested { return }
        try createStateDirectory()
        let lock = try StoreLock.acquire(path: lockPath, onWait: onLockWait)
        held.withLock { $0 = (lock, 1) }
    }

    private func release() {
        held.withLock { state in
            state.depth -= 1
            if state.depth == 0 { state.lock = nil }
        }
    }

    /// mkdir -p with mode 0700 for the directories it creates: the store holds the private key.
    private func createStateDirectory() throws(FleetStoreError) {
        var prefix = stateDirectory.hasPrefix("/") ? "" : "."
        for part in stateDirectory.split(separator: "/") {
            prefix += "/" + part
            if mkdir(prefix, 0o700) != 0 && errno != EEXIST {
                throw .io(FileOperationError(operation: "create the state directory", path: prefix, errnoCode: errno))
            }
        }
    }
}
