import Node
import COpenSSL

/// An X.509 v3 certificate under construction. `sign` ends the build and hands back the signed
/// certificate; the half-built `X509` is freed however the build ends.
struct CertificateBuilder: ~Copyable {
    /// `X509*`, owned while it is built; the result is a separate `Certificate` parsed from its DER.
    private let handle: OpaquePointer
    /// The CA that will sign; nil for the CA's own self-signed certificate.
    private let issuer: Certificate?

    /// Sets version 3, a random serial, validity from five minutes ago (clock skew) to
    /// `validityDays` from now, the subject, the key, and the issuer's name (or the subject's
    /// own, for a self-signed certificate).
    init(subject: borrowing DistinguishedName, publicKey: PublicKey, validityDays: Int, issuer: Certificate?) throws(PKIError) {
        guard let handle = X509_new() else { throw .openssl(OpenSSLError(operation: "X509_new")) }
        do throws(PKIError) {
            guard X509_set_version(handle, Int(X509_VERSION_3)) == 1 else {
                throw .openssl(OpenSSLError(operation: "X509_set_version"))
            }
            try Self.setRandomSerialNumber(handle)
            // getm: the validity times belong to the certificate and are adjusted in place.
            guard X509_gmtime_adj(X509_getm_notBefore(handle), -PKILimits.clockSkewSeconds) != nil,
                  X509_time_adj_ex(X509_getm_notAfter(handle), Int32(validityDays), 0, nil) != nil else {
                throw .openssl(OpenSSLError(operation: "X509_time_adj"))
            }
            // The setters copy the names and take a reference to the key.
            guard X509_set_subject_name(handle, subject.handle) == 1,
                  X509_set_issuer_name(handle, X509_get_subject_name(issuer?.handle ?? handle)) == 1,
                  X509_set_pubkey(handle, publicKey.handle) == 1 else {
                throw .openssl(OpenSSLError(operation: "X509_set_subject_name/issuer_name/pubkey"))
            }
        } catch {
            // Not yet owned by self, whose deinit only runs once init completes.
            X509_free(handle)
            throw error
        }
        self.handle = handle
        self.issuer = issuer
    }

    deinit { X509_free(handle) }

    /// 128 random bits with the top bit set: a positive serial of fixed size, within RFC 5280's
    /// 20 octets, and unpredictable (the CA/Browser Forum asks for 64 random bits at least), so
    /// no one can pre-compute a certificate's to-be-signed bytes.
    private static func setRandomSerialNumber(_ handle: OpaquePointer) throws(PKIError) {
        guard let bignum = BN_new() else { throw .openssl(OpenSSLError(operation: "BN_new")) }
        defer { BN_free(bignum) }
        guard BN_rand(bignum, 128, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) == 1,
              BN_to_ASN1_INTEGER(bignum, X509_get_serialNumber(handle)) != nil else {
            throw .openssl(OpenSSLError(operation: "BN_rand/BN_to_ASN1_INTEGER(serialNumber)"))
        }
    }

    /// Adds an extension written in OpenSSL's configuration syntax. The value is a
    /// `StaticString` so that only this module's constants, never outside input, reach that
    /// parser (where a comma or an `@section` would change the meaning).
    func addExtension(_ nid: Int32, _ value: StaticString) throws(PKIError) {
        var context = X509V3_CTX()
        // Key identifiers come from these: the subject's key (SKID) and the issuer's SKID (AKID).
        X509V3_set_ctx(&context, issuer?.handle ?? handle, handle, nil, nil, 0)
        guard let `extension` = X509V3_EXT_nconf_nid(nil, &context, nid, value.description) else {
            throw .openssl(OpenSSLError(operation: "X509V3_EXT_nconf_nid(\(value))"))
        }
        defer { X509_EXTENSION_free(`extension`) }
        // X509_add_ext stores a copy.
        guard X509_add_ext(handle, `extension`, -1) == 1 else {
            throw .openssl(OpenSSLError(operation: "X509_add_ext(\(value))"))
        }
    }

    func addSubjectAlternativeNames(_ names: [SubjectAlternativeName]) throws(PKIError) {
        let generalNames = try GeneralNames(names)
        // add1: the certificate keeps its own encoding of the names.
        guard X509_add1_ext_i2d(handle, NID_subject_alt_name, UnsafeMutableRawPointer(generalNames.handle), 0,
                                UInt(X509V3_ADD_DEFAULT)) == 1 else {
            throw .openssl(OpenSSLError(operation: "X509_add1_ext_i2d(subjectAltName)"))
        }
    }

    /// Signs with SHA-256 (ecdsa-with-SHA256 for the federation's P-256 keys) and returns the
    /// certificate parsed back from its DER, exactly as it will be written and sent.
    consuming func sign(with key: PrivateKey) throws(PKIError) -> Certificate {
        guard X509_sign(handle, key.handle, EVP_sha256()) > 0 else {
            throw .openssl(OpenSSLError(operation: "X509_sign"))
        }
        let der = try DER.encode(operation: "i2d_X509") { i2d_X509(handle, $0) }
        return try Certificate(der: der)
    }
}
