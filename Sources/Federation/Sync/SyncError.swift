/// Why a pull round for one peer stopped before it caught up. Each ends that peer's round only:
/// what was applied before stays applied (with its checkpoint), and the next round retries.
/// Changes that fail verification are not errors here; they are rejected one by one (see
/// `PageVerifier`) and the round goes on.
public enum SyncError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The call produced no response (see the client's error for why).
    case transport(PeerClientError)
    /// The peer answered with something other than 200.
    case peerAnswered(status: Int, detail: String)
    /// The body is not a change feed page within the limits.
    case malformedPage(String)
    /// The page names an origin other than the peer that served it: a node serves only its own
    /// records, so the whole page is refused.
    case foreignFeed(peer: String, servedOrigin: String)
    /// Sequences must rise within a page and start after the cursor; anything else would make
    /// the checkpoint skip or repeat changes.
    case outOfOrder(since: Int64, sequence: Int64)
    /// The peer is not an active member of the directory (any more), or it is this node.
    case notAPeer(String)
    /// The node is shutting down.
    case cancelled

    public var description: String {
        switch self {
        case .transport(let error): "no response: \(error)"
        case .peerAnswered(let status, let detail): "the peer answered \(status): \(detail)"
        case .malformedPage(let reason): "malformed change feed page: \(reason)"
        case .foreignFeed(let peer, let servedOrigin): "\(peer) served a feed of origin \(servedOrigin); refused"
        case .outOfOrder(let since, let sequence): "sequence \(sequence) does not follow \(since); page refused"
        case .notAPeer(let reason): reason
        case .cancelled: "cancelled"
        }
    }
}
