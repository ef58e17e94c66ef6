import Node
import COpenSSL
import Schemas

/// A PKCS#10 certificate request: how a member that keeps its key on its own machine asks the
/// registry for a certificate. The CA reads only its subject CN, OIN and requested hosts.
///
/// `@unchecked Sendable`: the `X509_REQ` is never modified after `init`, and OpenSSL objects are
/// thread-safe under calls that do not modify them (openssl-threads(7)).
public final class CertificateSigningRequest: @unchecked Sendable {
    /// `X509_REQ*`, owned.
    private let handle: OpaquePointer
    /// The subject's `serialNumber` text when there is exactly one; the CA tells a missing OIN
    /// from a malformed one by it.
    let subjectSerialNumber: String?
    /// The requesting member's OIN, from the subject `serialNumber`.
    public let subjectOIN: OIN?
    public let commonName: String?
    /// The DNS names and IP addresses asked for in the request's subjectAltName, as bare hosts.
    public let requestedHosts: [String]
    public let publicKey: PublicKey

    /// Takes ownership of `handle` and frees it if a field cannot be read, since no `deinit`
    /// runs for an object whose `init` throws.
    private init(taking handle: OpaquePointer) throws(PKIError) {
        do throws(PKIError) {
            // get0: the subject name belongs to the request.
            guard let subject = X509_REQ_get_subject_name(handle) else {
                throw .openssl(OpenSSLError(operation: "X509_REQ_get_subject_name"))
            }
            subjectSerialNumber = DistinguishedName.singleEntry(NID_serialNumber, in: subject)
            subjectOIN = subjectSerialNumber.flatMap(OIN.init)
            commonName = DistinguishedName.singleEntry(NID_commonName, in: subject)
            requestedHosts = try Self.requestedHosts(of: handle)
            // get1: a new reference, which PublicKey takes over.
            guard let key = X509_REQ_get_pubkey(handle) else {
                throw .openssl(OpenSSLError(operation: "X509_REQ_get_pubkey"))
            }
            publicKey = try PublicKey(taking: key)
        } catch {
            X509_REQ_free(handle)
            throw error
        }
        self.handle = handle
    }

    deinit { X509_REQ_free(handle) }

    /// A request signed by `key` for subject `O=name, CN=name, serialNumber=OIN`, asking for
    /// `hosts` (IP literals as IP names, the rest as DNS names) in a subjectAltName extension.
    /// No hosts means no extension: the CA then decides the names.
    public static func create(key: PrivateKey, oin: OIN, name: String, hosts: [String]) throws(PKIError)
        -> CertificateSigningRequest
    {
        guard hosts.count <= PKILimits.maxHosts else {
            throw .tooManyHosts(count: hosts.count, maxCount: PKILimits.maxHosts)
        }
        let names = try hosts.map { host throws(PKIError) in try SubjectAlternativeName(host: host) }
        let subject = try DistinguishedName(name: name, oin: oin)
        guard let request = X509_REQ_new() else { throw .openssl(OpenSSLError(operation: "X509_REQ_new")) }
        defer { X509_REQ_free(request) }
        // Version 1 is encoded as 0 (RFC 2986); set_subject_name copies, set_pubkey takes a reference.
        guard X509_REQ_set_version(request, Int(X509_REQ_VERSION_1)) == 1,
              X509_REQ_set_subject_name(request, subject.handle) == 1,
              X509_REQ_set_pubkey(request, key.handle) == 1 else {
            throw .openssl(OpenSSLError(operation: "X509_REQ_set_subject_name/pubkey"))
        }
        if !names.isEmpty {
            try addSubjectAlternativeNames(names, to: request)
        }
        guard X509_REQ_sign(request, key.handle, EVP_sha256()) > 0 else {
            throw .openssl(OpenSSLError(operation: "X509_REQ_sign"))
        }
        // Round-trip through DER: the returned request is exactly what the PEM will carry.
        let der = try DER.encode(operation: "i2d_X509_REQ") { i2d_X509_REQ(request, $0) }
        let parsed = try DER.decode(der, what: "the certificate request", operation: "d2i_X509_REQ",
                                    { d2i_X509_REQ(nil, $0, $1) }, free: X509_REQ_free)
        return try CertificateSigningRequest(taking: parsed)
    }

    private static func addSubjectAlternativeNames(
        _ names: [SubjectAlternativeName], to request: OpaquePointer
    ) throws(PKIError) {
        let generalNames = try GeneralNames(names)
        guard let extensions = kp_sk_X509_EXTENSION_new_null() else {
            throw .openssl(OpenSSLError(operation: "sk_X509_EXTENSION_new_null"))
        }
        // pop_free frees the stack and the extension it holds.
        defer { kp_sk_X509_EXTENSION_pop_free(extensions) }
        guard let subjectAltName = X509V3_EXT_i2d(NID_subject_alt_name, 0, UnsafeMutableRawPointer(generalNames.handle)) else {
            throw .openssl(OpenSSLError(operation: "X509V3_EXT_i2d(subjectAltName)"))
        }
        guard kp_sk_X509_EXTENSION_push(extensions, subjectAltName) > 0 else {
            X509_EXTENSION_free(subjectAltName)
            throw .openssl(OpenSSLError(operation: "sk_X509_EXTENSION_push"))
        }
        // X509_REQ_add_extensions copies the stack into the request's attributes.
        guard X509_REQ_add_extensions(request, extensions) == 1 else {
            throw .openssl(OpenSSLError(operation: "X509_REQ_add_extensions"))
        }
    }

    /// Reads a PEM certificate signing request file, as `init` writes it (`tls/node.csr`).
    public convenience init(pemFile path: String) throws(PKIError) {
        let bio = try MemoryBIO(copying: PEMFile.read(path: path), source: path)
        guard let request = PEM_read_bio_X509_REQ(bio.handle, nil, nil, nil) else {
            throw .openssl(OpenSSLError(operation: "PEM_read_bio_X509_REQ(\(path))"))
        }
        try self.init(taking: request)
    }

    public convenience init(pem: String) throws(PKIError) {
        let bio = try MemoryBIO(copying: Array(pem.utf8), source: "the certificate request PEM")
        guard let request = PEM_read_bio_X509_REQ(bio.handle, nil, nil, nil) else {
            throw .openssl(OpenSSLError(operation: "PEM_read_bio_X509_REQ"))
        }
        try self.init(taking: request)
    }

    public func pemString() throws(PKIError) -> String {
        let bio = try MemoryBIO()
        guard PEM_write_bio_X509_REQ(bio.handle, handle) == 1 else {
            throw .openssl(OpenSSLError(operation: "PEM_write_bio_X509_REQ"))
        }
        return bio.text()
    }

    /// True when the request is signed by the key it carries: proof that the requester holds
    /// that key and that nothing in the request changed since it was signed.
    public func verifySelfSignature() -> Bool {
        let verified = X509_REQ_verify(handle, publicKey.handle) == 1
        // A refusal queues its reason; the answer is the Bool alone.
        OpenSSLError.discardQueue()
        return verified
    }

    private static func requestedHosts(of handle: OpaquePointer) throws(PKIError) -> [String] {
        // A new stack of copies, ours to free; OpenSSL 3 answers an empty stack when the request
        // has no extensions, and nil only when its extension attribute is malformed.
        guard let extensions = X509_REQ_get_extensions(handle) else {
            throw .openssl(OpenSSLError(operation: "X509_REQ_get_extensions"))
        }
        defer { kp_sk_X509_EXTENSION_pop_free(extensions) }
        // `found` is -1 when the extension is absent and -2 when it is repeated.
        var found: Int32 = 0
        guard let decoded = X509V3_get_d2i(extensions, NID_subject_alt_name, &found, nil) else {
            guard found == -1 else {
                OpenSSLError.discardQueue()
                throw .malformed("the request's subjectAltName extension is repeated or undecodable")
            }
            return []
        }
        return GeneralNames(taking: OpaquePointer(decoded)).names.map(\.host)
    }
}
