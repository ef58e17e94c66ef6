import Node
import Schemas

/// The registry's own peer check: it reads the members table for every federation call, so a
/// member revoked with `knooppunt registry revoke` is refused from its very next request, with
/// no refresh in between.
public struct RegistryPeerAuthorizer: PeerAuthorizer {
    private let store: RegistryStore
    private let logger: Logger

    public init(store: RegistryStore, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    public func isActiveMember(_ peer: PeerIdentity) -> Bool {
        guard let text = peer.oin, let oin = OIN(text) else { return false }
        do {
            return try store.admits(oin: oin, publicKeySHA256: peer.publicKeySHA256)
        } catch {
            // Fail closed: a peer the registry cannot look up is not let in.
            logger.error("member lookup failed", [("peerOin", .string(oin.value)), ("error", .string(String(describing: error)))])
            return false
        }
    }
}
