/// Rules for the names that end up in paths and systemd unit names: the cluster fsid and the
/// daemon id (`ceph-<fsid>-cephadm-exporter.<id>.service`, `<data>/<fsid>/cephadm-exporter.<id>`).
public enum DaemonIdentity {
    public static let daemonType = "cephadm-exporter"

    /// nil when `fsid` is acceptable, else a message naming `option`.
    public static func problem(fsid: String, option: String = "--fsid") -> String? {
        check(fsid, option: option, what: "cluster fsid", allowDots: false)
    }

    /// nil when `id` is acceptable, else a message naming `option`.
    public static func problem(daemonID id: String, option: String = "--id") -> String? {
        check(id, option: option, what: "daemon id", allowDots: true)
    }

    /// The daemon id for a host: its name up to the first dot, as Pacific does, except for IP
    /// addresses, which keep every part (127.0.0.2 and 127.0.0.3 must not both become `127`).
    public static func daemonID(forHostName name: String) -> String {
        if isIPv4Literal(name) { return name }
        if name.contains(":") {
            return String(name.map { $0 == ":" ? "-" : $0 }).trimmingCharacters(in: "[]")
        }
        return String(name.prefix(while: { $0 != "." }))
    }

    public static func unitName(fsid: String, id: String) -> String {
        "ceph-\(fsid)-\(daemonType).\(id)"
    }

    public static func daemonName(id: String) -> String { "\(daemonType).\(id)" }

    private static func check(_ value: String, option: String, what: String, allowDots: Bool) -> String? {
        if value.isEmpty { return "\(option): the \(what) must not be empty" }
        if value.utf8.count > 64 { return "\(option): the \(what) is longer than 64 characters" }
        let allowed = value.unicodeScalars.allSatisfy { c in
            (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c == "-" || c == "_" || (allowDots && c == ".")
        }
        if !allowed {
            let extra = allowDots ? ", '.'" : ""
            return "\(option): '\(value)' is not a valid \(what); use letters, digits, '-', '_'\(extra) (it becomes part of file and systemd unit names)"
        }
        if value.hasPrefix("-") || value.hasPrefix(".") {
            return "\(option): '\(value)' is not a valid \(what); it must not start with '-' or '.'"
        }
        return nil
    }

    private static func isIPv4Literal(_ s: String) -> Bool {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { p in !p.isEmpty && p.count <= 3 && p.allSatisfy(\.isASCII) && p.allSatisfy(\.isNumber) && (Int(p) ?? 256) <= 255 }
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}
