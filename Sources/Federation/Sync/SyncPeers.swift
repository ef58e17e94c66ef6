import Node
import Schemas

/// Whom this node pulls: the active members it knows, itself excluded, and each one's current
/// entry (base URL and keys). Asked again before every page, so a revocation or a moved member
/// takes effect within the page, not at the next round.
public protocol SyncPeers: Sendable {
    /// Active members other than this node.
    func activePeers() throws -> [DirectoryMember]
    /// The current entry of one member, active or not; nil when it is not listed.
    func member(_ oin: OIN) throws -> DirectoryMember?
}

/// A member node: the registry's signed directory, as the refresher keeps it.
struct DirectoryPeers: SyncPeers {
    let holder: DirectoryHolder
    let localOrigin: OIN

    func activePeers() -> [DirectoryMember] {
        (holder.current?.members ?? []).filter { $0.isActive && $0.oin != localOrigin }
    }

    func member(_ oin: OIN) -> DirectoryMember? { holder.current?.member(oin) }
}

/// The registry: its own members table, which is the truth the directory is signed from.
struct RegistryPeers: SyncPeers {
    let store: RegistryStore
    let localOrigin: OIN

    func activePeers() throws -> [DirectoryMember] {
        try store.snapshot().members.filter { $0.isActive && $0.oin != localOrigin }
    }

    func member(_ oin: OIN) throws -> DirectoryMember? { try store.member(oin) }
}

/// A fixed list, read once: `knooppunt sync` in a process of its own.
public struct ListedPeers: SyncPeers {
    let members: [DirectoryMember]
    let localOrigin: OIN

    public init(members: [DirectoryMember], localOrigin: OIN) {
        self.members = members
        self.localOrigin = localOrigin
    }

    public func activePeers() -> [DirectoryMember] { members.filter { $0.isActive && $0.oin != localOrigin } }

    public func member(_ oin: OIN) -> DirectoryMember? { members.first { $0.oin == oin } }
}
