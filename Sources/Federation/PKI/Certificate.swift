import Node
import COpenSSL
import Foundation
import Schemas

/// An X.509 certificate: the federation CA's, a member's, or one from a PKIoverheid chain.
///
/// Everything a caller reads is decoded once, in `init`, so a certificate that loads is one
/// whose fields could all be read.
///
/// `@unchecked Sendable`: the `X509` is never modified after `init`, and OpenSSL objects are
/// thread-safe under calls that do not modify them (openssl-threads(7)); the extension cache
/// that verification fills is guarded by OpenSSL's own lock on the certificate.
public final class Certificate: @unchecked Sendable {
    /// `X509*`, owned. Other PKI files borrow it for the span of one call on this object.
    let handle: OpaquePointer
    /// The DER encoding, as sent in a TLS handshake.
    public let derBytes: [UInt8]
    /// The member's OIN, from the subject `serialNumber`; nil if absent, repeated or not 20 digits.
    public let subjectOIN: OIN?
    /// The subject common name, when there is exactly one.
    public let commonName: String?
    public let subjectAlternativeNames: [SubjectAlternativeName]
    public let notBefore: Date
    public let notAfter: Date
    /// The certificate serial number in lowercase hex, as CRLs and `openssl x509 -serial` name it.
    public let serialNumberHex: String
    /// True for basicConstraints CA:TRUE (with keyCertSign, if keyUsage is present).
    public let isCertificateAuthority: Bool
    public let publicKey: PublicKey
    /// Lowercase hex SHA-256 of the whole DER certificate, as `openssl x509 -fingerprint -sha256`
    /// prints it (without the colons).
    public let sha256FingerprintHex: String

    /// Lowercase hex SHA-256 of the SubjectPublicKeyInfo: the pin the directory lists.
    public var spkiSHA256Hex: String { publicKey.spkiSHA256Hex }

    /// Takes ownership of `handle` and frees it if a field cannot be read, since no `deinit`
    /// runs for an object whose `init` throws.
    private init(taking handle: OpaquePointer) throws(PKIError) {
        do throws(PKIError) {
            derBytes = try DER.encode(operation: "i2d_X509") { i2d_X509(handle, $0) }
            sha256FingerprintHex = DER.lowercaseHex(try DER.sha256(derBytes))
            // get0: the subject name belongs to the certificate.
            guard let subject = X509_get_subject_name(handle) else {
                throw .openssl(OpenSSLError(operation: "X509_get_subject_name"))
            }
            subjectOIN = DistinguishedName.singleEntry(NID_serialNumber, in: subject).flatMap(OIN.init)
            commonName = DistinguishedName.singleEntry(NID_commonName, in: subject)
            subjectAlternativeNames = try Self.subjectAlternativeNames(of: handle)
            notBefore = try Self.date(X509_get0_notBefore(handle), field: "notBefore")
            notAfter = try Self.date(X509_get0_notAfter(handle), field: "notAfter")
            serialNumberHex = try Self.serialNumberHex(of: handle)
            // 1 is X509_check_ca's answer for basicConstraints CA:TRUE; the other non-zero answers
            // (v1 self-signed, keyUsage or Netscape type only) are legacy, not a federation CA.
            isCertificateAuthority = X509_check_ca(handle) == 1
            // get1: a new reference, which PublicKey takes over.
            guard let key = X509_get_pubkey(handle) else { throw .openssl(OpenSSLError(operation: "X509_get_pubkey")) }
            publicKey = try PublicKey(taking: key)
        } catch {
            X509_free(handle)
            throw error
        }
        self.handle = handle
    }

    deinit { X509_free(handle) }

    /// Parses one DER certificate, as a TLS peer presents it.
    public convenience init(der: [UInt8]) throws(PKIError) {
        let x509 = try DER.decode(der, what: "the certificate", operation: "d2i_X509", { d2i_X509(nil, $0, $1) },
                                  free: X509_free)
        try self.init(taking: x509)
    }

    /// Reads the first certificate of a PEM file: a server's file lists its own certificate
    /// first and the chain after it.
    public convenience init(pemFile path: String) throws(PKIError) {
        try self.init(pemBytes: PEMFile.read(path: path), source: path)
    }

    public convenience init(pem: String) throws(PKIError) {
        try self.init(pemBytes: Array(pem.utf8), source: "the certificate PEM")
    }

    private convenience init(pemBytes: [UInt8], source: String) throws(PKIError) {
        let bio = try MemoryBIO(copying: pemBytes, source: source)
        guard let x509 = try Self.readNext(from: bio, source: source) else { throw .noCertificate(source: source) }
        try self.init(taking: x509)
    }

    /// Every certificate in a PEM file, in file order (a CA bundle or a leaf and its chain).
    public static func loadChain(pemFile path: String) throws(PKIError) -> [Certificate] {
        let bio = try MemoryBIO(copying: PEMFile.read(path: path), source: path)
        var chain: [Certificate] = []
        while let x509 = try readNext(from: bio, source: path) {
            guard chain.count < PKILimits.maxChainCertificates else {
                X509_free(x509)
                throw .tooManyCertificates(source: path, maxCount: PKILimits.maxChainCertificates)
            }
            chain.append(try Certificate(taking: x509))
        }
        guard !chain.isEmpty else { throw .noCertificate(source: path) }
        return chain
    }

    /// The next certificate in `bio` (owned by the caller), or nil at the end of the input.
    /// Blocks of other types (keys, parameters) are skipped by OpenSSL.
    private static func readNext(from bio: borrowing MemoryBIO, source: String) throws(PKIError) -> OpaquePointer? {
        if let x509 = PEM_read_bio_X509(bio.handle, nil, nil, nil) { return x509 }
        // OpenSSL reports the end of the input as a "no start line" error; any other entry
        // means a damaged block, which must not pass as the end of the file.
        let last = ERR_peek_last_error()
        guard last == 0 || (ERR_GET_LIB(last) == ERR_LIB_PEM && ERR_GET_REASON(last) == PEM_R_NO_START_LINE) else {
            throw .openssl(OpenSSLError(operation: "PEM_read_bio_X509(\(source))"))
        }
        OpenSSLError.discardQueue()
        return nil
    }

    public func pemString() throws(PKIError) -> String {
        let bio = try MemoryBIO()
        guard PEM_write_bio_X509(bio.handle, handle) == 1 else {
            throw .openssl(OpenSSLError(operation: "PEM_write_bio_X509"))
        }
        return bio.text()
    }

    /// True when `authority` signed this certificate and both are valid now.
    ///
    /// The store holds `authority` alone, so nothing else can complete the chain; partial-chain
    /// mode lets an intermediate (a PKIoverheid issuing CA) stand as that anchor. Strict mode
    /// applies RFC 5280's profile checks as Python's `ssl` does by default, so a certificate
    /// that passes here is not refused by a member's client. Purpose "any": serverAuth and
    /// clientAuth are both expected of members and are checked by the TLS stacks themselves.
    public func verify(issuedBy authority: Certificate) -> Bool {
        guard let store = X509_STORE_new() else {
            OpenSSLError.discardQueue()
            return false
        }
        defer { X509_STORE_free(store) }
        guard let context = X509_STORE_CTX_new() else {
            OpenSSLError.discardQueue()
            return false
        }
        defer { X509_STORE_CTX_free(context) }
        // The store takes its own reference to the authority's X509.
        guard X509_STORE_add_cert(store, authority.handle) == 1,
              X509_STORE_CTX_init(context, store, handle, nil) == 1,
              X509_STORE_CTX_set_purpose(context, X509_PURPOSE_ANY) == 1 else {
            OpenSSLError.discardQueue()
            return false
        }
        X509_STORE_CTX_set_flags(context, UInt(X509_V_FLAG_X509_STRICT | X509_V_FLAG_PARTIAL_CHAIN))
        let verified = X509_verify_cert(context) == 1
        // The reason for a refusal lives in the context; queued entries would only mislead later calls.
        OpenSSLError.discardQueue()
        return verified
    }

    private static func subjectAlternativeNames(of handle: OpaquePointer) throws(PKIError) -> [SubjectAlternativeName] {
        // `found` is -1 when the extension is absent and -2 when it is repeated.
        var found: Int32 = 0
        guard let decoded = X509_get_ext_d2i(handle, NID_subject_alt_name, &found, nil) else {
            guard found == -1 else {
                OpenSSLError.discardQueue()
                throw .malformed("the certificate's subjectAltName extension is repeated or undecodable")
            }
            return []
        }
        return GeneralNames(taking: OpaquePointer(decoded)).names
    }

    private static func date(_ time: UnsafePointer<ASN1_TIME>?, field: String) throws(PKIError) -> Date {
        var parts = tm()
        guard let time, ASN1_TIME_to_tm(time, &parts) == 1 else {
            throw .openssl(OpenSSLError(operation: "ASN1_TIME_to_tm(\(field))"))
        }
        return Date(timeIntervalSince1970: TimeInterval(timegm(&parts)))
    }

    private static func serialNumberHex(of handle: OpaquePointer) throws(PKIError) -> String {
        guard let serial = X509_get0_serialNumber(handle), let bignum = ASN1_INTEGER_to_BN(serial, nil) else {
            throw .openssl(OpenSSLError(operation: "ASN1_INTEGER_to_BN(serialNumber)"))
        }
        defer { BN_free(bignum) }
        guard let hex = BN_bn2hex(bignum) else { throw .openssl(OpenSSLError(operation: "BN_bn2hex")) }
        defer { kp_OPENSSL_free(hex) }
        return String(cString: hex).lowercased()
    }
}
