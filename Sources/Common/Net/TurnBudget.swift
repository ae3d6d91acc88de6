/// How much work one connection may do in one turn of its event loop before it yields to the
/// others (and to the timers): bytes of decrypted input read, and pipelined requests answered
/// (a server connection; a client has one request in flight). A connection that still has
/// work left is resumed on the next turn (`EventLoop.resumeNextTurn`), so a peer that floods
/// gets its share and no more.
public struct TurnBudget: Sendable, Hashable {
    /// Reading stops for this turn once this many plaintext bytes have been read (one more
    /// read buffer at most).
    public var maxBytes: Int
    /// Answering stops for this turn after this many pipelined requests.
    public var maxMessages: Int

    public init(maxBytes: Int, maxMessages: Int) {
        self.maxBytes = max(1, maxBytes)
        self.maxMessages = max(1, maxMessages)
    }

    /// A server connection: 64 KiB and 16 pipelined requests per turn. One ordinary request is
    /// a few hundred bytes, so only a flooding or heavily pipelining client ever yields.
    public static let server = TurnBudget(maxBytes: 64 * 1024, maxMessages: 16)
    /// A client connection: 256 KiB per turn, several typical metadata bodies.
    /// (`maxMessages` does not apply: one request is in flight at a time.)
    public static let client = TurnBudget(maxBytes: 256 * 1024, maxMessages: 1)
}
