import Common

/// Everything the dashboard knows about one host.
struct HostRecord: Sendable {
    var sample: HostSample?
    /// The last decoded metadata, kept while later polls fail so the detail view still has facts.
    var detail: HostDetail?
    var latency = LatencyWindow()
    /// Oldest task data at each of the last 60 polls (exporter clock; gaps where none decoded).
    var ageHistory = SeriesRing()
    /// What the event derivation compares the next poll with.
    var observation = HostObservation()
    var flaps = FlapHistory()
    /// Flapping as of this host's last poll (see `FlapRule`).
    var isFlapping = false
    /// Polls in a row that produced no usable metadata (DOWN, AUTH, TLS, BAD).
    var consecutiveFailures = 0
    var lastError: String?
    var lastErrorAt: Double?
    /// Local time of the last poll that produced usable metadata (OK or DEGRADED).
    var lastSuccessAt: Double?
    var polls = 0

    var status: HostStatus { sample?.status ?? .pending }
}

struct StatusTotals: Sendable, Equatable {
    private var counts = [Int](repeating: 0, count: HostStatus.allCases.count)

    subscript(status: HostStatus) -> Int {
        get { counts[status.rawValue] }
        set { counts[status.rawValue] = newValue }
    }

    var total: Int { counts.reduce(0, +) }
}

struct SweepStats: Sendable, Equatable {
    /// From the first request sent to the last response received, for the last full sweep.
    var lastDurationSecs: Double?
    /// Polls folded during the last full sweep divided by its duration.
    var pollsPerSec: Double?
    /// Local time of the last response of the last full sweep.
    var lastCompletedAt: Double?
    var completedSweeps = 0
    /// Results folded in the completed sweeps (`fleet check --sweeps` reports polls/s from it).
    var polledInCompletedSweeps = 0
}

/// The dashboard's model: the inventory plus what the polls said. Folding is O(1) per result;
/// totals are kept up to date instead of recounted for every frame.
struct FleetState: Sendable {
    var title: String
    var thresholds: Thresholds
    /// The tasks the exporters run (what a body must hold, and the task columns).
    let catalog: TaskCatalog
    /// Fixed for a host list; a Prometheus job's targets can grow (`appendHost`).
    private(set) var hosts: [HostEntry]
    /// The exporter port used when an entry gives none (shown in addresses).
    let defaultPort: Int?
    private(set) var records: [HostRecord]
    private(set) var totals = StatusTotals()
    private(set) var sweep = SweepStats()
    /// Bumped on every fold, so views can cache work derived from the state.
    private(set) var generation = 0
    private(set) var fsidCounts: [String: Int] = [:]
    let flapRule: FlapRule
    /// The newest events of the whole fleet.
    private(set) var events: EventRing
    /// Status counts at the end of each of the last 60 sweeps.
    private(set) var sweepHistory = SweepHistory()
    /// Hosts flapping as of their last poll.
    private(set) var flappingCount = 0
    /// Bumped when a host's shown name changes (its facts reported a new hostname), so views
    /// rebuild their name caches only then.
    private(set) var nameGeneration = 0

    private var sweepTracker: SweepTracker

    init(hosts: [HostEntry], defaultPort: Int? = nil, title: String = "fleet", thresholds: Thresholds = Thresholds(),
         flapRule: FlapRule = FlapRule(), eventCapacity: Int = EventRing.defaultCapacity,
         catalog: TaskCatalog = .standard)
    {
        self.hosts = hosts
        self.catalog = catalog
        self.defaultPort = defaultPort
        self.title = title
        self.thresholds = thresholds
        self.flapRule = flapRule
        self.events = EventRing(capacity: eventCapacity)
        self.records = Array(repeating: HostRecord(), count: hosts.count)
        self.sweepTracker = SweepTracker(hosts: hosts.count)
        totals[.pending] = hosts.count
    }

    func status(of index: Int) -> HostStatus { records[index].status }

    /// A host that appeared after the start (a new target of the Prometheus job): WAIT until its
    /// first sample; its index is the old host count.
    @discardableResult
    mutating func appendHost(_ entry: HostEntry) -> Int {
        hosts.append(entry)
        records.append(HostRecord())
        sweepTracker.appendHost()
        totals[.pending] += 1
        generation &+= 1
        nameGeneration &+= 1
        return hosts.count - 1
    }

    /// The name shown for a host: the orch inventory's `hostname`, else the `hostname` its
    /// exporter's facts report once known, else the host list entry.
    func name(of i: Int) -> String {
        let entry = hosts[i]
        if !entry.nameFromInventory, let name = records[i].detail?.hostname,
           name.contains(where: { !$0.isWhitespace })
        {
            return name
        }
        return entry.displayName
    }

    /// `address:port` of a host.
    func endpoint(of i: Int) -> String { hosts[i].endpoint(defaultPort: defaultPort) }

    /// The fsid the host's cephadm daemons belong to, once its daemon list was decoded.
    func fsid(of i: Int) -> String? { records[i].detail?.fsid }

    /// The fsid most hosts report, and whether every reporting host agrees on it.
    var fleetFsid: (fsid: String, unanimous: Bool)? {
        guard let top = fsidCounts.max(by: { a, b in a.value != b.value ? a.value < b.value : a.key > b.key })
        else { return nil }
        return (top.key, fsidCounts.count == 1)
    }

    /// Classifies and folds one poll result; false (and no change) for an unknown host index.
    /// `depth` `.full` also decodes what the detail view shows (the dashboard asks for it only
    /// for the host whose detail is open).
    @discardableResult
    mutating func fold(_ result: PollResult, depth: DetailDepth = .summary) -> Bool {
        guard records.indices.contains(result.hostIndex) else { return false }
        fold(HostClassifier.classify(result, thresholds: thresholds, catalog: catalog, depth: depth), hostIndex: result.hostIndex)
        return true
    }

    mutating func fold(_ classification: Classification, hostIndex i: Int) {
        guard records.indices.contains(i) else { return }
        let sample = classification.sample
        // Moved out, not copied: a copy would share the record's ring buffers with the array,
        // and each append below would then copy them (two allocations a poll).
        var record = HostRecord()
        swap(&record, &records[i])

        totals[record.status] -= 1
        totals[sample.status] += 1
        if let detail = classification.detail {
            updateFsid(from: record.detail?.fsid, to: detail.fsid)
            if detail.hostname != record.detail?.hostname { nameGeneration &+= 1 }
            record.detail = detail
        }
        record.sample = sample
        record.polls += 1
        if sample.httpStatus != nil { record.latency.add(sample.latencySecs) } else { record.latency.addGap() }
        record.ageHistory.append(sample.maxAgeSecs)
        noteEvents(&record, host: i, classification)
        if sample.status.gotMetadata {
            record.consecutiveFailures = 0
            record.lastSuccessAt = sample.receivedAt
        } else {
            record.consecutiveFailures += 1
        }
        if let error = sample.error {
            record.lastError = error
            record.lastErrorAt = sample.receivedAt
        }
        records[i] = record
        generation &+= 1
        trackSweep(host: i, sample: sample)
    }

    /// Derives this poll's event, counts status changes for flapping, and keeps the event.
    private mutating func noteEvents(_ record: inout HostRecord, host i: Int, _ classification: Classification) {
        let sample = classification.sample
        let input = EventDerivation.Input(host: i, sample: sample,
                                          exporterStartedAt: classification.detail?.exporterStartedEpochSecs)
        let (observation, derived) = EventDerivation.step(record.observation, input)
        record.observation = observation
        var event = derived
        if let e = event, e.kind == .status, e.from != .pending {
            record.flaps.recordChange(at: e.time, rule: flapRule)
        }
        let wasFlapping = record.isFlapping
        record.isFlapping = record.flaps.isFlapping(at: sample.receivedAt, rule: flapRule)
        if record.isFlapping != wasFlapping {
            flappingCount += record.isFlapping ? 1 : -1
            if record.isFlapping, let e = event {
                let n = record.flaps.changes(before: sample.receivedAt, rule: flapRule)
                event = FleetEvent(time: e.time, host: e.host, from: e.from, to: e.to, kind: e.kind,
                                   cause: e.cause + "; flapping (\(n) changes in \(DurationText.age(flapRule.windowSecs)))")
            }
        }
        if let event { events.append(event) }
    }

    private mutating func updateFsid(from old: String?, to new: String?) {
        guard old != new else { return }
        if let old, let n = fsidCounts[old] { fsidCounts[old] = n > 1 ? n - 1 : nil }
        if let new { fsidCounts[new, default: 0] += 1 }
    }

    /// A sweep ends when every host has a result since the last one, except hosts that were
    /// unreachable when it began (`SweepTracker`).
    private mutating func trackSweep(host i: Int, sample: HostSample) {
        guard let done = sweepTracker.record(host: i, startedAt: sample.startedAt, receivedAt: sample.receivedAt,
                                             answered: sample.httpStatus != nil) else { return }
        sweep.lastDurationSecs = done.durationSecs
        sweep.pollsPerSec = done.durationSecs > 0 ? Double(done.polls) / done.durationSecs : nil
        sweep.lastCompletedAt = done.endedAt
        sweep.completedSweeps += 1
        sweep.polledInCompletedSweeps += done.polls
        sweepHistory.append(totals)
    }
}
