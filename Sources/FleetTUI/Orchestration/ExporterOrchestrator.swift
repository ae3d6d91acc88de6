import Common

/// `fleet apply` and `fleet rm`: the store side (config, fsid, spec) around a parallel run of
/// host commands. The store's lock is held for the whole run, so two fleet processes cannot
/// apply and remove at the same time.
struct ExporterOrchestrator {
    let store: FleetStore
    /// Builds the runner for remote hosts from the ssh settings (tests pass a fake).
    let remoteRunner: @Sendable (SSHSettings) -> any HostCommandRunner
    var localRunner: any HostCommandRunner = LocalRunner()

    struct ApplyRequest {
        var targets: [DeployTarget]
        var fsid: String?
        var ssh: SSHSettings
        var remote: RemoteLayout
        var keyType: KeyType = .ec
        var parallel: Int = 8
        var timeoutSeconds: Double = 300
    }

    struct ApplyOutcome {
        var notes: [String] = []
        var results: [HostJobResult] = []
        var fsid = ""
    }

    /// Records the spec, then deploys to every target and removes the daemons of hosts that
    /// were in the previous spec but are not in this one. Hosts whose removal fails stay in the
    /// spec, so a later apply or `fleet rm` reaches them again.
    func apply(_ request: ApplyRequest, progress: (Int) -> ProgressReporter) throws(OrchestrationError) -> ApplyOutcome {
        do {
            return try store.withExclusiveLock { () throws -> ApplyOutcome in
                var outcome = ApplyOutcome()
                let plan = try store.update { entries throws -> (payloads: [[UInt8]], fsid: String, dropped: [DeployTarget], old: ExporterServiceSpec?) in
                    let fsid = try Self.resolveFSID(stored: entries[StoreKey.clusterFSID], given: request.fsid)
                    if entries[StoreKey.clusterFSID] == nil {
                        outcome.notes.append("Cluster fsid: \(fsid)")
                    }
                    entries[StoreKey.clusterFSID] = fsid
                    let payloads: [[UInt8]]
                    if let authority = try FleetStore.fleetAuthority(in: entries) {
                        guard entries[StoreKey.exporterEnabled] == "true" else {
                            throw OrchestrationError.exporterDisabled(stateDir: store.stateDirectory)
                        }
                        // Per-host mode: each host its own key, certificate and token.
                        let issued = try PerHostIssue.configs(for: request.targets, authority: authority, fsid: fsid, now: Clock.wallSeconds())
                        try entries.recordIssued(issued.map(\.record))
                        payloads = issued.map { HostCommands.payload($0.config) }
                        outcome.notes.append("Per-host mode: issued \(issued.count) host certificate\(issued.count == 1 ? "" : "s") and token\(issued.count == 1 ? "" : "s") from the fleet CA")
                    } else {
                        payloads = Array(repeating: HostCommands.payload(try sharedConfig(&entries, request, &outcome)), count: request.targets.count)
                    }
                    let old = try FleetStore.exporterSpec(in: entries)
                    let deployedBefore = old?.deployedHosts ?? []
                    let dropped = (old?.hosts ?? []).filter { h in
                        !request.targets.contains { $0.name == h.name } && deployedBefore.contains(h.name)
                    }
                    entries.setExporterSpec(ExporterServiceSpec(
                        fsid: fsid, hosts: request.targets + dropped, ssh: request.ssh, remote: request.remote,
                        deployedHosts: deployedBefore.filter { name in request.targets.contains { $0.name == name } || dropped.contains { $0.name == name } }))
                    return (payloads, fsid, dropped, old)
                }
                outcome.fsid = plan.fsid

                let deployRunner = RoutingRunner(remote: remoteRunner(request.ssh), local: localRunner)
                var jobs = zip(request.targets, plan.payloads).map { target, payload in
                    HostJob(target: target, action: .deploy,
                            argv: HostCommands.deploy(fsid: plan.fsid, target: target, layout: request.remote),
                            stdin: payload, runner: deployRunner)
                }
                if let old = plan.old, !plan.dropped.isEmpty {
                    let removeRunner = RoutingRunner(remote: remoteRunner(old.ssh), local: localRunner)
                    jobs += plan.dropped.map { target in
                        HostJob(target: target, action: .remove,
                                argv: HostCommands.remove(fsid: old.fsid, target: target, layout: old.remote),
                                stdin: [], runner: removeRunner)
                    }
                }
                let reporter = progress(jobs.count)
                outcome.results = ParallelHostExecutor.run(jobs, parallel: request.parallel, timeoutSeconds: request.timeoutSeconds, progress: reporter)
                reporter.finish()

                let removedNames = Set(outcome.results.filter { $0.action == .remove && $0.succeeded }.map(\.target.name))
                let deployedNames = outcome.results.filter { $0.action == .deploy && $0.succeeded }.map(\.target.name)
                try store.update { entries in
                    guard var spec = try FleetStore.exporterSpec(in: entries) else { return }
                    spec.hosts.removeAll { removedNames.contains($0.name) }
                    spec.deployedHosts.removeAll { removedNames.contains($0) }
                    for name in deployedNames where !spec.deployedHosts.contains(name) { spec.deployedHosts.append(name) }
                    entries.setExporterSpec(spec)
                }
                return outcome
            }
        } catch {
            throw OrchestrationError.wrap(error)
        }
    }

    struct RemoveOutcome {
        var applied = true
        var results: [HostJobResult] = []
        var purged = false
    }

    /// Removes the exporter from every host in the spec; once none is left (or with `force`),
    /// purges the config, the enabled flag and the spec, so a later apply makes a new
    /// certificate and token.
    func remove(
        sshOverride: (SSHSettings) -> SSHSettings,
        parallel: Int, timeoutSeconds: Double, force: Bool,
        progress: (Int) -> ProgressReporter
    ) throws(OrchestrationError) -> RemoveOutcome {
        do {
            return try store.withExclusiveLock { () throws -> RemoveOutcome in
                var outcome = RemoveOutcome()
                guard let spec = try store.exporterSpec() else {
                    outcome.applied = false
                    return outcome
                }
                let runner = RoutingRunner(remote: remoteRunner(sshOverride(spec.ssh)), local: localRunner)
                let jobs = spec.hosts.map { target in
                    HostJob(target: target, action: .remove,
                            argv: HostCommands.remove(fsid: spec.fsid, target: target, layout: spec.remote),
                            stdin: [], runner: runner)
                }
                let reporter = progress(jobs.count)
                outcome.results = ParallelHostExecutor.run(jobs, parallel: parallel, timeoutSeconds: timeoutSeconds, progress: reporter)
                reporter.finish()

                let failedNames = Set(outcome.results.filter { !$0.succeeded }.map(\.target.name))
                try store.update { entries in
                    if failedNames.isEmpty || force {
                        entries.clearExporterConfig()
                        entries.setExporterSpec(nil)
                        outcome.purged = true
                    } else {
                        var remaining = spec
                        remaining.hosts = spec.hosts.filter { failedNames.contains($0.name) }
                        entries.setExporterSpec(remaining)
                    }
                }
                return outcome
            }
        } catch {
            throw OrchestrationError.wrap(error)
        }
    }

    /// Shared mode's one config: the stored one, or a new self-signed one when none is stored.
    private func sharedConfig(_ entries: inout StoreEntries, _ request: ApplyRequest, _ outcome: inout ApplyOutcome) throws -> ExporterConfig {
        if let stored = try FleetStore.exporterConfig(in: entries) {
            guard entries[StoreKey.exporterEnabled] == "true" else {
                throw OrchestrationError.exporterDisabled(stateDir: store.stateDirectory)
            }
            return stored
        }
        let config = try ExporterConfig.generate(keyType: request.keyType)
        entries.setExporterConfig(config)
        outcome.notes.append("No exporter config was stored: generated a self-signed \(request.keyType == .ec ? "EC P-256" : "RSA-2048") certificate and a token, port \(config.port) (`fleet config get` shows them)")
        return config
    }

    static func resolveFSID(stored: String?, given: String?) throws -> String {
        if let stored {
            if let given, given != stored { throw OrchestrationError.fsidMismatch(stored: stored, given: given) }
            return stored
        }
        if let given { return given }
        return try ClusterFSID.generate()
    }
}
