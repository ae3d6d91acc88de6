import Common

/// Reading and writing per-host mode's keys. The store itself knows keys and strings.
extension FleetStore {
    func fleetAuthority() throws(FleetStoreError) -> FleetAuthority? {
        try Self.fleetAuthority(in: entries())
    }

    static func fleetAuthority(in entries: StoreEntries) throws(FleetStoreError) -> FleetAuthority? {
        guard let text = entries[StoreKey.exporterPerHost] else { return nil }
        switch FleetAuthority.decode(text) {
        case .success(let a): return a
        case .failure(let e): throw .invalidValue(key: StoreKey.exporterPerHost, reason: e.description)
        }
    }

    static func issuedHosts(in entries: StoreEntries) throws(FleetStoreError) -> IssuedHosts {
        guard let text = entries[StoreKey.exporterIssued] else { return IssuedHosts() }
        guard let hosts = IssuedHosts.decode(text) else {
            throw .invalidValue(key: StoreKey.exporterIssued, reason: "not a JSON list of issued hosts")
        }
        return hosts
    }
}

extension StoreEntries {
    /// Stores per-host mode's authority (replacing a shared config) and marks the exporter enabled.
    mutating func setFleetAuthority(_ authority: FleetAuthority) {
        self[StoreKey.exporterPerHost] = JSONWriter.compactString(authority.json)
        self[StoreKey.exporterConfig] = nil
        self[StoreKey.exporterEnabled] = "true"
    }

    mutating func setIssuedHosts(_ hosts: IssuedHosts) {
        self[StoreKey.exporterIssued] = JSONWriter.compactString(hosts.json)
    }

    /// Records the hosts just issued credentials.
    mutating func recordIssued(_ records: [IssuedHost]) throws(FleetStoreError) {
        var hosts = try FleetStore.issuedHosts(in: self)
        for r in records { hosts.record(r) }
        setIssuedHosts(hosts)
    }

    /// The cluster fsid, created (and stored) when there is none yet: per-host tokens are
    /// derived from it, so it must not change afterwards.
    mutating func ensureClusterFSID(given: String? = nil) throws -> String {
        if let stored = self[StoreKey.clusterFSID] {
            if let given, given != stored { throw OrchestrationError.fsidMismatch(stored: stored, given: given) }
            return stored
        }
        let fsid = try given ?? ClusterFSID.generate()
        self[StoreKey.clusterFSID] = fsid
        return fsid
    }
}
