import Common
import XCTest

@testable import ExporterDaemon
@testable import FleetTUI

/// One exporter state, read both ways: polled (`/v1/metadata` through `HostClassifier`) and
/// through Prometheus (`/metrics`, as a server stores and returns its samples, through the
/// Prometheus entry point). Both must give the same status and task states, so `fleet check
/// --prometheus` and `fleet check --hosts` agree (the real-Prometheus integration test checks
/// the same end to end).
final class PrometheusAgreementTests: XCTestCase {
    let now = 1_800_000_000.0

    /// The exporter states the simulator's behaviours stand for.
    func states() -> [(String, MetadataCache)] {
        func cache(startedAgo: Double = 600, _ build: (MetadataCache) -> Void) -> MetadataCache {
            let c = MetadataCache(startedEpochSecs: now - startedAgo, intervals: [.host: 5, .daemons: 20, .disks: 20])
            build(c)
            c.update(health: { $0.httpServer = .active })
            return c
        }
        func scraped(_ c: MetadataCache, _ task: TaskName, age: Double) {
            let data = task == .host ? #"{"hostname": "stor01"}"# : "[]"
            c.update(task: task, record: { _ in .success(timestamp: now - age, duration: 0.1, errors: [], dataJSON: Array(data.utf8)) },
                     health: { $0.tasks[task] = .active; $0.recordSuccess(of: task, finishedAt: now - age + 0.1) })
        }
        func failed(_ c: MetadataCache, _ task: TaskName) {
            c.update(task: task, record: { $0.failed(with: "RuntimeError exception: boom") },
                     health: { $0.tasks[task] = .inactive; $0.recordFailure(of: task, consecutive: 1) })
        }
        return [
            ("healthy", cache { c in for t in TaskCatalog.standard.names { scraped(c, t, age: 2) } }),
            ("dead-task", cache { c in for t in TaskCatalog.standard.names { scraped(c, t, age: 2) }; failed(c, .disks) }),
            ("all-dead", cache { c in for t in TaskCatalog.standard.names { scraped(c, t, age: 2); failed(c, t) } }),
            ("stale", cache { c in for t in TaskCatalog.standard.names { scraped(c, t, age: 90) } }),
            ("pending", cache(startedAgo: 3) { c in
                c.update(health: { h in for t in TaskCatalog.standard.names { h.tasks[t] = .active } })
                scraped(c, .host, age: 1)
            }),
            ("no data long after start", cache { c in
                c.update(health: { h in for t in TaskCatalog.standard.names { h.tasks[t] = .active } })
                scraped(c, .host, age: 1)
            }),
            ("errors", cache { c in
                for t in TaskCatalog.standard.names { scraped(c, t, age: 2) }
                c.update(task: .disks, record: { r in var r = r; r.scrapeErrors = ["ceph-volume thread provided bad json data"]; return r })
            }),
        ]
    }

    func test_polling_and_prometheus_judge_every_exporter_state_alike() throws {
        let verifier = TokenVerifier(token: "a-test-token")
        var seen: [String: HostStatus] = [:]
        for (name, cache) in states() {
            let snapshot = cache.snapshot()
            func get(_ target: String) -> HTTPServerResponse {
                MetadataRouter.respond(method: "GET", target: target, authorization: "Bearer a-test-token", verifier: verifier,
                                       snapshot: snapshot, live: { LiveMetrics(now: self.now) }).0
            }
            let metadata = get("/v1/metadata")
            let polled = HostClassifier.classify(
                PollResult(hostIndex: 0, startedAt: now - 0.001, latencySecs: 0.002,
                           outcome: .response(status: metadata.status, dateHeader: HTTPDate.format(epochSeconds: Int(now)), body: metadata.body)),
                thresholds: Thresholds())
            let samples = try ExpositionSamples.parse(String(decoding: get("/metrics").body, as: UTF8.self),
                                                      instance: "stor01:9443", job: "cephadm-exporter", at: now)
            let up = PrometheusSample(labels: ["__name__": "up", "instance": "stor01:9443", "job": "cephadm-exporter"], value: 1, timestamp: now)
            // What each of the round's queries returns from a server holding these samples.
            var round = PrometheusRound(job: "cephadm-exporter")
            for series in PrometheusRound.Series.allCases {
                let (metric, labels) = series.source
                let answer = (samples + [up]).filter { $0.name == metric }.map { sample in
                    let kept = sample.labels.filter { $0.key == "instance" || labels.contains($0.key) }
                    return PrometheusSample(labels: kept, value: series == .scrapedAt ? now - 0.001 : sample.value, timestamp: now)
                }
                round.add(answer, as: series)
            }
            let readings = round.readings
            let scraped = try XCTUnwrap(HostClassifier.classify(try XCTUnwrap(readings.first), thresholds: Thresholds()), name)
            XCTAssertEqual(scraped.sample.status, polled.sample.status,
                           "\(name): polled \(polled.sample.error ?? "OK"), Prometheus \(scraped.sample.error ?? "OK")")
            XCTAssertEqual(scraped.sample.tasks.map(\.state), polled.sample.tasks.map(\.state), name)
            XCTAssertEqual(scraped.sample.tasks.map(\.isStale), polled.sample.tasks.map(\.isStale), name)
            seen[name] = scraped.sample.status
        }
        XCTAssertEqual(seen, ["healthy": .ok, "dead-task": .degraded, "all-dead": .down, "stale": .degraded, "pending": .ok,
                              "no data long after start": .degraded, "errors": .degraded])
    }
}

/// Samples of the text format as a Prometheus server returns them from an instant query (test
/// only: the lines our exporter writes).
enum ExpositionSamples {
    static func parse(_ text: String, instance: String, job: String, at time: Double) throws -> [PrometheusSample] {
        var out: [PrometheusSample] = []
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            var labels = ["instance": instance, "job": job]
            var rest = Substring(line)
            let name = rest.prefix { $0 != "{" && $0 != " " }
            rest = rest.dropFirst(name.count)
            labels["__name__"] = String(name)
            if rest.hasPrefix("{") {
                rest = rest.dropFirst()
                while !rest.hasPrefix("}") {
                    let key = rest.prefix { $0 != "=" }
                    rest = rest.dropFirst(key.count + 2)  // ="
                    var value = ""
                    while let c = rest.first, c != "\"" {
                        rest = rest.dropFirst()
                        if c == "\\", let e = rest.first {
                            rest = rest.dropFirst()
                            value.append(e == "n" ? "\n" : e)
                        } else {
                            value.append(c)
                        }
                    }
                    rest = rest.dropFirst()  // "
                    if rest.hasPrefix(",") { rest = rest.dropFirst() }
                    labels[String(key)] = value
                }
                rest = rest.dropFirst()
            }
            guard let value = PrometheusAPI.parseValue(rest.trimmingWhitespace()) else { throw TestError("bad line: \(line)") }
            out.append(PrometheusSample(labels: labels, value: value, timestamp: time))
        }
        return out
    }

    struct TestError: Error { let message: String; init(_ m: String) { message = m } }
}
