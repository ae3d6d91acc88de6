import Common
import Glibc

/// `fleet rotate`: new per-host credentials pushed without a blip. The store changes first (a
/// new master secret and/or CA, the old ones honoured for a grace period), then every host gets
/// its new config with `deploy --reload` (SIGHUP, no restart). Meanwhile each host accepts its
/// previous token (`token.prev`) and, during a CA rotation, trusts both CAs; `fleet` tries the
/// new token first and trusts both CAs, so clients see neither AUTH nor TLS.
extension ExporterOrchestrator {
    struct RotateRequest {
        var tokens = false
        var certificates = false
        var authority = false
        var graceSecs: Double = 3600
        /// nil: the hosts of the applied service.
        var targets: [DeployTarget]?
        /// Applied over the spec's (or the defaults without a spec).
        var ssh: (SSHSettings) -> SSHSettings = { $0 }
        var remote: RemoteLayout?
        var parallel = 8
        var timeoutSeconds: Double = 300
        /// After storing a new CA, how long to wait before any host presents a certificate from
        /// it: running dashboards re-read the store about once a second (`CredentialRefresher`).
        var trustPropagationSecs = 2 * CredentialRefresher.checkIntervalSecs + 0.5
    }

    struct RotateOutcome {
        var notes: [String] = []
        var results: [HostJobResult] = []
        /// Issued hosts this rotation did not reach (they keep the old credentials).
        var leftBehind: [String] = []
    }

    func rotate(_ request: RotateRequest, sleep: (Double) -> Void = { usleep(UInt32(max(0, $0) * 1e6)) },
                progress: (Int) -> ProgressReporter) throws(OrchestrationError) -> RotateOutcome {
        do {
            return try store.withExclusiveLock { () throws -> RotateOutcome in
                var outcome = RotateOutcome()
                let now = Clock.wallSeconds()
                let graceEnds = now + request.graceSecs
                let plan = try store.update { entries throws -> (fsid: String, targets: [DeployTarget], ssh: SSHSettings, remote: RemoteLayout) in
                    guard var authority = try FleetStore.fleetAuthority(in: entries) else { throw NotPerHost(stateDir: store.stateDirectory) }
                    guard let fsid = entries[StoreKey.clusterFSID] else {
                        throw OrchestrationError.other("no host has per-host credentials yet (no cluster fsid in the store); `fleet apply` issues them")
                    }
                    let spec = try FleetStore.exporterSpec(in: entries)
                    guard let targets = request.targets ?? spec?.hosts, !targets.isEmpty else {
                        throw OrchestrationError.other("no hosts to rotate: the exporter service is not applied; give --hosts FILE")
                    }
                    if request.tokens {
                        try authority.rotateMasterSecret(graceEnds: graceEnds)
                        outcome.notes.append("New master token secret; the previous tokens are accepted until \(UTCDate.text(graceEnds))")
                    }
                    if request.authority {
                        try authority.rotateCA(graceEnds: graceEnds)
                        outcome.notes.append("New fleet CA; the previous CA is trusted until \(UTCDate.text(graceEnds))")
                    }
                    entries.setFleetAuthority(authority)
                    return (fsid, targets, request.ssh(spec?.ssh ?? SSHSettings()), request.remote ?? spec?.remote ?? RemoteLayout())
                }
                if request.authority {
                    // Running dashboards must trust the new CA before a host presents a certificate from it.
                    sleep(request.trustPropagationSecs)
                }
                let issued = try store.update { entries throws -> [HostCredentialIssuer.Issued] in
                    guard let authority = try FleetStore.fleetAuthority(in: entries) else { throw NotPerHost(stateDir: store.stateDirectory) }
                    let issued = try PerHostIssue.configs(for: plan.targets, authority: authority, fsid: plan.fsid, now: Clock.wallSeconds())
                    try entries.recordIssued(issued.map(\.record))
                    let reached = Set(issued.map(\.record.name))
                    outcome.leftBehind = try FleetStore.issuedHosts(in: entries).hosts.map(\.name).filter { !reached.contains($0) }
                    return issued
                }
                let runner = RoutingRunner(remote: remoteRunner(plan.ssh), local: localRunner)
                let jobs = zip(plan.targets, issued).map { target, one in
                    HostJob(target: target, action: .deploy,
                            argv: HostCommands.deploy(fsid: plan.fsid, target: target, layout: plan.remote, reload: true),
                            stdin: HostCommands.payload(one.config), runner: runner)
                }
                let reporter = progress(jobs.count)
                outcome.results = ParallelHostExecutor.run(jobs, parallel: request.parallel, timeoutSeconds: request.timeoutSeconds, progress: reporter)
                reporter.finish()
                return outcome
            }
        } catch {
            throw OrchestrationError.wrap(error)
        }
    }
}
