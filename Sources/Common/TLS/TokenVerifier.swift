import COpenSSL

/// Checks `Authorization: Bearer <token>` in constant time: both sides are hashed with SHA-256
/// and the digests compared with CRYPTO_memcmp, so neither the content nor the length of the
/// expected token leaks through timing.
public struct TokenVerifier: Sendable {
    private let expectedDigest: [UInt8]

    public init(token: String) {
        expectedDigest = TokenVerifier.sha256(Array(token.utf8))
    }

    /// True when the header is exactly `Bearer ` followed by the token (the scheme word is
    /// case-sensitive, as in Pacific).
    public func accepts(authorizationHeader: String?) -> Bool {
        guard let header = authorizationHeader else { return false }
        let bytes = Array(header.utf8)
        let prefix = Array("Bearer ".utf8)
        let hasPrefix = bytes.count >= prefix.count && Array(bytes[0..<prefix.count]) == prefix
        let presented = hasPrefix ? Array(bytes[prefix.count...]) : bytes
        let digest = TokenVerifier.sha256(presented)
        let equal = digest.withUnsafeBytes { a in
            expectedDigest.withUnsafeBytes { b in CRYPTO_memcmp(a.baseAddress, b.baseAddress, 32) == 0 }
        }
        return hasPrefix && equal
    }

    static func sha256(_ bytes: [UInt8]) -> [UInt8] {
        var md = [UInt8](repeating: 0, count: 32)
        var len: UInt32 = 0
        _ = bytes.withUnsafeBytes { raw in EVP_Digest(raw.baseAddress, raw.count, &md, &len, EVP_sha256(), nil) }
        return md
    }
}
