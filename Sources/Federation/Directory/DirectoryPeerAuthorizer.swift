import Node

/// Members' peer check: an active member of the held directory, by OIN and listed key. With no
/// directory yet (first start while the registry is unreachable) every peer is refused: a node
/// configured to follow a registry never falls back to trusting the bare CA.
public struct DirectoryPeerAuthorizer: PeerAuthorizer {
    private let holder: DirectoryHolder

    public init(holder: DirectoryHolder) {
        self.holder = holder
    }

    public func isActiveMember(_ peer: PeerIdentity) -> Bool {
        holder.current?.admits(peer) ?? false
    }
}
