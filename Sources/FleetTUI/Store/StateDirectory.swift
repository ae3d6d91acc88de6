import Glibc

/// Where the fleet keeps its state when `--state-dir` is not given.
public enum StateDirectory {
    /// `/etc/ceph/fleet` for root; otherwise `$XDG_CONFIG_HOME/cephadm-fleet`, falling back to
    /// `$HOME/.config/cephadm-fleet` when XDG_CONFIG_HOME is unset or not absolute (as the XDG
    /// base directory rules say).
    public static func defaultPath(environment: [String: String], isRoot: Bool) -> String {
        if isRoot { return "/etc/ceph/fleet" }
        if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") {
            return trimSlash(xdg) + "/cephadm-fleet"
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? passwordDatabaseHome() ?? "/"
        return trimSlash(home) + "/.config/cephadm-fleet"
    }

    /// The default for this process.
    public static func defaultPath() -> String {
        defaultPath(environment: processEnvironment(), isRoot: getuid() == 0)
    }

    static func processEnvironment() -> [String: String] {
        var result: [String: String] = [:]
        for name in ["XDG_CONFIG_HOME", "HOME"] {
            if let v = getenv(name) { result[name] = String(cString: v) }
        }
        return result
    }

    private static func passwordDatabaseHome() -> String? {
        guard let entry = getpwuid(getuid()), let dir = entry.pointee.pw_dir else { return nil }
        return String(cString: dir)
    }

    private static func trimSlash(_ s: String) -> String {
        var s = s
        while s.count > 1 && s.hasSuffix("/") { s.removeLast() }
        return s
    }
}
