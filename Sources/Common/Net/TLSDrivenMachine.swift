/// What both connection state machines are told about their TLS socket. Their drivers
/// (`ServerConnection`, `HTTPSClientConnection`) hand OpenSSL's results over through `report`,
/// so a handshake, a read and a write mean the same to both.
protocol TLSDrivenMachine {
    mutating func handshakeCompleted()
    /// OpenSSL's reason, or nil when the peer closed without an alert.
    mutating func handshakeFailed(_ reason: String?)
    mutating func received(_ bytes: UnsafeRawBufferPointer)
    mutating func wrote(_ count: Int)
    /// The peer closed or reset the connection.
    mutating func peerClosed()
    mutating func ioFailed(_ reason: String)
}

extension TLSDrivenMachine {
    /// Tells the machine how a handshake step went. Returns the epoll interest to wait with
    /// while OpenSSL needs the socket, nil when the machine has been told something new.
    mutating func report(handshake result: TLSIOResult) -> UInt32? {
        switch result {
        case .done: handshakeCompleted()
        case .closed: handshakeFailed(nil)
        case .failed(let why): handshakeFailed(why)
        case .wantRead, .wantWrite: return Self.interest(result)
        }
        return nil
    }

    /// Tells the machine what a read into `buffer` gave; returns as `report(handshake:)` does.
    mutating func report(read result: TLSIOResult, from buffer: UnsafeRawBufferPointer) -> UInt32? {
        if case .done(let n) = result {
            received(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            return nil
        }
        return reportUnfinished(result)
    }

    /// Tells the machine what a write took; returns as `report(handshake:)` does.
    mutating func report(write result: TLSIOResult) -> UInt32? {
        if case .done(let n) = result {
            wrote(n)
            return nil
        }
        return reportUnfinished(result)
    }

    /// A read or write that moved nothing: wait for the socket, or report the close or failure.
    private mutating func reportUnfinished(_ result: TLSIOResult) -> UInt32? {
        switch result {
        case .closed: peerClosed()
        case .failed(let why): ioFailed(why)
        case .done, .wantRead, .wantWrite: return Self.interest(result)
        }
        return nil
    }

    /// OpenSSL may want to write during a read (a renegotiation or key update) and to read
    /// during a write: wait for what it asked for.
    private static func interest(_ result: TLSIOResult) -> UInt32 {
        result == .wantWrite ? IOEvents.write : IOEvents.read
    }
}

extension ServerConnectionMachine: TLSDrivenMachine {}
extension ClientConnectionMachine: TLSDrivenMachine {}
