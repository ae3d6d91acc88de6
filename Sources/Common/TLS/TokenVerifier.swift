import COpenSSL

/// The token a host accepted before a rotation, and until when it still accepts it (the grace
/// period in which `fleet` and other clients move to the new one).
public struct PreviousToken: Sendable, Equatable {
    public let token: String
    /// Epoch seconds; the token is refused from this instant on.
    public let expiresEpochSecs: Double

    public init(token: String, expiresEpochSecs: Double) {
        self.token = token
        self.expiresEpochSecs = expiresEpochSecs
    }
}

/// Checks `Authorization: Bearer <token>` in constant time: both sides are hashed with SHA-256
/// and the digests compared with CRYPTO_memcmp, so neither the content nor the length of the
/// expected token leaks through timing. During a rotation's grace period the previous token is
/// accepted too (both are compared on every request, so timing does not tell which matched).
public struct TokenVerifier: Sendable {
    private let expectedDigest: [UInt8]
    private let previousDigest: [UInt8]?
    private let previousExpires: Double
    /// Wall-clock epoch seconds, for the previous token's expiry.
    private let clock: @Sendable () -> Double

    public init(token: String, previous: PreviousToken? = nil, clock: @escaping @Sendable () -> Double = { Clock.wallSeconds() }) {
        expectedDigest = TokenVerifier.sha256(Array(token.utf8))
        previousDigest = previous.map { TokenVerifier.sha256(Array($0.token.utf8)) }
        previousExpires = previous?.expiresEpochSecs ?? 0
        self.clock = clock
    }

    /// True when the header is exactly `Bearer ` followed by the token, or by the previous token
    /// before its expiry (the scheme word is case-sensitive, as in Pacific).
    public func accepts(authorizationHeader: String?) -> Bool {
        guard let header = authorizationHeader else { return false }
        let bytes = Array(header.utf8)
        let prefix = Array("Bearer ".utf8)
        let hasPrefix = bytes.count >= prefix.count && Array(bytes[0..<prefix.count]) == prefix
        let presented = hasPrefix ? Array(bytes[prefix.count...]) : bytes
        let digest = TokenVerifier.sha256(presented)
        let current = Self.equal(digest, expectedDigest)
        let previous = previousDigest.map { Self.equal(digest, $0) } ?? false
        return hasPrefix && (current || (previous && clock() < previousExpires))
    }

    private static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.withUnsafeBytes { x in b.withUnsafeBytes { y in CRYPTO_memcmp(x.baseAddress, y.baseAddress, 32) == 0 } }
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
