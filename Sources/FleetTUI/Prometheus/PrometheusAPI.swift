import Common

/// One sample of an instant query's result: its labels (`__name__` included when the
/// expression keeps it), its value, and the timestamp Prometheus gives it.
struct PrometheusSample: Sendable, Equatable {
    let labels: [String: String]
    let value: Double
    let timestamp: Double

    var name: String? { labels["__name__"] }
}

/// A target of a scrape job as the targets API lists it.
struct PrometheusTarget: Sendable, Equatable {
    let labels: [String: String]
    /// `up`, `down` or `unknown` (not scraped yet).
    let health: String
    /// The last scrape's error, empty when it succeeded.
    let lastError: String
}

/// Why a Prometheus API call failed, in words the operator can act on.
struct PrometheusError: Error, Equatable, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The HTTP API of Prometheus (and of what speaks it: Thanos, Mimir, VictoriaMetrics): the
/// requests `fleet --prometheus` sends and the parsing of their JSON answers, with Common's
/// JSON parser. Pure.
enum PrometheusAPI {
    /// `GET <prefix>/api/v1/query?query=...&time=...`: an instant query evaluated at `time`.
    static func queryPath(_ endpoint: PrometheusEndpoint, query: String, time: Double) -> String {
        endpoint.path("/api/v1/query") + "?query=" + percentEncoded(query) + "&time=" + DecimalText.fixed(time, 3)
    }

    /// `GET <prefix>/api/v1/targets?state=active`.
    static func targetsPath(_ endpoint: PrometheusEndpoint) -> String { endpoint.path("/api/v1/targets") + "?state=active" }

    /// A complete HTTP/1.1 request for `path`, with the Bearer token when there is one.
    static func request(_ endpoint: PrometheusEndpoint, path: String, token: String?) -> [UInt8] {
        var text = "GET \(path) HTTP/1.1\r\nHost: \(endpoint.hostHeader)\r\nUser-Agent: cephadm-fleet\r\nAccept: application/json\r\n"
        if let token { text += "Authorization: Bearer \(token)\r\n" }
        return Array((text + "\r\n").utf8)
    }

    /// The samples of an instant query's answer (`resultType` vector), or why there are none.
    static func vector(status: Int, body: [UInt8]) throws(PrometheusError) -> [PrometheusSample] {
        let data = try successData(status: status, body: body)
        guard data["resultType"]?.stringValue == "vector", case .array(let result)? = data["result"] else {
            throw PrometheusError("the query's answer is not an instant vector (resultType \(data["resultType"]?.stringValue ?? "missing"))")
        }
        var samples: [PrometheusSample] = []
        samples.reserveCapacity(result.count)
        for item in result {
            guard let labels = item["metric"]?.objectValue, case .array(let pair)? = item["value"], pair.count == 2,
                  let ts = pair[0].doubleValue, let text = pair[1].stringValue, let value = parseValue(text)
            else { throw PrometheusError("a sample of the query's answer is not {\"metric\": {...}, \"value\": [time, \"value\"]}") }
            var map: [String: String] = [:]
            for (k, v) in labels.entries { if let s = v.stringValue { map[k] = s } }
            samples.append(PrometheusSample(labels: map, value: value, timestamp: ts))
        }
        return samples
    }

    /// The active targets of the targets API's answer.
    static func targets(status: Int, body: [UInt8]) throws(PrometheusError) -> [PrometheusTarget] {
        let data = try successData(status: status, body: body)
        guard case .array(let items)? = data["activeTargets"] else { throw PrometheusError("the targets answer has no activeTargets list") }
        return items.compactMap { item -> PrometheusTarget? in
            guard let labels = item["labels"]?.objectValue else { return nil }
            var map: [String: String] = [:]
            for (k, v) in labels.entries { if let s = v.stringValue { map[k] = s } }
            return PrometheusTarget(labels: map, health: item["health"]?.stringValue ?? "unknown",
                                    lastError: item["lastError"]?.stringValue ?? "")
        }
    }

    /// `data` of a `{"status": "success", "data": ...}` answer; an error answer's own message
    /// otherwise (`bad_data: parse error ...`).
    private static func successData(status: Int, body: [UInt8]) throws(PrometheusError) -> JSONValue {
        let doc: JSONValue
        do { doc = try JSONParser.parse(body) } catch {
            let hint = status == 401 || status == 403 ? " (the server wants a token: --prometheus-token-file)" : ""
            throw PrometheusError("HTTP \(status)\(hint), and the answer is not JSON: \(error)")
        }
        if doc["status"]?.stringValue == "success", let data = doc["data"] { return data }
        let kind = doc["errorType"]?.stringValue ?? "error"
        let message = doc["error"]?.stringValue ?? "no error message"
        throw PrometheusError("HTTP \(status): \(RemoteText.clip(kind)): \(RemoteText.clip(message))")
    }

    /// A sample value as the API writes it: a decimal string, `NaN`, `+Inf` or `-Inf`.
    static func parseValue(_ text: String) -> Double? {
        switch text {
        case "NaN": return .nan
        case "+Inf", "Inf": return .infinity
        case "-Inf": return -.infinity
        default: return DecimalText.parseDouble(text)
        }
    }

    /// Everything but RFC 3986's unreserved characters, percent-encoded (a PromQL expression
    /// holds braces, quotes, `=~` and `|`).
    static func percentEncoded(_ text: String) -> String {
        var out = ""
        for b in text.utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            default:
                out += "%" + HexText.lowercase([b])
            }
        }
        return out
    }
}
