import Node
import COpenSSL

/// A member's public key: it verifies the member's signatures over canonical JSON, and the
/// directory pins it by `spkiSHA256Hex`, so a renewed certificate over the same key still matches.
///
/// `@unchecked Sendable`: the `EVP_PKEY` is never modified after `init`, OpenSSL objects are
/// thread-safe under calls that do not modify them (openssl-threads(7)), and every
/// verification runs in its own `EVP_MD_CTX`.
public final class PublicKey: @unchecked Sendable {
    /// `EVP_PKEY*`, owned. Other PKI files borrow it for the span of one call on this object.
    let handle: OpaquePointer
    /// The DER SubjectPublicKeyInfo: algorithm, parameters and key, as certificates carry it.
    public let spkiDER: [UInt8]
    /// Lowercase hex SHA-256 of `spkiDER`: the pin the directory lists for a member.
    public let spkiSHA256Hex: String

    /// Parses a DER SubjectPublicKeyInfo, as `spkiDER` produces and the directory may carry.
    public convenience init(spkiDER der: [UInt8]) throws(PKIError) {
        let key = try DER.decode(der, what: "the public key", operation: "d2i_PUBKEY", { d2i_PUBKEY(nil, $0, $1) },
                                 free: EVP_PKEY_free)
        try self.init(taking: key)
    }

    /// Takes ownership of `handle` (a `get1`/`new` reference) and frees it if the key is refused,
    /// since no `deinit` runs for an object whose `init` throws.
    init(taking handle: OpaquePointer) throws(PKIError) {
        let der: [UInt8]
        let digest: [UInt8]
        do throws(PKIError) {
            let securityBits = EVP_PKEY_get_security_bits(handle)
            guard securityBits >= PKILimits.minKeySecurityBits else { throw .weakKey(securityBits: securityBits) }
            der = try DER.encode(operation: "i2d_PUBKEY") { i2d_PUBKEY(handle, $0) }
            digest = try DER.sha256(der)
        } catch {
            EVP_PKEY_free(handle)
            throw error
        }
        self.handle = handle
        spkiDER = der
        spkiSHA256Hex = DER.lowercaseHex(digest)
    }

    deinit { EVP_PKEY_free(handle) }

    /// True when `signature` is this key's SHA-256 signature over `bytes` (DER ECDSA for the
    /// federation's P-256 keys). Any failure, malformed signatures included, answers false.
    public func verify(signature: [UInt8], of bytes: [UInt8]) -> Bool {
        guard let context = EVP_MD_CTX_new() else {
            OpenSSLError.discardQueue()
            return false
        }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestVerifyInit(context, nil, EVP_sha256(), nil, handle) == 1 else {
            OpenSSLError.discardQueue()
            return false
        }
        let result = signature.withUnsafeBufferPointer { signature in
            bytes.withUnsafeBufferPointer { bytes in
                EVP_DigestVerify(context, signature.baseAddress, signature.count, bytes.baseAddress, bytes.count)
            }
        }
        // A bad signature queues its parse or mismatch reason; the answer is the Bool alone.
        OpenSSLError.discardQueue()
        return result == 1
    }
}
