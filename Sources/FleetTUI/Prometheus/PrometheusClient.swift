import Common

/// Where and how `fleet --prometheus` asks: the server, the scrape job of the exporters, the
/// CA file (https) and the token, the request deadline.
struct PrometheusSettings: Sendable {
    let endpoint: PrometheusEndpoint
    var job = "cephadm-exporter"
    /// PEM CA bundle for https; nil trusts the system's authorities.
    var caPEM: String?
    var token: String?
    var timeoutSecs: Double = 10
}

/// One kept-alive connection to the Prometheus server (plain HTTP or HTTPS, the server's name
/// checked), requests one at a time. Loop-confined: create and use it on its loop's thread.
final class PrometheusClient {
    let settings: PrometheusSettings
    private let loop: EventLoop
    private let tls: TLSContext?
    private var connection: HTTPSClientConnection?
    /// Answers of 10,000 targets' series run to tens of megabytes.
    static let limits = HTTPResponseLimits(maxBodyBytes: 512 << 20)

    init(loop: EventLoop, settings: PrometheusSettings) throws(UsageError) {
        self.loop = loop
        self.settings = settings
        if settings.endpoint.useTLS {
            do { tls = try TLSContext.client(authorities: settings.caPEM) } catch {
                throw UsageError("--prometheus-ca: \(error)")
            }
        } else {
            tls = nil
        }
    }

    /// GETs `path`; the completion runs on the loop thread with the response (any status) or why
    /// there is none.
    func get(_ path: String, completion: @escaping (Result<ClientResponse, PrometheusError>) -> Void) {
        let e = settings.endpoint
        if connection == nil {
            // One name, resolved when a connection is made (getaddrinfo blocks this loop,
            // which serves nothing else).
            switch SocketAddress.resolve(host: e.host, port: e.port) {
            case .failure(let error):
                return completion(.failure(PrometheusError("Prometheus at \(e.url): \(error)")))
            case .success(let addresses):
                guard let address = addresses.first else {
                    return completion(.failure(PrometheusError("Prometheus at \(e.url): '\(e.host)' has no address")))
                }
                connection = HTTPSClientConnection(loop: loop, address: address, tls: tls, expectedPeerName: e.host,
                                                   limits: Self.limits)
            }
        }
        connection?.send(PrometheusAPI.request(e, path: path, token: settings.token), timeout: settings.timeoutSecs) { [weak self] r in
            switch r {
            case .success(let response): completion(.success(response))
            case .failure(let f):
                self?.connection = nil  // resolve and connect afresh next time
                completion(.failure(PrometheusError("Prometheus at \(e.url): \(f)")))
            }
        }
    }

    /// One look at the job's targets: the targets API (optional: not every server that speaks
    /// the query API has it), then one instant query per series, all at one evaluation time.
    func round(at time: Double, completion: @escaping (Result<[PrometheusTargetReading], PrometheusError>) -> Void) {
        get(PrometheusAPI.targetsPath(settings.endpoint)) { [weak self] result in
            guard let self else { return }
            switch result {
            case .failure(let f): completion(.failure(f))
            case .success(let response):
                var round = PrometheusRound(job: settings.job)
                if let targets = try? PrometheusAPI.targets(status: response.head.status, body: response.body) {
                    round.add(targets: targets)
                }
                self.next(PrometheusRound.Series.allCases[...], into: round, at: time, completion: completion)
            }
        }
    }

    private func next(_ remaining: ArraySlice<PrometheusRound.Series>, into round: PrometheusRound, at time: Double,
                      completion: @escaping (Result<[PrometheusTargetReading], PrometheusError>) -> Void) {
        guard let series = remaining.first else { return completion(.success(round.readings)) }
        query(series.query(job: settings.job), at: time) { [weak self] result in
            switch result {
            case .failure(let f): completion(.failure(f))
            case .success(let samples):
                var round = round
                round.add(samples, as: series)
                self?.next(remaining.dropFirst(), into: round, at: time, completion: completion)
            }
        }
    }

    private func query(_ expr: String, at time: Double, completion: @escaping (Result<[PrometheusSample], PrometheusError>) -> Void) {
        get(PrometheusAPI.queryPath(settings.endpoint, query: expr, time: time)) { r in
            completion(r.flatMap { response in
                Result { () throws(PrometheusError) in try PrometheusAPI.vector(status: response.head.status, body: response.body) }
            })
        }
    }
}
