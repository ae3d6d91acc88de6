import Common

/// A classified poll: the sample that drives the table, and the compact detail (when the body
/// decoded) that the detail view shows.
struct Classification: Sendable {
    let sample: HostSample
    let detail: HostDetail?
}

/// Turns one `PollResult` into a status. Pure: the same result and thresholds give the same sample.
/// The verdict does not depend on `depth`: a summary skims the body (`MetadataDocument.summarize`,
/// which refuses and accepts exactly what `decode` does), a full classification decodes it all
/// for the detail view.
enum HostClassifier {
    static func classify(_ result: PollResult, thresholds: Thresholds, catalog: TaskCatalog = .standard,
                         depth: DetailDepth = .summary) -> Classification
    {
        switch result.outcome {
        case .failed(let failure):
            return Classification(sample: sample(result, failureStatus(failure), error: failureText(failure)),
                                  detail: nil)
        case .response(let status, let dateHeader, let body):
            return classifyResponse(result, status: status, dateHeader: dateHeader, body: body, thresholds: thresholds,
                                    catalog: catalog, depth: depth)
        }
    }

    static func failureStatus(_ failure: PollFailure) -> HostStatus {
        switch failure {
        case .refused, .timeout, .io, .resolve, .closedDuringHandshake: return .down
        case .tls: return .tls
        case .protocolError: return .bad
        }
    }

    static func failureText(_ failure: PollFailure) -> String {
        switch failure {
        case .refused(let m): return "connection refused: " + RemoteText.clip(m)
        case .timeout(let m): return "timeout: " + RemoteText.clip(m)
        case .tls(let m): return "TLS: " + RemoteText.clip(m)
        case .closedDuringHandshake(let m): return RemoteText.clip(m) + " (exporter at its connection limit, or stopping)"
        case .io(let m): return "I/O error: " + RemoteText.clip(m)
        case .protocolError(let m): return "protocol error: " + RemoteText.clip(m)
        case .resolve(let m): return RemoteText.clip(m)
        }
    }

    private static func classifyResponse(_ result: PollResult, status: Int, dateHeader: String?, body: [UInt8],
                                         thresholds: Thresholds, catalog: TaskCatalog, depth: DetailDepth) -> Classification
    {
        // The Date header has one-second resolution and is truncated, so the middle of that
        // second is the best estimate of the exporter's clock; the local clock at the response
        // is taken half-way through the round trip.
        let localAtResponse = result.startedAt + result.latencySecs / 2
        let localNow = result.startedAt + result.latencySecs
        var exporterNow = localNow
        var skew: Double?
        var implausibleDate: String?
        if let dateHeader, let date = HTTPDate.parse(dateHeader).map(Double.init) {
            if PlausibleTime.isPlausible(date, localNow: localNow) {
                exporterNow = date + 0.5
                skew = exporterNow - localAtResponse
            } else {
                implausibleDate = "implausible time: the Date header says \(RemoteText.clip(dateHeader, limit: 64)) (\(PlausibleTime.window))"
            }
        }
        var certificateExpiry: Double?
        func make(_ s: HostStatus, _ error: String?, tasks: [TaskHealth] = []) -> HostSample {
            HostSample(status: s, startedAt: result.startedAt, latencySecs: result.latencySecs, httpStatus: status,
                       skewSecs: skew, tasks: tasks, error: error, certificateExpiryEpochSecs: certificateExpiry)
        }

        switch status {
        case 401:
            return Classification(sample: make(.auth, "HTTP 401: the exporter rejected the token"), detail: nil)
        case 200, 206, 500:
            break
        default:
            return Classification(sample: make(.bad, "unexpected HTTP status \(status)"), detail: nil)
        }
        if let implausibleDate { return Classification(sample: make(.bad, implausibleDate), detail: nil) }

        let snapshot: MetadataDocument
        let detail: HostDetail
        do {
            switch depth {
            case .summary:
                let summary = try MetadataDocument.summarize(body, catalog: catalog, plan: HostDetailBuilder.summaryPlan)
                snapshot = summary.document
                detail = HostDetailBuilder.build(summary)
            case .full:
                snapshot = try MetadataDocument.decode(body, catalog: catalog)
                detail = HostDetailBuilder.build(snapshot, depth: .full)
            }
        } catch {
            // A 500 means the exporter itself says it is broken, whatever the body looks like.
            let s: HostStatus = status == 500 ? .down : .bad
            let prefix = status == 500 ? "HTTP 500; " : ""
            return Classification(sample: make(s, prefix + RemoteText.clip(error.description)), detail: nil)
        }
        certificateExpiry = snapshot.health.certificateExpiryEpochSecs

        // Ages computed from absurd times would read 0 s: such a host is BAD, never OK. Its detail
        // is kept so that the operator can see what it sent.
        if let problem = PlausibleTime.problem(in: snapshot, catalog: catalog, localNow: localNow) {
            return Classification(sample: make(.bad, problem), detail: detail)
        }
        let evaluated = catalog.specsByName.map {
            evaluate($0, snapshot: snapshot, exporterNow: exporterNow, thresholds: thresholds)
        }
        let tasks = evaluated.map(\.health)
        let allInactive = tasks.allSatisfy { $0.state == .inactive }
        if status == 500 || allInactive {
            var text = "all tasks inactive (HTTP \(status))"
            if let last = snapshot.health.errors.last { text += ": " + RemoteText.clip(last) }
            return Classification(sample: make(.down, text, tasks: tasks), detail: detail)
        }
        let problems = evaluated.compactMap(\.problem)
        if status == 206 || !problems.isEmpty {
            let text = problems.isEmpty ? "HTTP 206: some tasks inactive" : problems.joined(separator: "; ")
            return Classification(sample: make(.degraded, text, tasks: tasks), detail: detail)
        }
        return Classification(sample: make(.ok, nil, tasks: tasks), detail: detail)
    }

    private static func evaluate(_ spec: TaskSpec, snapshot: MetadataDocument, exporterNow: Double,
                                 thresholds: Thresholds) -> (health: TaskHealth, problem: String?)
    {
        let task = spec.name
        let record = snapshot.record(task)
        let detail = snapshot.health.taskDetail?[task]
        let interval = detail?.intervalSecs.flatMap { $0 > 0 ? $0 : nil } ?? spec.defaultIntervalSecs
        let staleAfter = thresholds.staleAfter(intervalSecs: interval)
        let age = record.scrapeTimestamp.map { max(0, exporterNow - $0) }

        let state = TaskState(snapshot.health.activity(of: task), record: record)

        var problem: String?
        var stale = false
        switch state {
        case .inactive:
            problem = "\(task.rawValue) inactive"
        case .pending:
            // Pacific's first scrape comes one interval after start: waiting is normal until
            // the stale limit has passed since the exporter started.
            if let started = snapshot.health.startedEpochSecs, exporterNow - started > staleAfter {
                stale = true
                problem = "\(task.rawValue) has no data \(DurationText.age(exporterNow - started)) after start"
            }
        case .active:
            if let age {
                stale = age > staleAfter
            } else {
                stale = true
            }
        }
        if let lastError = record.errors.last {
            let text = "\(task.rawValue): " + RemoteText.clip(lastError)
            problem = problem.map { $0 + " (" + text + ")" } ?? text
        } else if state == .active, stale {
            problem = age.map { "\(task.rawValue) data \(DurationText.age($0)) old" } ?? "\(task.rawValue) has no data"
        }

        let health = TaskHealth(
            task: task, state: state, ageSecs: age, intervalSecs: interval, isStale: stale,
            scrapeTimestamp: record.scrapeTimestamp, scrapeDurationSecs: record.scrapeDurationSecs,
            recentErrors: record.errors.suffix(3).map { RemoteText.clip($0) },
            scrapeErrorCount: record.errors.count, hasData: record.hasData, detail: detail)
        return (health, problem)
    }

    private static func sample(_ result: PollResult, _ status: HostStatus, error: String) -> HostSample {
        HostSample(status: status, startedAt: result.startedAt, latencySecs: result.latencySecs, httpStatus: nil,
                   skewSecs: nil, tasks: [], error: error)
    }
}
