@testable import Common

/// The connection state machines (`ServerConnectionMachine`, `ClientConnectionMachine`) fed
/// arbitrary sequences of events, through a stand-in for their epoll + OpenSSL drivers that
/// does exactly what the real ones do with each step, against a simulated peer and clock.
///
/// The first input byte picks the machine (bit 0: server or client) and its rules (bit 1:
/// small limits, budgets and timeouts, so short inputs reach them); every later byte is an
/// event (its low four bits) with its arguments in the bytes after it: bytes arriving from the
/// peer (raw, or fragments of HTTP so mutations start from the protocol), a turn of the loop,
/// time passing (the armed deadline fires when it is due), the socket taking part of a write,
/// handshake and connect outcomes, the peer closing or resetting, deferred and late answers,
/// shutdown, eviction, a caller's new request or disconnect. At the end, time runs until every
/// deadline has fired. The rules checked are in `ServerConnectionFuzzRig` and
/// `ClientConnectionFuzzRig`.
enum ConnectionFuzz {
    static let target = FuzzTarget(
        name: "connection", run: run,
        // The server, handshake done, a request line without a target: answered 400 and closed.
        brokenInput: [0x00, ConnectionFuzzEvent.handshake.rawValue, 0x00]
            + [ConnectionFuzzEvent.peerSends.rawValue, 7] + Array("GET\r\n\r\n".utf8))

    @Sendable static func run(_ data: [UInt8]) -> FuzzOutcome {
        var input = FuzzEventReader(data)
        let flags = input.byte()
        let small = flags & 0x02 != 0
        do {
            if flags & 0x01 == 0 {
                var rig = ServerConnectionFuzzRig(small: small)
                return try rig.run(&input)
            } else {
                var rig = ClientConnectionFuzzRig(small: small)
                return try rig.run(&input)
            }
        } catch {
            return .invariantBroken(error.why)
        }
    }
}

/// A rule of a connection machine that did not hold.
struct ConnectionRuleBroken: Error {
    let why: String
    init(_ why: String) { self.why = why }
}

/// What one event byte asks for (its low four bits); the same codes drive both machines, and
/// each rig gives them the meaning that fits its side.
enum ConnectionFuzzEvent: UInt8, CaseIterable {
    /// Server: the client sends bytes (a length byte, then the bytes). Client: the server does.
    case peerSends = 0
    /// The peer sends one of the rig's HTTP fragments (an index byte).
    case peerSendsFragment
    /// The peer floods: one fragment repeated (an index byte, a count byte).
    case peerFloods
    /// Time passes (a byte: how much, in the rig's steps); a due deadline fires.
    case timePasses
    /// A new turn of the event loop: a connection that yielded resumes.
    case nextTurn
    /// The peer reads: the socket takes this many more bytes of output (a byte × 16).
    case socketDrains
    /// The TLS handshake ends (a byte: done, alert, closed without alert).
    case handshake
    /// Server: the deferred answer arrives. Client: the pending connect completes (a byte: how).
    case answerOrConnect
    /// Server: an answer to an older request arrives late. Client: the caller sends a request
    /// (a byte: its timeout).
    case lateAnswerOrSend
    /// The peer closes its side after what it has sent.
    case peerCloses
    /// The socket reports an error or a reset.
    case reset
    /// Server: the server shuts down. Client: the caller disconnects.
    case shutdownOrDisconnect
    /// Server: the connection is evicted. Client: the next connect fails at once.
    case evictOrConnectRefused
    /// The next read or write fails.
    case ioFails
    /// Server: how the next requests are answered (a byte: deferred or not, body size).
    /// Client: the server's bytes arrive while the connection is idle (an index byte).
    case answerPolicyOrUnsolicited
    /// Server: an answer with nothing to answer (must change nothing). Client: a new turn.
    case strayAnswerOrTurn
}

/// Reads events and their arguments from the fuzz input; past the end every byte is 0.
struct FuzzEventReader {
    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { index >= bytes.count }

    mutating func byte() -> UInt8 {
        guard index < bytes.count else { return 0 }
        defer { index += 1 }
        return bytes[index]
    }

    mutating func take(_ count: Int) -> [UInt8] {
        let end = min(bytes.count, index + count)
        defer { index = end }
        return Array(bytes[index..<end])
    }

    mutating func event() -> ConnectionFuzzEvent {
        ConnectionFuzzEvent(rawValue: byte() & 0x0F) ?? .nextTurn
    }

    /// The bytes a `peerSends`, `peerSendsFragment` or `peerFloods` event spells, with the rig's
    /// fragments; nothing for other events.
    mutating func peerBytes(for event: ConnectionFuzzEvent, fragments: [[UInt8]]) -> [UInt8] {
        switch event {
        case .peerSends: return take(Int(byte()))
        case .peerSendsFragment: return fragments[Int(byte()) % fragments.count]
        case .peerFloods:
            let piece = fragments[Int(byte()) % fragments.count]
            return Array(repeatElement(piece, count: Int(byte()) + 1).joined())
        default: return []
        }
    }
}

/// What a rig simulates around its machine: the peer behind the socket, the clock, and the
/// scale of the run (small rules take small reads and small steps of time).
struct FuzzSurroundings {
    var clock = FuzzDeadline()
    var socket = FuzzSocket()
    /// Bytes one read returns at most (the driver's shared read buffer).
    let readChunk: Int
    /// Seconds per unit of a `timePasses` byte.
    let timeStep: Double

    /// The socket events both sides treat alike: the peer reads (`socketDrains`: the socket
    /// takes that many more bytes, a byte x 16) or the handshake ends (`handshake`: a byte says how).
    mutating func socketChanged(_ event: ConnectionFuzzEvent, _ input: inout FuzzEventReader) {
        switch event {
        case .socketDrains: socket.writeCapacity += Int(input.byte()) * 16
        case .handshake: socket.handshakeResult = FuzzSocket.handshakeResult(input.byte())
        default: break
        }
    }
}

/// The simulated clock: the connection's one deadline, fired when time reaches it.
struct FuzzDeadline {
    private(set) var now: Double = 0
    private(set) var due: Double?

    mutating func arm(after seconds: Double) throws(ConnectionRuleBroken) {
        guard seconds.isFinite, seconds > 0 else { throw ConnectionRuleBroken("armed a deadline of \(seconds) s") }
        due = now + seconds
    }

    mutating func cancel() { due = nil }

    /// Moves time forward to `target`, stopping at the deadline if it comes first: returns
    /// true when it stopped there (the deadline is then disarmed; the caller fires it).
    mutating func advance(to target: Double) -> Bool {
        if let d = due, d <= target {
            now = max(now, d)
            due = nil
            return true
        }
        now = max(now, target)
        return false
    }
}

/// How the simulated socket behaves for the next read or write, and the TLS handshake's next
/// result: what the fuzz input chose.
struct FuzzSocket {
    /// Bytes the peer has sent; those before `readIndex` have been read.
    private var inbound: [UInt8] = []
    private var readIndex = 0
    var peerClosed = false
    /// How many more bytes a write may take before the socket is full.
    var writeCapacity = 0
    var failNextIO = false
    var handshakeResult: HandshakeResult?

    enum HandshakeResult { case done, alert, closed }

    static func handshakeResult(_ byte: UInt8) -> HandshakeResult {
        switch byte % 4 {
        case 1: return .alert
        case 2: return .closed
        default: return .done
        }
    }

    var unread: Int { inbound.count - readIndex }

    mutating func peerSent(_ bytes: [UInt8]) { inbound += bytes }

    /// What a read or a write came to: bytes moved, nothing yet (wait for the socket), or a
    /// close or failure that has been reported to the machine.
    enum IOStep: Equatable {
        case read([UInt8])
        case wrote(Int)
        case wait
        case reported
    }

    /// Up to `limit` bytes of what the peer sent (`TLSStream.read`).
    mutating func read(upTo limit: Int, reportingTo machine: inout some TLSDrivenMachine) -> IOStep {
        if failNextIO {
            failNextIO = false
            machine.ioFailed("read failed")
            return .reported
        }
        guard unread > 0 else {
            guard peerClosed else { return .wait }
            machine.peerClosed()
            return .reported
        }
        let end = readIndex + min(limit, unread)
        defer {
            readIndex = end
            if readIndex == inbound.count { inbound.removeAll(keepingCapacity: true); readIndex = 0 }
        }
        return .read(Array(inbound[readIndex..<end]))
    }

    /// As many of `count` bytes as the socket has room for (`TLSStream.write`).
    mutating func write(_ count: Int, reportingTo machine: inout some TLSDrivenMachine) -> IOStep {
        if failNextIO {
            failNextIO = false
            machine.ioFailed("write failed")
            return .reported
        }
        let n = min(count, writeCapacity)
        guard n > 0 else { return .wait }
        writeCapacity -= n
        return .wrote(n)
    }

    /// Ends the handshake as the input chose; false while it waits for the peer.
    mutating func finishHandshake(_ machine: inout some TLSDrivenMachine) -> Bool {
        guard let result = handshakeResult else { return false }
        handshakeResult = nil
        switch result {
        case .done: machine.handshakeCompleted()
        case .alert: machine.handshakeFailed("alert from the fuzzer")
        case .closed: machine.handshakeFailed(nil)
        }
        return true
    }

    /// A new connection: nothing of the old one's traffic is left.
    mutating func reset() { self = FuzzSocket() }
}

