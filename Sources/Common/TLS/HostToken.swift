import COpenSSL

/// Per-host bearer tokens derived from the fleet's master secret, so the KV store holds one
/// secret and each host only ever sees its own token:
/// `hex(HMAC-SHA256(master secret, "cephadm-exporter token v1" NUL fsid NUL host))`.
/// The host name is lower-cased without a final dot (DNS names are case-insensitive), so the
/// name `fleet config issue` was given and the name the inventory gives derive the same token.
public enum HostToken {
    static let domain = "cephadm-exporter token v1"

    public static func derive(masterSecret: [UInt8], fsid: String, hostName: String) throws(TLSError) -> String {
        let message = Array(domain.utf8) + [0] + Array(fsid.utf8) + [0] + Array(canonicalName(hostName).utf8)
        return HexText.lowercase(try HMACSHA256.mac(key: masterSecret, message: message))
    }

    /// The form a host name takes in a derivation (and in the store's list of issued hosts).
    public static func canonicalName(_ name: String) -> String {
        var n = name.lowercased()
        if n.hasSuffix(".") && n.count > 1 { n.removeLast() }
        if n.hasPrefix("[") && n.hasSuffix("]") { n = String(n.dropFirst().dropLast()) }
        return n
    }
}

/// HMAC-SHA256 (RFC 2104) from OpenSSL.
public enum HMACSHA256 {
    public static func mac(key: [UInt8], message: [UInt8]) throws(TLSError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let done = key.withUnsafeBytes { k in
            message.withUnsafeBytes { m in
                HMAC(EVP_sha256(), k.baseAddress, Int32(k.count), m.bindMemory(to: UInt8.self).baseAddress, m.count, &out, &length)
            }
        }
        guard done != nil, length == 32 else { throw TLSError.fromQueue("HMAC-SHA256 failed") }
        return out
    }
}
