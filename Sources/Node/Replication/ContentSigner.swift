/// Signs the canonical bytes of this node's own records, so that every peer that replicates them
/// can prove they come unchanged from their origin. The federation layer implements it with the
/// node's private key (ECDSA P-256); Node only needs the ability.
public protocol ContentSigner: Sendable {
    func sign(_ bytes: [UInt8]) throws -> [UInt8]
}
