import Schemas

/// Who the peer at a base URL must be: the member the directory lists there.
public struct PeerExpectation: Sendable, Equatable {
    public let oin: OIN
    /// SHA-256 of the SubjectPublicKeyInfo the member may present (a rotated key is listed beside
    /// the old one); nil accepts any key under a certificate with this OIN, as for the registry
    /// before its directory is known.
    public let publicKeySHA256: Set<String>?

    public init(oin: OIN, publicKeySHA256: Set<String>?) {
        self.oin = oin
        self.publicKeySHA256 = publicKeySHA256
    }
}
