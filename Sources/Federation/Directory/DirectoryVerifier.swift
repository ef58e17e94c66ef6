import Node
import Schemas

/// Decides whether a directory document comes from the registry: signed by a certificate that
/// chains to the federation's trust anchor, is valid now, carries the configured registry OIN,
/// and whose key verifies the signature over the document's canonical bytes.
public struct DirectoryVerifier: Sendable {
    public let registryOIN: OIN
    private let trustAnchors: [Certificate]

    public init(registryOIN: OIN, trustAnchors: [Certificate]) {
        precondition(!trustAnchors.isEmpty, "a directory verifier needs a trust anchor")
        self.registryOIN = registryOIN
        self.trustAnchors = trustAnchors
    }

    /// Loads the trust anchor file (one or more PEM certificates) the node's TLS uses.
    public init(registryOIN: OIN, trustAnchorPath: String) throws(PKIError) {
        self.init(registryOIN: registryOIN, trustAnchors: try Certificate.loadChain(pemFile: trustAnchorPath))
    }

    public func verify(_ bytes: [UInt8]) throws(DirectoryError) -> VerifiedDirectory {
        let signed = try DirectoryDocumentParser.parse(bytes)
        let directory = signed.directory
        guard directory.signerOIN == registryOIN else {
            throw .wrongSigner(expected: registryOIN, found: "OIN \(directory.signerOIN)")
        }
        let certificate: Certificate
        do {
            certificate = try Certificate(der: directory.signerCertificateDER)
        } catch {
            throw .untrustedSigner("the certificate does not parse: \(error)")
        }
        guard certificate.subjectOIN == registryOIN else {
            throw .wrongSigner(expected: registryOIN, found: certificate.subjectOIN.map { "OIN \($0)" } ?? "a certificate without an OIN")
        }
        guard trustAnchors.contains(where: { certificate.verify(issuedBy: $0) }) else {
            throw .untrustedSigner("it does not chain to the trust anchor, or is expired or not yet valid")
        }
        guard certificate.publicKey.verify(signature: signed.signature, of: directory.signedBytes) else {
            throw .badSignature
        }
        return VerifiedDirectory(signed: signed)
    }
}
