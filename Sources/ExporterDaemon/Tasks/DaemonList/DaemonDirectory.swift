/// A daemon found in the Ceph data directory.
struct DaemonDirectory: Equatable {
    enum Style: Equatable {
        /// `/var/lib/ceph/<type>/<cluster>-<id>`, a package-installed daemon.
        case legacy(cluster: String)
        /// `/var/lib/ceph/<fsid>/<type>.<id>`, deployed by cephadm.
        case cephadm(fsid: String)
    }

    var style: Style
    var type: String
    var id: String
    /// The directory, as a host path (below the root).
    var path: String

    var name: String { "\(type).\(id)" }

    /// The systemd unit cephadm and the packages give this daemon. The exporter's unit is not
    /// a template instance (spec 4.3).
    var systemdUnit: String {
        switch style {
        case .legacy: return "ceph-\(type)@\(id)"
        case .cephadm(let fsid):
            return type == "cephadm-exporter" ? "ceph-\(fsid)-cephadm-exporter.\(id)" : "ceph-\(fsid)@\(type).\(id)"
        }
    }
}

enum DaemonDirectoryScanner {
    static let legacyTypes: Set<String> = ["mon", "osd", "mds", "mgr"]

    /// The daemons under `dataDir`, in name order. Anything else found there is ignored:
    /// `bootstrap-*`, `crash`, `tmp`, and inside a cluster directory the `crash`, `removed` and
    /// `home` directories and the `cephadm.<hash>` copy (a file).
    static func scan(_ files: FileTree, dataDir: String) -> [DaemonDirectory] {
        var found: [DaemonDirectory] = []
        for top in files.list(dataDir) ?? [] {
            let topPath = "\(dataDir)/\(top)"
            if legacyTypes.contains(top) {
                for entry in files.list(topPath) ?? [] {
                    guard let dash = entry.firstIndex(of: "-"), files.isDirectory("\(topPath)/\(entry)") else { continue }
                    let cluster = String(entry[..<dash])
                    let id = String(entry[entry.index(after: dash)...])
                    guard !cluster.isEmpty, !id.isEmpty else { continue }
                    found.append(DaemonDirectory(style: .legacy(cluster: cluster), type: top, id: id, path: "\(topPath)/\(entry)"))
                }
            } else if isFSID(top) {
                for entry in files.list(topPath) ?? [] {
                    guard let dot = entry.firstIndex(of: "."), files.isDirectory("\(topPath)/\(entry)") else { continue }
                    let type = String(entry[..<dot])
                    let id = String(entry[entry.index(after: dot)...])
                    guard !type.isEmpty, !id.isEmpty else { continue }
                    found.append(DaemonDirectory(style: .cephadm(fsid: top), type: type, id: id, path: "\(topPath)/\(entry)"))
                }
            }
        }
        return found
    }

    /// A cluster fsid: a UUID in its 8-4-4-4-12 hexadecimal form.
    static func isFSID(_ text: String) -> Bool {
        let groups = text.split(separator: "-", omittingEmptySubsequences: false)
        guard groups.map(\.count) == [8, 4, 4, 4, 12] else { return false }
        return groups.allSatisfy { $0.allSatisfy(\.isHexDigit) }
    }

    /// The fsid of a legacy daemon: an OSD's `ceph_fsid` file, else `fsid` in the `[global]`
    /// section of `/etc/ceph/<cluster>.conf`.
    static func legacyFSID(_ daemon: DaemonDirectory, files: FileTree) -> String? {
        guard case .legacy(let cluster) = daemon.style else { return nil }
        if daemon.type == "osd", let fsid = files.readTrimmed("\(daemon.path)/ceph_fsid"), !fsid.isEmpty {
            return fsid
        }
        return files.readText("/etc/ceph/\(cluster).conf").flatMap { CephConf.globalValue("fsid", in: $0) }
    }
}

/// Just enough of ceph.conf's INI syntax to read one `[global]` value.
enum CephConf {
    static func globalValue(_ key: String, in text: String) -> String? {
        var section = ""
        let wanted = normalized(key)
        for rawLine in text.split(separator: "\n") {
            let line = rawLine.trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") && line.hasSuffix("]") {
                section = line.dropFirst().dropLast().trimmingWhitespace()
                continue
            }
            guard section == "global", let eq = line.firstIndex(of: "=") else { continue }
            if normalized(String(line[..<eq])) == wanted {
                let value = line[line.index(after: eq)...].trimmingWhitespace()
                return value.isEmpty ? nil : value
            }
        }
        return nil
    }

    /// Ceph treats spaces, dashes and underscores in option names alike.
    private static func normalized(_ key: String) -> String {
        String(key.trimmingWhitespace().map { $0 == " " || $0 == "-" ? "_" : $0 })
    }
}
