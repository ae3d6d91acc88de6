/// Keys of the fleet's KV store: the same names Pacific keeps in the monitor's config-key
/// store, so operators can map one onto the other.
public enum StoreKey {
    /// JSON `{"crt", "key", "token", "port"}` (see `ExporterConfig`).
    public static let exporterConfig = "mgr/cephadm/exporter_config"
    /// `true` while a config is stored for deployment; `fleet apply` refuses to deploy a config
    /// without it (Pacific wrote this flag and never read it: Q16).
    public static let exporterEnabled = "mgr/cephadm/exporter_enabled"
    /// The applied service (`ExporterServiceSpec`). While it exists the config is frozen.
    public static let exporterSpec = "mgr/cephadm/spec.cephadm-exporter"
    /// Per-host mode (`fleet config generate --per-host`): the fleet CA and the master token
    /// secret, JSON (`FleetAuthority`). Present instead of `exporterConfig`.
    public static let exporterPerHost = "mgr/cephadm/exporter_per_host"
    /// Per-host mode: the hosts credentials were issued to, JSON (`IssuedHosts`); no secrets.
    public static let exporterIssued = "mgr/cephadm/exporter_issued"
    /// The cluster fsid created by `fleet bootstrap` (or the first `fleet apply`).
    public static let clusterFSID = "fsid"
}
