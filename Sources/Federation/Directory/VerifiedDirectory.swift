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
