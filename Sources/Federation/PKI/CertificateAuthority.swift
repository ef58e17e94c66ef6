import COpenSSL
import Foundation
import Glibc
import Schemas

/// The federation's certificate authority: the registry's trust anchor, which issues every
/// member's certificate. It lives in a directory as `ca.crt` (0644) and `ca.key` (0600).
public struct CertificateAuthority: Sendable {
    public static let certificateFileName = "ca.crt"
    public static let keyFileName = "ca.key"

    public let certificate: Certificate
    public let key: PrivateKey

    private init(certificate: Certificate, key: PrivateKey) {
        self.certificate = certificate
        self.key = key
    }

    /// Creates a new CA in `directory` (made with mode 0700 if missing): a P-256 key and a
    /// self-signed certificate for `CN=name, O=name`, basicConstraints critical CA:TRUE with
    /// pathlen:0 (members cannot run sub-CAs), keyUsage critical keyCertSign and cRLSign.
    /// Refuses if either file exists: replacing a CA would orphan every member certificate.
    public static func create(directory: String, name: String, validityDays: Int = 3650) throws(PKIError)
        -> CertificateAuthority
    {
        guard PKILimits.authorityValidityDays.contains(validityDays) else {
            throw .invalidValidity(days: validityDays, allowed: PKILimits.authorityValidityDays)
        }
        let subject = try DistinguishedName(name: name, oin: nil)
        // An existing directory keeps its mode: the operator chose it.
        if mkdir(directory, 0o700) != 0 && errno != EEXIST {
            throw .io(path: directory, errno: errno)
        }
        let key = try PrivateKey.generateP256()
        let builder = try CertificateBuilder(subject: subject, publicKey: key.publicKey, validityDays: validityDays,
                                             issuer: nil)
        try builder.addExtension(NID_basic_constraints, "critical,CA:TRUE,pathlen:0")
        try builder.addExtension(NID_key_usage, "critical,keyCertSign,cRLSign")
        try builder.addExtension(NID_subject_key_identifier, "hash")
        let certificate = try builder.sign(with: key)
        try PEMFile.writePair(certificate: certificate, certificatePath: path(directory, certificateFileName),
                              key: key, keyPath: path(directory, keyFileName))
        return CertificateAuthority(certificate: certificate, key: key)
    }

    /// Loads the CA from `directory`, refusing a certificate that is not a CA and a key that
    /// is not the certificate's (same SubjectPublicKeyInfo), so issuing cannot sign with the
    /// wrong key and produce certificates nobody can verify.
    public static func load(directory: String) throws(PKIError) -> CertificateAuthority {
        let certificatePath = path(directory, certificateFileName)
        let keyPath = path(directory, keyFileName)
        let certificate = try Certificate(pemFile: certificatePath)
        guard certificate.isCertificateAuthority else { throw .notACertificateAuthority(path: certificatePath) }
        let key = try PrivateKey(pemFile: keyPath)
        guard key.spkiSHA256Hex == certificate.spkiSHA256Hex else {
            throw .keyDoesNotMatchCertificate(keyPath: keyPath, certificatePath: certificatePath)
        }
        return CertificateAuthority(certificate: certificate, key: key)
    }

    /// Copies this CA into `directory` (created with mode 0700): `ca.crt` 0644 and `ca.key` 0600,
    /// as a registry's data folder keeps it for `knooppunt registry admit`. Refuses to replace
    /// either file, like `create`.
    public func install(in directory: String) throws(PKIError) {
        if mkdir(directory, 0o700) != 0 && errno != EEXIST {
            throw .io(path: directory, errno: errno)
        }
        try PEMFile.writePair(certificate: certificate, certificatePath: Self.path(directory, Self.certificateFileName),
                              key: key, keyPath: Self.path(directory, Self.keyFileName))
    }

    /// Issues a member certificate over a new P-256 key, for nodes whose key the registry
    /// hands over together with the certificate.
    public func issue(oin: OIN, name: String, hosts: [String], validityDays: Int = 825) throws(PKIError)
        -> (certificate: Certificate, key: PrivateKey)
    {
        let key = try PrivateKey.generateP256()
        let certificate = try issueMember(publicKey: key.publicKey, oin: oin, name: name, hosts: hosts,
                                          validityDays: validityDays)
        return (certificate, key)
    }

    /// Issues a member certificate for a request, whose key never leaves the member. Only the
    /// request's CN and OIN are copied, after its signature verifies; its extensions are never
    /// copied, so a request cannot ask to become a CA. The names are `hosts` when given, else
    /// the hosts the request asks for, each validated again.
    public func issue(request: CertificateSigningRequest, hosts: [String]? = nil, validityDays: Int = 825)
        throws(PKIError) -> Certificate
    {
        guard request.verifySelfSignature() else { throw .signatureInvalid }
        guard let serialNumber = request.subjectSerialNumber else { throw .missingOIN }
        guard let oin = OIN(serialNumber) else { throw .invalidOIN(serialNumber) }
        guard let name = request.commonName else { throw .missingCommonName }
        return try issueMember(publicKey: request.publicKey, oin: oin, name: name,
                               hosts: hosts ?? request.requestedHosts, validityDays: validityDays)
    }

    /// The member profile: subject `O=name, CN=name, serialNumber=OIN`; basicConstraints critical
    /// CA:FALSE; keyUsage critical digitalSignature (ECDHE with ECDSA needs no keyEncipherment);
    /// extendedKeyUsage serverAuth and clientAuth, since every node both serves and calls its
    /// peers over mutual TLS; key identifiers; and the hosts as subjectAltName.
    private func issueMember(publicKey: PublicKey, oin: OIN, name: String, hosts: [String], validityDays: Int)
        throws(PKIError) -> Certificate
    {
        guard PKILimits.memberValidityDays.contains(validityDays) else {
            throw .invalidValidity(days: validityDays, allowed: PKILimits.memberValidityDays)
        }
        guard Date().addingTimeInterval(TimeInterval(validityDays) * 86_400) <= certificate.notAfter else {
            throw .validityExceedsAuthority(authorityNotAfter: certificate.notAfter)
        }
        let names = try SubjectAlternativeName.names(forHosts: hosts)
        let subject = try DistinguishedName(name: name, oin: oin)
        let builder = try CertificateBuilder(subject: subject, publicKey: publicKey, validityDays: validityDays,
                                             issuer: certificate)
        try builder.addExtension(NID_basic_constraints, "critical,CA:FALSE")
        try builder.addExtension(NID_key_usage, "critical,digitalSignature")
        try builder.addExtension(NID_ext_key_usage, "serverAuth,clientAuth")
        try builder.addExtension(NID_subject_key_identifier, "hash")
        try builder.addExtension(NID_authority_key_identifier, "keyid:always")
        try builder.addSubjectAlternativeNames(names)
        return try builder.sign(with: key)
    }

    private static func path(_ directory: String, _ fileName: String) -> String {
        directory.hasSuffix("/") ? directory + fileName : directory + "/" + fileName
    }
}
