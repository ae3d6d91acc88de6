import Common

/// A new cluster fsid: a random (version 4) UUID from the CSPRNG, as `ceph` makes them.
enum ClusterFSID {
    static func generate() throws(TLSError) -> String {
        var b = try SecureRandom.bytes(16)
        b[6] = (b[6] & 0x0F) | 0x40
        b[8] = (b[8] & 0x3F) | 0x80
        let hex = HexText.lowercase(b)
        let c = Array(hex)
        return [c[0..<8], c[8..<12], c[12..<16], c[16..<20], c[20..<32]].map { String($0) }.joined(separator: "-")
    }
}
