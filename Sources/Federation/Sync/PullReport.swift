/// What one pull round did for one peer, for the log, `knooppunt sync`'s output and tests.
public struct PullReport: Sendable, Equatable {
    public let peer: String
    public var pages = 0
    public var applied = 0
    public var notNewer = 0
    /// Changes passed over, by reason (`signature`, `origin`, `local-origin`, `invalid`,
    /// `unsupported`).
    public var rejected: [String: Int] = [:]
    /// The checkpoint after the round: the peer's epoch and the last sequence applied here.
    public var epoch: String?
    public var sequence: Int64 = 0
    /// The peer's latest sequence at its last page.
    public var latestSequence: Int64 = 0
    /// True when the round started the peer over from zero (its epoch changed, or its feed went
    /// back behind the checkpoint).
    public var restartedFromZero = false
    /// True when the round reached the peer's latest sequence.
    public var caughtUp = false
    /// Why the round stopped early, if it did.
    public var failure: String?

    public init(peer: String) {
        self.peer = peer
    }

    public var rejectedCount: Int { rejected.values.reduce(0, +) }
}
