import Common
/// What the container engine knows about one daemon's container.
struct ContainerDetails: Equatable {
    var id: String
    var imageName: String
    var imageID: String
    /// Creation time in cephadm's UTC form (`started` in `cephadm ls`).
    var started: String?
    /// The `io.ceph.version` label of the image, when it looks like a version.
    var version: String?
}

/// Commands for podman or docker and parsers for their output. Each query covers all daemons
/// at once, so a scrape costs three engine calls however many daemons the host runs.
enum ContainerEngineQueries {
    /// Container names cephadm used: `ceph-<fsid>-<type>-<id>` with dots turned into dashes
    /// (current) and `ceph-<fsid>-<type>.<id>` (older releases).
    static func containerNames(fsid: String, daemon: DaemonDirectory) -> [String] {
        let dotted = "ceph-\(fsid)-\(daemon.name)"
        let dashed = String(dotted.map { $0 == "." ? "-" : $0 })
        return dashed == dotted ? [dotted] : [dashed, dotted]
    }

    static let inspectFormat = "{{.Name}},{{.Id}},{{.Config.Image}},{{.Image}},{{.Created}},{{index .Config.Labels \"io.ceph.version\"}}"

    static func inspectArgv(engine: String, names: [String]) -> [String] {
        [engine, "container", "inspect", "--format", inspectFormat] + names
    }

    /// One line per container found (the engine reports missing names on stderr), keyed by
    /// container name without docker's leading `/`.
    static func parseInspect(_ output: String) -> [String: ContainerDetails] {
        var result: [String: ContainerDetails] = [:]
        for line in output.split(separator: "\n") {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingWhitespace() }
            guard fields.count >= 6, !fields[0].isEmpty, !fields[1].isEmpty else { continue }
            let name = fields[0].hasPrefix("/") ? String(fields[0].dropFirst()) : fields[0]
            let label = fields[5...].joined(separator: ",")
            result[name] = ContainerDetails(
                id: fields[1],
                imageName: fields[2],
                imageID: normalizeID(fields[3]),
                started: UTCTimestamp.fromContainerTime(fields[4]),
                version: label.contains(".") && label != "<no value>" ? label : nil)
        }
        return result
    }

    static func imageInspectArgv(engine: String, imageIDs: [String]) -> [String] {
        [engine, "image", "inspect", "--format", "{{.Id}},{{.RepoDigests}}"] + imageIDs
    }

    /// `<id>,[repo@sha256:... repo2@sha256:...]` per image -> image id to digests.
    static func parseImageDigests(_ output: String) -> [String: [String]] {
        var result: [String: [String]] = [:]
        for line in output.split(separator: "\n") {
            guard let comma = line.firstIndex(of: ",") else { continue }
            let id = normalizeID(line[..<comma].trimmingWhitespace())
            var list = line[line.index(after: comma)...].trimmingWhitespace()
            if list.hasPrefix("[") && list.hasSuffix("]") { list = String(list.dropFirst().dropLast()) }
            var digests: [String] = []
            for digest in list.split(separator: " ") where !digest.isEmpty {
                let normalized = normalizeDigest(String(digest))
                if !digests.contains(normalized) { digests.append(normalized) }
            }
            result[id] = digests
        }
        return result
    }

    /// One `stats` call for memory and CPU (cephadm runs it twice, once for each).
    static func statsArgv(engine: String) -> [String] {
        [engine, "stats", "--format", "{{.ID}},{{.MemUsage}},{{.CPUPerc}}", "--no-stream"]
    }

    /// `<short id>,<used> / <limit>,<cpu>%` per running container -> short id to the CPU
    /// percentage as the engine prints it (`0.52%`), which is what cephadm reports.
    static func parseCPUPercentage(_ output: String) -> [String: String] {
        var result: [String: String] = [:]
        for line in output.split(separator: "\n") {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingWhitespace() }
            guard fields.count >= 3, !fields[0].isEmpty, let cpu = fields.last, !cpu.isEmpty else { continue }
            result[fields[0]] = cpu
        }
        return result
    }

    /// `<short id>,<used> / <limit>[,...]` per running container -> short id to bytes used.
    static func parseMemoryUsage(_ output: String) -> [String: Int] {
        var result: [String: Int] = [:]
        for line in output.split(separator: "\n") {
            let fields = line.split(separator: ",", maxSplits: 1).map { $0.trimmingWhitespace() }
            guard fields.count == 2, !fields[0].isEmpty,
                  let used = fields[1].split(separator: "/").first.map({ $0.trimmingWhitespace() }),
                  let bytes = bytes(fromUnits: used) else { continue }
            result[fields[0]] = bytes
        }
        return result
    }

    /// A container's value in a `stats` table, looked up by the short id `stats` prints.
    static func statsValue<Value>(containerID: String, in table: [String: Value]) -> Value? {
        for (shortID, value) in table where containerID.hasPrefix(shortID) { return value }
        return nil
    }

    /// `380.4MB`, `1.5GiB`, `512kB`, `100B` -> bytes. Like cephadm, K/M/G/T are powers of
    /// 1024 whether or not the engine wrote the `i`.
    static func bytes(fromUnits text: String) -> Int? {
        var value = Substring(text)
        if value.hasSuffix("iB") { value = value.dropLast(2) } else if value.hasSuffix("B") { value = value.dropLast() }
        var multiplier = 1.0
        if let last = value.last {
            switch last {
            case "k", "K": multiplier = 1024
            case "m", "M": multiplier = 1024 * 1024
            case "g", "G": multiplier = 1024 * 1024 * 1024
            case "t", "T": multiplier = 1024 * 1024 * 1024 * 1024
            default: break
            }
            if multiplier > 1 { value = value.dropLast() }
        }
        // A container engine's text is outside data: "inf" parses as a Double too.
        guard let number = Double(value.trimmingWhitespace()), number >= 0, (number * multiplier).isFinite else { return nil }
        return Int(saturating: number * multiplier)
    }

    /// Docker prefixes image ids with the digest algorithm; podman does not.
    static func normalizeID(_ id: String) -> String {
        id.hasPrefix("sha256:") ? String(id.dropFirst("sha256:".count)) : id
    }

    /// A repo digest without a registry host (`ceph/ceph@sha256:...`) is on docker.io.
    static func normalizeDigest(_ digest: String) -> String {
        let parts = digest.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count >= 3 { return digest }
        if parts.count == 2, let host = parts.first, host.contains(".") || host.contains(":") || host == "localhost" {
            return digest
        }
        return "docker.io/" + digest
    }
}
