import Node
import Schemas

/// A directory whose signature verified under the registry's certificate, indexed for the
/// per-request membership check.
public struct VerifiedDirectory: Sendable {
    public let signed: SignedDirectory
    private let membersByOIN: [OIN: DirectoryMember]

    init(signed: SignedDirectory) {
        self.signed = signed
        membersByOIN = Dictionary(signed.directory.members.map { ($0.oin, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public var serial: Int64 { signed.directory.serial }
    public var members: [DirectoryMember] { signed.directory.members }

    public func member(_ oin: OIN) -> DirectoryMember? { membersByOIN[oin] }

    /// The member listed at a base URL, if exactly one is: the identity a client expects there.
    public func member(atBaseURL baseURL: String) -> DirectoryMember? {
        let listed = signed.directory.members.filter { $0.baseURL == baseURL }
        return listed.count == 1 ? listed[0] : nil
    }

    /// True when the peer's certificate names an active member by OIN and presents one of the
    /// keys listed for it: both must match, so neither a revoked member's certificate nor a
    /// certificate issued for a member's OIN over some other key gets in.
    public func admits(_ peer: PeerIdentity) -> Bool {
        guard let text = peer.oin, let oin = OIN(text), let member = membersByOIN[oin] else { return false }
        return member.admits(publicKeySHA256: peer.publicKeySHA256)
    }
}

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
