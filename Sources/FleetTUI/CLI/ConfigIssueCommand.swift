import Common
import Glibc

/// `fleet config issue`: per-host configs written to files, for hosts `fleet apply` does not
/// reach (deployed by hand with `cephadm-exporter deploy --config-json FILE`), or for a
/// simulated fleet (`cephadm-exporter simulate --credentials-dir DIR`).
extension ConfigCommand {
    static let issueOptions: [OptionSpec] = [
        .value("--host", name: "NAME", help: "the host's name: its certificate names it and its token is derived from it"),
        .value("--addr", name: "ADDR", help: "another address or name the certificate covers; repeatable"),
        .value("--output", "-o", name: "FILE", help: "where --host's config is written (mode 0600)"),
        .value("--hosts", name: "FILE", help: "issue every host of a host list (one host per line, or `ceph orch host ls --format json`: hostname and addr)"),
        .value("--output-dir", name: "DIR", help: "with --hosts: write DIR/NAME.json for each host (DIR is created 0700)"),
        .value("--fsid", name: "FSID", help: "cluster fsid, when the store has none yet", defaultHelp: "the stored one, else a new one"),
        StoreOption.spec,
        .flag("--help", "-h", help: "show this help"),
    ]

    /// One host to issue: its name and the other names or addresses it is reached by.
    struct IssueRequest: Equatable {
        let name: String
        let addresses: [String]
    }

    static func issue(_ args: [String], io: CommandIO) -> Int32 {
        storeCommand(
            "issue", args, io: io, options: issueOptions,
            usage: "fleet config issue --host NAME [--addr ADDR]... --output FILE [--state-dir DIR]\n       fleet config issue --hosts FILE --output-dir DIR [--state-dir DIR]",
            summary: """
                Per-host mode: write a host's own exporter config {"crt", "key", "token", "port", "ca"}: a new key,
                a certificate from the fleet CA with the host's name and addresses as subjectAltNames, the token
                derived for this host (HMAC-SHA256 of the master secret, the fsid and the name), the port, the CA
                certificate, and "require_client_cert" under mutual TLS. The store records which hosts were issued
                (fleet config get lists them). Deploy it with `cephadm-exporter deploy --config-json FILE`.
                """,
            check: { parsed throws(UsageError) -> [IssueRequest] in
                if let fsid = parsed.string("--fsid"), let p = DaemonIdentity.problem(fsid: fsid) { throw UsageError(p) }
                switch (parsed.string("--host"), parsed.string("--hosts")) {
                case (let host?, nil):
                    guard parsed.string("--output") != nil else { throw UsageError("--host needs --output FILE (the config holds a private key)") }
                    if parsed.string("--output-dir") != nil { throw UsageError("--output-dir goes with --hosts, --output with --host") }
                    return [IssueRequest(name: host, addresses: parsed.strings("--addr"))]
                case (nil, let list?):
                    guard parsed.string("--output-dir") != nil else { throw UsageError("--hosts needs --output-dir DIR") }
                    if !parsed.strings("--addr").isEmpty { throw UsageError("--addr goes with --host; a host list gives each host's address") }
                    return try issueRequests(fromHostList: list)
                case (nil, nil): throw UsageError("give --host NAME --output FILE, or --hosts FILE --output-dir DIR")
                case (.some, .some): throw UsageError("give either --host or --hosts, not both")
                }
            },
            action: { store, parsed, requests in
                let now = Clock.wallSeconds()
                let issued = try store.update { entries throws -> [HostCredentialIssuer.Issued] in
                    guard let authority = try FleetStore.fleetAuthority(in: entries) else { throw NotPerHost(stateDir: store.stateDirectory) }
                    let fsid = try entries.ensureClusterFSID(given: parsed.string("--fsid"))
                    let issuer = HostCredentialIssuer(authority: authority, fsid: fsid, now: now)
                    let issued = try requests.map { r throws in try issuer.issue(name: r.name, addresses: r.addresses) }
                    try entries.recordIssued(issued.map(\.record))
                    return issued
                }
                if let output = parsed.string("--output"), let one = issued.first {
                    try AtomicFile.write(one.config.prettyJSON, to: output, mode: 0o600)
                    io.out("Issued credentials for \(one.record.name) (\(([one.record.name] + one.record.addresses).joined(separator: ", ")), "
                        + "valid until \(UTCDate.text(one.record.notAfterEpochSecs))); wrote \(output) (mode 0600)")
                    return
                }
                let dir = try parsed.required("--output-dir")
                if mkdir(dir, 0o700) != 0 && errno != EEXIST {
                    throw FileOperationError(operation: "create", path: dir, errnoCode: errno)
                }
                for one in issued {
                    try AtomicFile.write(one.config.prettyJSON, to: PathText.join(dir, one.record.name + ".json"), mode: 0o600)
                }
                io.out("Issued credentials for \(issued.count) host\(issued.count == 1 ? "" : "s"); wrote \(dir)/NAME.json for each (mode 0600)")
            })
    }

    /// The hosts of a host list: a name (or address) per line, or orch JSON's hostname and addr.
    static func issueRequests(fromHostList path: String) throws(UsageError) -> [IssueRequest] {
        let text: String
        do { text = try FileReader.readText(path) } catch { throw UsageError("--hosts: cannot read \(error)") }
        let inventory = InventoryParser.parse(text, defaultPort: nil)
        let problems = inventory.problems.map { inventory.describe($0, source: path) }
        guard problems.isEmpty else { throw UsageError((["--hosts: the host list has problems; nothing was issued:"] + problems).joined(separator: "\n")) }
        guard !inventory.hosts.isEmpty else { throw UsageError("--hosts: \(path) lists no host") }
        return inventory.hosts.map { h in
            IssueRequest(name: h.displayName, addresses: h.address == h.displayName ? [] : [h.address])
        }
    }
}

/// `issue` (or a per-host operation) on a store without per-host mode.
struct NotPerHost: Error, CustomStringConvertible {
    let stateDir: String
    var description: String {
        "the store in \(stateDir) is not in per-host mode; create the fleet CA first with `fleet config generate --per-host`"
    }
}
