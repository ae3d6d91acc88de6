import Common

/// The `kernel_security` fact: which Linux Security Module is active and how it is set.
/// Read from files only (Pacific ran `sestatus`).
struct KernelSecurity: Equatable {
    var type: String
    var description: String
    /// AppArmor: number of loaded profiles per mode (`enforce`, `complain`, ...), in the order
    /// the modes first appear.
    var profileCounts: [(mode: String, count: Int)] = []

    static func == (a: KernelSecurity, b: KernelSecurity) -> Bool {
        a.type == b.type && a.description == b.description
            && a.profileCounts.map(\.mode) == b.profileCounts.map(\.mode)
            && a.profileCounts.map(\.count) == b.profileCounts.map(\.count)
    }

    static let notAvailable = KernelSecurity(type: "None", description: "Linux Security Module framework is not available")
    static let otherModule = KernelSecurity(
        type: "Unknown", description: "Linux Security Module framework is active, but is not using SELinux or AppArmor")

    var selinuxEnabled: Bool { type == "SELinux" && description != "SELinux: Disabled" }

    var json: JSONValue {
        var object = JSONObject([("type", .string(type)), ("description", .string(description))])
        for (mode, count) in profileCounts where object[mode] == nil {
            object[mode] = .int(count)
        }
        return .object(object)
    }

    static func read(from files: FileTree) -> KernelSecurity {
        guard let lsmText = files.readTrimmed("/sys/kernel/security/lsm") else { return .notAvailable }
        let modules = Set(lsmText.split(separator: ",").map { $0.trimmingWhitespace() })
        if modules.contains("selinux") {
            return selinux(enforceFile: files.readTrimmed("/sys/fs/selinux/enforce"),
                           config: files.readText("/etc/selinux/config"))
        }
        if modules.contains("apparmor") {
            guard files.isDirectory("/etc/apparmor") else { return .notAvailable }
            return apparmor(profiles: files.readText("/sys/kernel/security/apparmor/profiles"))
        }
        return .otherModule
    }

    /// SELinux is enabled when selinuxfs is mounted (its `enforce` file exists); the mode comes
    /// from that file and the policy name from the config, as `sestatus` would report them.
    static func selinux(enforceFile: String?, config: String?) -> KernelSecurity {
        guard let enforce = enforceFile else {
            return KernelSecurity(type: "SELinux", description: "SELinux: Disabled")
        }
        let mode = enforce == "1" ? "enforcing" : "permissive"
        let policy = config.map(OSRelease.parse)?["SELINUXTYPE"] ?? "unknown"
        return KernelSecurity(type: "SELinux", description: "SELinux: Enabled(\(mode), \(policy))")
    }

    /// Counts profiles per mode from lines such as `/usr/sbin/ntpd (enforce)`; profile names
    /// may contain spaces, so the mode is the last parenthesised word. Counts start at one
    /// (Pacific started them at zero, quirk Q15). No profiles loaded means not available.
    static func apparmor(profiles: String?) -> KernelSecurity {
        var result = KernelSecurity(type: "AppArmor", description: "AppArmor: Enabled")
        guard let profiles else { return result }
        var counts: [(mode: String, count: Int)] = []
        for line in profiles.split(separator: "\n") {
            let trimmed = line.trimmingWhitespace()
            guard trimmed.hasSuffix(")"), let open = trimmed.lastIndex(of: "(") else { continue }
            let mode = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
            if mode.isEmpty { continue }
            if let i = counts.firstIndex(where: { $0.mode == mode }) {
                counts[i].count += 1
            } else {
                counts.append((mode, 1))
            }
        }
        if counts.isEmpty { return .notAvailable }
        result.profileCounts = counts
        result.description += "(" + counts.map { "\($0.count) \($0.mode)" }.joined(separator: ",") + ")"
        return result
    }
}
