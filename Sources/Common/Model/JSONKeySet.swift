import Glibc

/// A few object keys looked for in raw bytes: matched by length and first byte, then byte for
/// byte (JSON's and the parser's rule), without making a String of keys that are dropped. The
/// keys' bytes lie one after another in one array (no array per key to retain and release); a
/// class, so that passing a set around retains one object.
final class JSONKeySet: Sendable {
    private let bytes: [UInt8]
    /// Where each key's bytes end in `bytes` (each starts where the one before ends).
    private let ends: [Int]
    /// Bit `k` is set when a key is `k` bytes long (`k` < 64); bit 63 also stands for longer ones.
    private let lengths: UInt64

    init(_ keys: [String]) {
        bytes = keys.flatMap { Array($0.utf8) }
        var ends: [Int] = []
        var end = 0
        var lengths: UInt64 = 0
        for key in keys {
            end += key.utf8.count
            ends.append(end)
            lengths |= 1 << UInt64(min(key.utf8.count, 63))
        }
        self.ends = ends
        self.lengths = lengths
    }

    /// False when no key is `length` bytes long: most keys of a skimmed object are dropped
    /// without a comparison.
    @inline(__always)
    func mayHold(length: Int) -> Bool { lengths >> UInt64(min(length, 63)) & 1 != 0 }

    /// The index of the key whose quoted text, holding an escape, is at `quoted` in `buf`: it
    /// is decoded first (keys without one are compared in place with `index(of:)`).
    func index(ofEscapedKeyAt quoted: Range<Int>, in buf: UnsafeBufferPointer<UInt8>) -> Int? {
        var at = quoted.lowerBound
        guard var text = try? JSONParser.string(in: buf, at: &at) else { return nil }
        return text.withUTF8 { index(of: $0) }
    }

    /// The index of the key equal to `key`, if any.
    func index(of key: UnsafeBufferPointer<UInt8>) -> Int? {
        let count = key.count
        return bytes.withUnsafeBufferPointer { all -> Int? in
            var start = 0
            for i in ends.indices {
                let end = ends[i]
                if end &- start == count {
                    guard count > 0, let k = key.baseAddress, let b = all.baseAddress else { return i }
                    if b[start] == k[0], memcmp(b + start, k, count) == 0 { return i }
                }
                start = end
            }
            return nil
        }
    }
}
