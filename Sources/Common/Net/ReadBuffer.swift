/// One scratch buffer for socket reads, shared by every connection of an event loop: decoded
/// bytes are copied into each connection's parser at once, so thousands of mostly idle
/// connections do not each hold their own 16–32 KiB.
/// Loop-confined (not Sendable): use it only on its loop's thread.
public final class ReadBuffer {
    public var bytes: [UInt8]

    public init(size: Int = 32 * 1024) { bytes = [UInt8](repeating: 0, count: size) }
}
