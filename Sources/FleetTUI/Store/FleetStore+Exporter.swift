import Common

/// Typed access to the exporter's keys. The dashboard uses `exporterConfig()`.
extension FleetStore {
    /// The stored exporter config, validated with the same rules as `fleet config set`; nil when
    /// none is stored.
    public func exporterConfig() throws(FleetStoreError) -> ExporterConfig? {
        try Self.exporterConfig(in: entries())
    }

    public func exporterEnabled() throws(FleetStoreError) -> Bool {
        try entries()[StoreKey.exporterEnabled] == "true"
    }

    public func clusterFSID() throws(FleetStoreError) -> String? {
        try entries()[StoreKey.clusterFSID]
    }

    static func exporterConfig(in entries: StoreEntries) throws(FleetStoreError) -> ExporterConfig? {
        guard let text = entries[StoreKey.exporterConfig] else { return nil }
        do {
            return try ExporterConfig.parse(text: text, source: StoreKey.exporterConfig)
        } catch {
            throw .invalidValue(key: StoreKey.exporterConfig, reason: error.description)
        }
    }
}

extension StoreEntries {
    /// Refuses a config change while the service is applied (Pacific's guard).
    public func ensureNoActiveService() throws(FleetStoreError) {
        if self[StoreKey.exporterSpec] != nil { throw .activeService }
    }

    /// Stores a config (shared mode: it replaces per-host mode's CA and secret) and marks the
    /// exporter enabled.
    public mutating func setExporterConfig(_ config: ExporterConfig) {
        self[StoreKey.exporterPerHost] = nil
        self[StoreKey.exporterIssued] = nil
        self[StoreKey.exporterConfig] = JSONWriter.compactString(config.json)
        self[StoreKey.exporterEnabled] = "true"
    }

    /// Removes the config and the enabled flag (`fleet config clear`, and the purge after `fleet rm`),
    /// per-host mode's CA, secret and list of issued hosts included.
    public mutating func clearExporterConfig() {
        self[StoreKey.exporterConfig] = nil
        self[StoreKey.exporterPerHost] = nil
        self[StoreKey.exporterIssued] = nil
        self[StoreKey.exporterEnabled] = nil
    }
}
