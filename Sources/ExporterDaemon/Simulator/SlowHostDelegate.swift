import Common

/// A simulated loaded or distant host: answers like the exporter it wraps, `delaySecs` later.
/// The delay lives here, not in the server: the server only knows that a delegate may answer
/// later (`HTTPResponder`), and watches nothing on the connection meanwhile.
final class SlowHostDelegate: HTTPServerDelegate {
    private let inner: HTTPServerDelegate
    private let loop: EventLoop
    private let delaySecs: Double

    init(wrapping inner: HTTPServerDelegate, loop: EventLoop, delaySecs: Double) {
        self.inner = inner
        self.loop = loop
        self.delaySecs = delaySecs
    }

    func respond(to request: HTTPRequestHead, peer: SocketAddress) -> HTTPServerResponse {
        inner.respond(to: request, peer: peer)
    }

    func answer(_ request: HTTPRequestHead, peer: SocketAddress, responder: HTTPResponder) -> HTTPServerResponse? {
        // The inner delegate answers now (its `/metrics` sees the server's counters); only the
        // sending is delayed.
        guard let response = inner.answer(request, peer: peer, responder: responder) else { return nil }
        guard delaySecs > 0 else { return response }
        loop.schedule(after: delaySecs) { responder.send(response) }
        return nil
    }

    func respond(toParseError error: HTTPParseError, peer: SocketAddress) -> HTTPServerResponse {
        inner.respond(toParseError: error, peer: peer)
    }

    func serverEvent(_ kind: ClientEventKind, _ level: LogLevel, _ message: String) { inner.serverEvent(kind, level, message) }

    func connectionClosed(_ reason: ServerCloseReason, peer: SocketAddress) { inner.connectionClosed(reason, peer: peer) }
}
