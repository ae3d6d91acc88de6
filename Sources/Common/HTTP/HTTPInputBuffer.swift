/// Received bytes not yet consumed by a parser. Consumption only moves `start`; the array is
/// compacted lazily so a burst of pipelined requests is not shifted once per request, and the
/// LF search resumes where it stopped so byte-at-a-time input is scanned once, not quadratically.
struct HTTPInputBuffer: Sendable {
    private(set) var storage: [UInt8] = []
    private(set) var start = 0
    /// Absolute index up to which the pending line is known to contain no LF.
    private var scanned = 0
    /// Bytes taken out so far (lines with their endings, body bytes, skipped bytes), for limits
    /// on how much one message may take in total.
    private(set) var consumed = 0

    /// A complete line: `content` (absolute indices into `storage`) excludes the LF and a CR
    /// right before it.
    struct Line {
        var content: Range<Int>
    }

    var count: Int { storage.count - start }
    var isEmpty: Bool { start == storage.count }

    /// Bytes of the pending (LF-less) line, not counting one trailing CR that may turn out to
    /// be the first half of its CRLF. Used to enforce line limits before the line completes.
    var pendingLineLength: Int {
        let length = count
        return (length > 0 && storage[storage.count - 1] == 0x0D) ? length - 1 : length
    }

    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        compact()
        storage.append(contentsOf: bytes)
    }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        bytes.withMemoryRebound(to: UInt8.self) { append($0) }
    }

    mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { append($0) }
    }

    /// Takes the next LF-terminated line, or returns nil (consuming nothing) if none is complete.
    mutating func takeLine() -> Line? {
        let from = max(scanned, start)
        guard let lf = storage[from...].firstIndex(of: 0x0A) else {
            scanned = storage.count
            return nil
        }
        var end = lf
        if end > start, storage[end - 1] == 0x0D { end -= 1 }
        let line = Line(content: start..<end)
        consumed += lf + 1 - start
        start = lf + 1
        scanned = start
        return line
    }

    /// Counts `n` bytes that a parser took from its input before they reached this buffer
    /// (body bytes copied straight to the body), so limits on a message's total still see them.
    mutating func countTakenOutside(_ n: Int) {
        consumed += n
    }

    /// Takes up to `limit` raw bytes (body data).
    mutating func take(upTo limit: Int) -> Range<Int> {
        let n = min(limit, count)
        let range = start..<(start + n)
        start += n
        consumed += n
        scanned = max(scanned, start)
        return range
    }

    func peek(_ offset: Int) -> UInt8? {
        let index = start + offset
        return index < storage.count ? storage[index] : nil
    }

    mutating func skip(_ n: Int) {
        let end = min(start + n, storage.count)
        consumed += end - start
        start = end
        scanned = max(scanned, start)
    }

    mutating func discardAll() {
        storage.removeAll(keepingCapacity: false)
        start = 0
        scanned = 0
    }

    /// Runs `body` over bytes taken by `takeLine`/`take`. Static and fed `storage` as an
    /// argument (a retain, not a byte copy) so `body` may mutate the parser that owns this
    /// buffer without overlapping an access to it.
    static func withBytes<R>(of storage: [UInt8], _ range: Range<Int>, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        storage.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[range])) }
    }

    /// Drops consumed bytes. Cheap when everything was consumed (the common case between
    /// requests); otherwise only once the dead prefix is large enough to be worth a move.
    private mutating func compact() {
        guard start > 0 else { return }
        if start == storage.count {
            storage.removeAll(keepingCapacity: storage.capacity <= 64 * 1024)
        } else if start >= 4096 || start * 2 >= storage.count {
            storage.removeSubrange(0..<start)
        } else {
            return
        }
        scanned -= start
        if scanned < 0 { scanned = 0 }
        start = 0
    }
}
