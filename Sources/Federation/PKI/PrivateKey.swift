import Node
import COpenSSL

/// A member's or the CA's private key. The federation's keys are ECDSA P-256: small, fast, and
/// accepted by every TLS stack the members run.
///
/// `@unchecked Sendable`: the `EVP_PKEY` is never modified after `init`, OpenSSL objects are
/// thread-safe under calls that do not modify them (openssl-threads(7)), and every signature
/// runs in its own `EVP_MD_CTX`.
public final class PrivateKey: @unchecked Sendable {
    /// `EVP_PKEY*`, owned. Other PKI files borrow it for the span of one call on this object.
    let handle: OpaquePointer
    /// The public half, parsed back from this key's SubjectPublicKeyInfo so it shares nothing
    /// with the private key.
    public let publicKey: PublicKey

    /// Takes ownership of `handle` and frees it if the key is refused, since no `deinit` runs
    /// for an object whose `init` throws.
    private init(taking handle: OpaquePointer) throws(PKIError) {
        do throws(PKIError) {
            let der = try DER.encode(operation: "i2d_PUBKEY") { i2d_PUBKEY(handle, $0) }
            publicKey = try PublicKey(spkiDER: der)
        } catch {
            EVP_PKEY_free(handle)
            throw error
        }
        self.handle = handle
    }

    deinit { EVP_PKEY_free(handle) }

    /// A fresh ECDSA key on NIST P-256 (prime256v1) from OpenSSL's default random generator.
    public static func generateP256() throws(PKIError) -> PrivateKey {
        guard let context = EVP_PKEY_CTX_new_from_name(nil, "EC", nil) else {
            throw .openssl(OpenSSLError(operation: "EVP_PKEY_CTX_new_from_name(EC)"))
        }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_keygen_init(context) == 1 else {
            throw .openssl(OpenSSLError(operation: "EVP_PKEY_keygen_init"))
        }
        guard EVP_PKEY_CTX_set_group_name(context, "P-256") == 1 else {
            throw .openssl(OpenSSLError(operation: "EVP_PKEY_CTX_set_group_name(P-256)"))
        }
        var key: OpaquePointer?
        guard EVP_PKEY_generate(context, &key) == 1, let key else {
            throw .openssl(OpenSSLError(operation: "EVP_PKEY_generate"))
        }
        return try PrivateKey(taking: key)
    }

    /// Reads an unencrypted PEM private key (PKCS#8, or the older SEC1/PKCS#1 forms).
    public convenience init(pemFile path: String) throws(PKIError) {
        try self.init(pemBytes: PEMFile.read(path: path), source: path)
    }

    public convenience init(pem: String) throws(PKIError) {
        try self.init(pemBytes: Array(pem.utf8), source: "the private key PEM")
    }

    private convenience init(pemBytes: [UInt8], source: String) throws(PKIError) {
        let bio = try MemoryBIO(copying: pemBytes, source: source)
        // The callback refuses every passphrase: OpenSSL's default would prompt on the
        // terminal, which a server must never do. An encrypted key therefore fails to load.
        guard let key = PEM_read_bio_PrivateKey(bio.handle, nil, { _, _, _, _ in 0 }, nil) else {
            throw .openssl(OpenSSLError(operation: "PEM_read_bio_PrivateKey(\(source))"))
        }
        try self.init(taking: key)
    }

    /// The key as unencrypted PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`); the file mode
    /// (0600) is its protection.
    public func pemString() throws(PKIError) -> String {
        let bio = try MemoryBIO()
        guard PEM_write_bio_PrivateKey(bio.handle, handle, nil, nil, 0, nil, nil) == 1 else {
            throw .openssl(OpenSSLError(operation: "PEM_write_bio_PrivateKey"))
        }
        return bio.text()
    }

    /// The DER SubjectPublicKeyInfo of the public half.
    public func publicKeyDER() -> [UInt8] { publicKey.spkiDER }

    /// Lowercase hex SHA-256 of the SubjectPublicKeyInfo: the pin the directory lists.
    public var spkiSHA256Hex: String { publicKey.spkiSHA256Hex }

    /// Creates `path` holding the PEM key, mode 0600, atomically. An existing file is never
    /// replaced (`.fileExists`): overwriting a key would orphan the certificates issued for it.
    public func write(to path: String) throws(PKIError) {
        try PEMFile.write(Array(pemString().utf8), to: path, mode: 0o600, replacing: false)
    }

    /// Signs `bytes` with SHA-256: a DER ECDSA signature for the federation's P-256 keys,
    /// which `PublicKey.verify(signature:of:)` checks.
    public func sign(_ bytes: [UInt8]) throws(PKIError) -> [UInt8] {
        guard let context = EVP_MD_CTX_new() else { throw .openssl(OpenSSLError(operation: "EVP_MD_CTX_new")) }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestSignInit(context, nil, EVP_sha256(), nil, handle) == 1 else {
            throw .openssl(OpenSSLError(operation: "EVP_DigestSignInit"))
        }
        return try bytes.withUnsafeBufferPointer { bytes throws(PKIError) in
            // The first call, without a buffer, reports the largest signature; ECDSA's DER
            // encoding is often a byte or two shorter, so the second call reports the real length.
            var length = 0
            guard EVP_DigestSign(context, nil, &length, bytes.baseAddress, bytes.count) == 1 else {
                throw .openssl(OpenSSLError(operation: "EVP_DigestSign(length)"))
            }
            var signature = [UInt8](repeating: 0, count: length)
            guard EVP_DigestSign(context, &signature, &length, bytes.baseAddress, bytes.count) == 1 else {
                throw .openssl(OpenSSLError(operation: "EVP_DigestSign"))
            }
            return Array(signature.prefix(length))
        }
    }
}
