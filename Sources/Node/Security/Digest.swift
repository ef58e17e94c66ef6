import COpenSSL

/// SHA-256, secure random bytes and constant-time comparison, from OpenSSL: the few primitives
/// the node itself needs for API keys, audit hashes, ETags and name-based ids.
public enum Digest {
    public static func sha256(_ bytes: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        var length: UInt32 = 0
        let succeeded = bytes.withUnsafeBufferPointer { buffer in
            EVP_Digest(buffer.baseAddress, buffer.count, &digest, &length, FetchedSHA256.shared.handle, nil) == 1
        }
        precondition(succeeded && length == SHA256_DIGEST_LENGTH, "SHA-256 failed: \(OpenSSLError(operation: "EVP_Digest"))")
        return digest
    }

    /// SHA-1, only for name-based UUIDs (RFC 9562 version 5), which are defined over it; never
    /// for anything that must resist collisions.
    public static func sha1(_ bytes: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(SHA_DIGEST_LENGTH))
        bytes.withUnsafeBufferPointer { buffer in
            _ = SHA1(buffer.baseAddress, buffer.count, &digest)
        }
        return digest
    }

    public static func sha256Hex(_ bytes: [UInt8]) -> String { hex(sha256(bytes)) }

    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Bytes from OpenSSL's CSPRNG. Failure means the process cannot make secrets safely at all.
    public static func randomBytes(_ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        guard RAND_bytes(&bytes, Int32(count)) == 1 else {
            preconditionFailure("RAND_bytes failed: \(OpenSSLError(operation: "RAND_bytes"))")
        }
        return bytes
    }

    /// Compares without an early exit, so the time taken says nothing about where secrets differ.
    public static func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return lhs.withUnsafeBytes { left in
            rhs.withUnsafeBytes { right in CRYPTO_memcmp(left.baseAddress, right.baseAddress, left.count) == 0 }
        }
    }
}

/// OpenSSL's SHA-256 implementation, fetched once. `SHA256()` and `EVP_sha256()` look the
/// implementation up in the provider store on every call, under its lock: with a hash for every
/// API key check, request fingerprint and journal entry, that lookup cost more than the hash
/// (1.2 µs against 0.55 µs for 300 bytes on one thread, and more with many threads contending).
/// A fetched `EVP_MD` is immutable and safe to share between threads.
private final class FetchedSHA256: @unchecked Sendable {
    static let shared = FetchedSHA256()

    let handle: OpaquePointer

    private init() {
        guard let handle = EVP_MD_fetch(nil, "SHA256", nil) else {
            preconditionFailure("OpenSSL has no SHA-256: \(OpenSSLError(operation: "EVP_MD_fetch"))")
        }
        self.handle = handle
    }

    deinit {
        EVP_MD_free(handle)
    }
}
