import Common
import XCTest
@testable import FleetTUI

/// The Prometheus API as `fleet --prometheus` speaks it: the URL, the requests, the answers.
final class PrometheusAPITests: XCTestCase {
    func test_urls_with_and_without_port_prefix_and_tls() throws {
        let plain = try PrometheusEndpoint.parse("http://prom.example:9090")
        XCTAssertEqual(plain, PrometheusEndpoint(useTLS: false, host: "prom.example", port: 9090, prefix: ""))
        XCTAssertEqual(try PrometheusEndpoint.parse("https://prom.example/prometheus/"),
                       PrometheusEndpoint(useTLS: true, host: "prom.example", port: 443, prefix: "/prometheus"))
        let v6 = try PrometheusEndpoint.parse("http://[fd00::5]:9090")
        XCTAssertEqual(v6.host, "fd00::5")
        XCTAssertEqual(v6.hostHeader, "[fd00::5]:9090")
        XCTAssertEqual(try PrometheusEndpoint.parse("http://10.0.0.5").port, 80)
    }

    func test_bad_urls_say_what_is_wrong() {
        for (url, expected) in [("prom:9090", "is not an http:// or https:// URL"), ("http://:9090", "names no host"),
                                ("http://prom:99999", "bad port"), ("http://user:pw@prom:9090", "no credentials in the URL"),
                                ("http://prom:9090/?x=1", "no query or fragment"), ("http://[fd00::5:9090", "unclosed '['")] {
            XCTAssertThrowsError(try PrometheusEndpoint.parse(url)) { error in
                XCTAssertTrue("\(error)".contains(expected), "\(url): \(error)")
            }
        }
    }

    func test_requests_carry_the_encoded_query_the_time_and_the_token() throws {
        let e = try PrometheusEndpoint.parse("http://prom.example:9090/p")
        let path = PrometheusAPI.queryPath(e, query: #"timestamp(up{job="a b"})"#, time: 1_700_000_000.25)
        XCTAssertEqual(path, "/p/api/v1/query?query=timestamp%28up%7bjob%3d%22a%20b%22%7d%29&time=1700000000.250")
        let request = String(decoding: PrometheusAPI.request(e, path: path, token: "s3cret"), as: UTF8.self)
        XCTAssertTrue(request.hasPrefix("GET \(path) HTTP/1.1\r\nHost: prom.example:9090\r\n"), request)
        XCTAssertTrue(request.contains("\r\nAuthorization: Bearer s3cret\r\n"))
        XCTAssertTrue(request.hasSuffix("\r\n\r\n"))
        XCTAssertFalse(String(decoding: PrometheusAPI.request(e, path: path, token: nil), as: UTF8.self).contains("Authorization"))
        XCTAssertEqual(PrometheusAPI.targetsPath(e), "/p/api/v1/targets?state=active")
    }

    func test_an_instant_vector_answer_becomes_samples() throws {
        let body = #"{"status":"success","data":{"resultType":"vector","result":["#
            + #"{"metric":{"__name__":"up","instance":"a:9443","job":"cephadm-exporter"},"value":[1700000000.5,"1"]},"#
            + #"{"metric":{"instance":"b:9443"},"value":[1700000000.5,"NaN"]},"#
            + #"{"metric":{"__name__":"x"},"value":[1700000000.5,"+Inf"]}]}}"#
        let samples = try PrometheusAPI.vector(status: 200, body: Array(body.utf8))
        XCTAssertEqual(samples.count, 3)
        XCTAssertEqual(samples[0], PrometheusSample(labels: ["__name__": "up", "instance": "a:9443", "job": "cephadm-exporter"],
                                                    value: 1, timestamp: 1_700_000_000.5))
        XCTAssertNil(samples[1].name)
        XCTAssertTrue(samples[1].value.isNaN)
        XCTAssertEqual(samples[2].value, .infinity)
    }

    func test_error_answers_and_other_shapes_are_errors_that_say_why() {
        let bad = #"{"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": 1:2: parse error"}"#
        XCTAssertThrowsError(try PrometheusAPI.vector(status: 400, body: Array(bad.utf8))) { error in
            XCTAssertEqual("\(error)", #"HTTP 400: bad_data: invalid parameter "query": 1:2: parse error"#)
        }
        XCTAssertThrowsError(try PrometheusAPI.vector(status: 401, body: Array("Unauthorized".utf8))) { error in
            XCTAssertTrue("\(error)".hasPrefix("HTTP 401 (the server wants a token: --prometheus-token-file)"), "\(error)")
        }
        let matrix = #"{"status":"success","data":{"resultType":"matrix","result":[]}}"#
        XCTAssertThrowsError(try PrometheusAPI.vector(status: 200, body: Array(matrix.utf8)))
        let broken = #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,2]}]}}"#
        XCTAssertThrowsError(try PrometheusAPI.vector(status: 200, body: Array(broken.utf8)), "a value must be a string")
    }

    func test_the_targets_answer_gives_labels_health_and_the_last_error() throws {
        let body = #"{"status":"success","data":{"activeTargets":[{"discoveredLabels":{},"labels":{"instance":"a:9443","job":"cephadm-exporter"},"#
            + #""scrapePool":"cephadm-exporter","lastError":"server returned HTTP status 401 Unauthorized","health":"down"}],"droppedTargets":[]}}"#
        XCTAssertEqual(try PrometheusAPI.targets(status: 200, body: Array(body.utf8)),
                       [PrometheusTarget(labels: ["instance": "a:9443", "job": "cephadm-exporter"], health: "down",
                                         lastError: "server returned HTTP status 401 Unauthorized")])
    }

    func test_each_query_keeps_only_the_labels_it_needs_and_names_the_job_safely() {
        XCTAssertEqual(PrometheusRound.Series.scrapedAt.query(job: #"my "job""#), #"max by (instance) (timestamp(up{job="my \"job\""}))"#)
        XCTAssertEqual(PrometheusRound.Series.taskActive.query(job: "cephadm-exporter"),
                       #"max by (instance, task) (cephadm_exporter_task_active{job="cephadm-exporter"})"#)
        XCTAssertEqual(PrometheusRound.Series.hostInfo.query(job: "j"),
                       #"max by (instance, hostname, kernel, os, arch) (cephadm_exporter_host_info{job="j"})"#)
    }

    func test_answers_fill_each_targets_reading() {
        var round = PrometheusRound(job: "cephadm-exporter")
        round.add(targets: [PrometheusTarget(labels: ["instance": "b:9443", "job": "cephadm-exporter"], health: "down", lastError: "EOF"),
                            PrometheusTarget(labels: ["instance": "x:1", "job": "other"], health: "up", lastError: "")])
        func sample(_ instance: String, _ value: Double, _ labels: [String: String] = [:]) -> PrometheusSample {
            PrometheusSample(labels: labels.merging(["instance": instance]) { a, _ in a }, value: value, timestamp: 1)
        }
        round.add([sample("a:9443", 1), sample("b:9443", 0)], as: .up)
        round.add([sample("a:9443", 1_700_000_000)], as: .scrapedAt)
        round.add([sample("a:9443", 1, ["task": "disks"]), sample("a:9443", 0, ["task": ""])], as: .taskActive)
        round.add([sample("a:9443", 3, ["task": "disks"])], as: .taskScrapeErrors)
        round.add([sample("a:9443", 4, ["type": "hdd"])], as: .hostDisks)
        round.add([sample("a:9443", 1, ["hostname": "stor01", "os": "Debian"])], as: .hostInfo)
        let r = round.readings
        XCTAssertEqual(r.map(\.instance), ["a:9443", "b:9443"], "only the job's targets, sorted")
        XCTAssertEqual(r[0].up, true)
        XCTAssertEqual(r[0].scrapedAt, 1_700_000_000)
        XCTAssertEqual(r[0].tasks, [.disks: .init(active: true, scrapeErrors: 3)], "a sample without a task name is ignored")
        XCTAssertEqual(r[0].disks, ["hdd": 4])
        XCTAssertEqual(r[0].hostInfo, ["hostname": "stor01", "os": "Debian"])
        XCTAssertEqual(r[1].up, false)
        XCTAssertEqual(r[1].lastError, "EOF")
    }

    func test_instances_become_host_entries_as_host_list_lines_do() {
        XCTAssertEqual(PrometheusRound.hostEntry(instance: "stor01:9443", line: 1),
                       HostEntry(displayName: "stor01:9443", address: "stor01", port: 9443, line: 1))
        XCTAssertEqual(PrometheusRound.hostEntry(instance: "[fd00::1]:9443", line: 2),
                       HostEntry(displayName: "[fd00::1]:9443", address: "fd00::1", port: 9443, line: 2))
        XCTAssertEqual(PrometheusRound.hostEntry(instance: "stor02", line: 3),
                       HostEntry(displayName: "stor02", address: "stor02", port: nil, line: 3))
        XCTAssertEqual(PrometheusRound.hostEntry(instance: "fd00::2", line: 4).address, "fd00::2")
    }
}
