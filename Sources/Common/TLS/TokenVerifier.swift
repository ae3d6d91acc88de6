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
        _ = bytes.withUnsafeBytes { raw in EVP_Digest(raw.baseAddress, raw.count, &md, &len, SHA256Algorithm.shared.handle, nil) }
        return md
    }
}

/// SHA-256 fetched from the provider once: `EVP_sha256()` makes every digest look the
/// implementation up again, which costs more than hashing a token.
/// @unchecked Sendable: a fetched EVP_MD is immutable and safe to use from any thread.
final class SHA256Algorithm: @unchecked Sendable {
    static let shared = SHA256Algorithm()
    let handle: OpaquePointer?

    private init() { handle = EVP_MD_fetch(nil, "SHA256", nil) ?? EVP_sha256() }
}
