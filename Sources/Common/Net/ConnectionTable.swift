/// Who may hold one of the server's connection slots, without sockets: a cap on connections,
/// a cap per client address (`SocketAddress.clientKey`: an IPv6 client's whole /64), and eviction of connections that have not finished their TLS
/// handshake, oldest first, when a new one arrives at the cap.
///
/// A slot held by a TCP connection that never sends a ClientHello costs an attacker nothing,
/// so such connections must not be able to lock real clients out. A connection past its
/// handshake is kept: it is a real TLS client (a kept-alive poller, say). Pure and
/// loop-confined; ids are the caller's (the server numbers its connections).
struct ConnectionTable {
    /// Why a new connection is not admitted.
    enum Refusal: Equatable, CustomStringConvertible {
        /// Every slot is held by a connection past its handshake.
        case full(limit: Int)
        /// This address already holds its share of the slots.
        case addressFull(limit: Int)

        var description: String {
            switch self {
            case .full(let limit): return "connection limit (\(limit)) reached"
            case .addressFull(let limit): return "per-address connection limit (\(limit)) reached"
            }
        }
    }

    enum Decision: Equatable {
        case admit
        /// Admit after closing this connection (the oldest one still in its handshake).
        case admitEvicting(UInt64)
        case refuse(Refusal)
    }

    let capacity: Int
    let perAddressLimit: Int

    private var addressOf: [UInt64: String] = [:]
    private var perAddress: [String: Int] = [:]
    /// Connections still in their handshake, in arrival order; ids that have since finished
    /// or closed stay in `arrivals` until they reach its head (lazy deletion keeps each
    /// operation O(1) amortized).
    private var handshaking: Set<UInt64> = []
    private var arrivals: [UInt64] = []
    private var arrivalsHead = 0

    /// The default share of one address: a quarter of the slots (at least one), so a single
    /// host cannot lock everyone else out, while a fleet poller (one connection per exporter),
    /// a benchmark's 64 connections or a NAT gateway in front of many clients still fit.
    static func defaultPerAddressLimit(capacity: Int) -> Int { max(1, capacity / 4) }

    init(capacity: Int, perAddressLimit: Int? = nil) {
        self.capacity = max(1, capacity)
        self.perAddressLimit = max(1, perAddressLimit ?? Self.defaultPerAddressLimit(capacity: capacity))
    }

    var count: Int { addressOf.count }
    var handshakingCount: Int { handshaking.count }
    func count(of address: String) -> Int { perAddress[address] ?? 0 }

    /// Decides on a new connection from `address`; `add` it when admitted.
    mutating func admit(from address: String) -> Decision {
        if count(of: address) >= perAddressLimit { return .refuse(.addressFull(limit: perAddressLimit)) }
        guard count >= capacity else { return .admit }
        guard let oldest = oldestHandshaking() else { return .refuse(.full(limit: capacity)) }
        return .admitEvicting(oldest)
    }

    mutating func add(_ id: UInt64, address: String) {
        guard addressOf.updateValue(address, forKey: id) == nil else { return }
        perAddress[address, default: 0] += 1
        handshaking.insert(id)
        arrivals.append(id)
    }

    /// The connection is past its TLS handshake: it is no longer evictable.
    mutating func handshakeCompleted(_ id: UInt64) {
        handshaking.remove(id)
        compactIfMostlyStale()
    }

    mutating func remove(_ id: UInt64) {
        guard let address = addressOf.removeValue(forKey: id) else { return }
        let left = (perAddress[address] ?? 1) - 1
        perAddress[address] = left > 0 ? left : nil
        handshaking.remove(id)
        compactIfMostlyStale()
    }

    private mutating func oldestHandshaking() -> UInt64? {
        while arrivalsHead < arrivals.count {
            let id = arrivals[arrivalsHead]
            if handshaking.contains(id) { return id }
            arrivalsHead += 1
        }
        return nil
    }

    private mutating func compactIfMostlyStale() {
        guard arrivals.count > 64, arrivals.count > 2 * handshaking.count else { return }
        arrivals = arrivals[arrivalsHead...].filter { handshaking.contains($0) }
        arrivalsHead = 0
    }
}
