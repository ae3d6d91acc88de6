import Common

/// The exporter's request handling, pure: method, target and Authorization in, response out.
/// Order as in Pacific: method (501) → token (401) → route (404 with the list of valid URLs).
enum MetadataRouter {
    static let jsonType = "application/json"

    enum Outcome: Equatable {
        case served
        case unauthorized
        case unsupportedMethod
    }

    /// `live` gives this request's counters; it is called only for `/metrics`.
    static func respond(method: String, target: String, authorization: String?, verifier: TokenVerifier,
                        snapshot: CacheSnapshot, live: () -> LiveMetrics) -> (HTTPServerResponse, Outcome) {
        guard method == "GET" else {
            // The method goes into the status line and the page: escaped and bounded like every
            // other piece of a request that reaches the outside.
            var page = errorPage(501, reason: "Unsupported method ('\(UntrustedText.escape(method, limit: 32))')")
            // A response to HEAD never has a body (Pacific's server leaves it out too).
            if method == "HEAD" { page.body = [] }
            return (page, .unsupportedMethod)
        }
        guard verifier.accepts(authorizationHeader: authorization) else {
            return (unauthorized, .unauthorized)
        }
        if target == "/" {
            return (HTTPServerResponse(status: 200, contentType: "text/html; charset=utf-8", body: helpPage(snapshot.catalog)), .served)
        }
        if target == ExporterMetric.path {
            let body = live().body(after: snapshot.metricsBody)
            return (HTTPServerResponse(status: 200, contentType: ExpositionText.contentType, body: body), .served)
        }
        guard let route = snapshot.catalog.route(forTarget: target) else {
            return (notFound(snapshot.catalog), .served)
        }
        switch route {
        case .all:
            return (HTTPServerResponse(status: snapshot.health.metadataStatus, contentType: jsonType, body: snapshot.metadataBody), .served)
        case .health:
            return (HTTPServerResponse(status: 200, contentType: jsonType, body: snapshot.healthBody), .served)
        case .task(let task):
            // 204 means "no content": unlike Pacific, no body follows the headers.
            guard snapshot.health.activity(of: task) == .active else { return (HTTPServerResponse(status: 204), .served) }
            return (HTTPServerResponse(status: 200, contentType: jsonType, body: snapshot.taskBodies[task] ?? []), .served)
        }
    }

    // Built once: scanners and misconfigured pollers can send these thousands of times a second.
    static let unauthorized = errorPage(401, reason: "Unauthorized")

    /// Pacific's 404: the list of valid URLs as the reason phrase and in a JSON message (the
    /// catalog builds the body once).
    static func notFound(_ catalog: TaskCatalog) -> HTTPServerResponse {
        HTTPServerResponse(status: 404, reason: catalog.notFoundMessage, contentType: jsonType, body: catalog.notFoundBody)
    }

    /// A small HTML error page; the connection is closed after it, as Pacific's server does.
    static func errorPage(_ status: Int, reason: String) -> HTTPServerResponse {
        let html = """
            <!DOCTYPE html>
            <html><head><title>Error response</title></head>
            <body><h1>Error response</h1><p>Error code: \(status)</p><p>Message: \(escape(reason)).</p></body></html>

            """
        return HTTPServerResponse(status: status, reason: reason, contentType: "text/html;charset=utf-8",
                                  body: Array(html.utf8), close: true)
    }

    /// The HTML page `/` serves, listing every route (only authorised clients see it): the
    /// catalog's JSON routes, then `/metrics` (not in Pacific's 404 text, which stays its own).
    static func helpPage(_ catalog: TaskCatalog) -> [UInt8] {
        var rows = ""
        for (path, kind) in catalog.routes.map({ ($0.path, "JSON") }) + [(ExporterMetric.path, "Prometheus text")] {
            let rel = String(path.dropFirst())
            rows += "<tr><td><a href=\"\(rel)\">\(path)</a></td><td>GET</td><td>\(kind)</td></tr>\n"
        }
        let html = """
            <!DOCTYPE html>
            <html>
            <head><title>cephadm metadata exporter</title></head>
            <body>
            <h1>cephadm metadata exporter v1</h1>
            <table border="1">
            <tr><th>Endpoint</th><th>Method</th><th>Response</th></tr>
            \(rows)</table>
            </body>
            </html>

            """
        return Array(html.utf8)
    }

    private static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.append(c)
            }
        }
        return out
    }
}
