import Glibc

/// One accepted HTTPS connection: handshake → read a request → write the response in one
/// piece → (keep-alive) read the next. Memory is bounded by the parser limits plus one response.
final class ServerConnection: EventHandler {
    private enum Phase { case handshaking, reading, delayed, writing, closed }

    let fd: Int32
    let peer: SocketAddress
    private unowned let server: HTTPServer
    private let stream: TLSStream
    private var parser: HTTPRequestParser
    private var phase = Phase.handshaking
    private var output: [UInt8] = []
    private var outputOffset = 0
    private var closeAfterWrite = false
    private var timer: UInt64?
    /// True once any byte of the current request has arrived (idle vs. in-request timeout).
    private var requestStarted = false
    private var interest: UInt32 = IOEvents.read | IOEvents.readHangup

    init(fd: Int32, peer: SocketAddress, server: HTTPServer) throws(TLSError) {
        self.fd = fd
        self.peer = peer
        self.server = server
        self.stream = try TLSStream(context: server.tlsContext, fd: fd, isServer: true)
        self.parser = HTTPRequestParser(limits: server.configuration.limits)
    }

    func started() {
        arm(server.configuration.requestTimeoutSecs)
    }

    /// During shutdown: close now unless a request is arriving or being answered.
    func closeIfIdle() {
        switch phase {
        case .closed: return
        case .handshaking: close()
        case .reading: if requestStarted { closeAfterWrite = true } else { close() }
        case .delayed, .writing: closeAfterWrite = true
        }
    }

    func handleEvents(_ events: UInt32) {
        drive()
        if phase != .closed && events & (IOEvents.error | IOEvents.hangup) != 0 && phase != .writing && phase != .delayed {
            close()
        }
    }

    private func drive() {
        while true {
            switch phase {
            case .closed, .delayed:
                return
            case .handshaking:
                switch stream.handshake() {
                case .done:
                    phase = .reading
                case .wantRead: return want(IOEvents.read)
                case .wantWrite: return want(IOEvents.write)
                case .closed, .failed:
                    return close()
                }
            case .writing:
                if !flush() { return }
            case .reading:
                // A pipelined request may already sit in the parser.
                if let result = parser.next() {
                    handle(result)
                    continue
                }
                if !readMore() { return }
            }
        }
    }

    /// Reads what TLS has; false when it must wait for the socket.
    private func readMore() -> Bool {
        let buffer = server.readBuffer
        let r = buffer.bytes.withUnsafeMutableBytes { stream.read(into: $0) }
        switch r {
        case .done(let n):
            if !requestStarted {
                requestStarted = true
                arm(server.configuration.requestTimeoutSecs)
            }
            buffer.bytes.withUnsafeBytes { parser.append(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            return true
        case .wantRead:
            want(IOEvents.read)
            return false
        case .wantWrite:
            want(IOEvents.write)
            return false
        case .closed, .failed:
            close()
            return false
        }
    }

    private func handle(_ result: HTTPParseResult) {
        guard let delegate = server.delegate else { return close() }
        var response: HTTPServerResponse
        var keepAlive: Bool
        switch result {
        case .request(let head):
            response = delegate.respond(to: head, peer: peer)
            keepAlive = head.keepAlive && !response.close && !server.shuttingDown
        case .error(let err):
            response = delegate.respond(toParseError: err, peer: peer)
            keepAlive = false
        }
        var headers: [HTTPHeaderField] = [("Server", server.configuration.serverName)]
        if let type = response.contentType { headers.append(("Content-Type", type)) }
        output.removeAll(keepingCapacity: true)
        HTTPResponseWriter.append(
            HTTPResponse(status: response.status, reason: response.reason, headers: headers, body: response.body),
            keepAlive: keepAlive, date: server.currentDate(), to: &output)
        outputOffset = 0
        closeAfterWrite = !keepAlive
        phase = .writing
        if response.delaySecs > 0 {
            phase = .delayed
            if let t = timer { server.loop.cancelTimer(t) }
            timer = server.loop.schedule(after: response.delaySecs) { [weak self] in
                guard let self, self.phase == .delayed else { return }
                self.timer = nil
                self.phase = .writing
                self.drive()
            }
        }
    }

    /// Writes pending output; false when it must wait for the socket.
    private func flush() -> Bool {
        while outputOffset < output.count {
            let r = output.withUnsafeBytes { stream.write(UnsafeRawBufferPointer(rebasing: $0[outputOffset...])) }
            switch r {
            case .done(let n): outputOffset += n
            case .wantWrite:
                want(IOEvents.write)
                return false
            case .wantRead:
                want(IOEvents.read)
                return false
            case .closed, .failed:
                close()
                return false
            }
        }
        // Keep the buffer's capacity for the next response unless it was unusually large.
        if output.capacity > 256 * 1024 { output = [] } else { output.removeAll(keepingCapacity: true) }
        outputOffset = 0
        if closeAfterWrite || server.shuttingDown {
            close()
            return false
        }
        phase = .reading
        requestStarted = parser.bufferedByteCount > 0
        arm(requestStarted ? server.configuration.requestTimeoutSecs : server.configuration.idleTimeoutSecs)
        want(IOEvents.read)
        return true
    }

    private func want(_ event: UInt32) {
        let wanted = event | IOEvents.readHangup
        if wanted != interest {
            interest = wanted
            server.loop.modify(fd: fd, events: wanted)
        }
    }

    private func arm(_ seconds: Double) {
        if let t = timer { server.loop.cancelTimer(t) }
        timer = server.loop.schedule(after: seconds) { [weak self] in
            self?.timer = nil
            self?.close()
        }
    }

    private func close() {
        guard phase != .closed else { return }
        phase = .closed
        if let t = timer { server.loop.cancelTimer(t) }
        timer = nil
        server.loop.unregister(fd: fd)
        stream.shutdown()
        Glibc.close(fd)
        server.connectionClosed(fd)
    }
}
