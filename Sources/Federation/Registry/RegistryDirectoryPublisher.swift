import Node
import Schemas
import Synchronization

/// Builds the signed directory the registry serves, from its members table. The signature is
/// made with the registry node's own key (the one its TLS certificate carries), and the signed
/// document is reused for as long as the content stays the same: ECDSA signatures differ each
/// time, and re-signing for every poll would be wasted work.
public final class RegistryDirectoryPublisher: Sendable {
    private let store: RegistryStore
    private let signer: any ContentSigner
    private let signerCertificate: Certificate
    private let registryOIN: OIN
    private let lastSigned = Mutex<SignedDirectory?>(nil)

    /// - Parameter signerCertificate: the registry's certificate, whose key `signer` holds; it
    ///   goes into every document, so members verify with nothing pinned but the trust anchor.
    public init(store: RegistryStore, signer: any ContentSigner, signerCertificate: Certificate, registryOIN: OIN) {
        self.store = store
        self.signer = signer
        self.signerCertificate = signerCertificate
        self.registryOIN = registryOIN
    }

    /// The current directory, signed. Reads the members table (a worker's job: it blocks).
    public func current() throws -> SignedDirectory {
        let snapshot = try store.snapshot()
        guard snapshot.serial > 0, !snapshot.members.isEmpty else { throw RegistryError.emptyDirectory }
        let directory = MemberDirectory(serial: snapshot.serial, issuedAt: snapshot.changedAt, signerOIN: registryOIN,
                                        signerCertificateDER: signerCertificate.derBytes, members: snapshot.members)
        if let cached = lastSigned.withLock({ $0 }), cached.directory == directory { return cached }
        let signature = try signer.sign(directory.signedBytes)
        // A certificate that is not the signing key's would make every member refuse the
        // directory; better to fail here, where the operator sees it.
        guard signerCertificate.publicKey.verify(signature: signature, of: directory.signedBytes) else {
            throw DirectoryError.badSignature
        }
        let signed = SignedDirectory(directory: directory, signature: signature)
        lastSigned.withLock { $0 = signed }
        return signed
    }
}
