extension StringProtocol {
    /// The text without leading and trailing white space (Unicode's idea of it, as Python's
    /// `str.strip()` has it: sysfs attributes end in "\n", hand-written files in "\r\n").
    public func trimmingWhitespace() -> String {
        // Almost everything trimmed here is ASCII: avoid walking Characters for it.
        let fast = utf8.withContiguousStorageIfAvailable { bytes -> String? in
            guard !bytes.contains(where: { $0 >= 0x80 }) else { return nil }
            var lower = 0, upper = bytes.count
            while lower < upper, Self.isASCIIWhitespace(bytes[lower]) { lower += 1 }
            while upper > lower, Self.isASCIIWhitespace(bytes[upper - 1]) { upper -= 1 }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[lower..<upper]), as: UTF8.self)
        }
        if let fast, let text = fast { return text }
        guard let first = firstIndex(where: { !$0.isWhitespace }),
              let last = lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return String(self[first...last])
    }

    private static func isASCIIWhitespace(_ b: UInt8) -> Bool {
        b == 0x20 || (0x09...0x0D).contains(b)
    }
}
