import Node

/// Sorts a page's changes into those that may be applied and those that must not, before any
/// of them reaches the database.
///
/// A change is applied only if it names the serving peer as its origin (a node serves only its
/// own records), does not claim to come from this node (only this node changes its own
/// records), and its signature verifies under one of the keys the directory lists for that
/// origin. Everything else is rejected one by one: the rest of the page still applies and the
/// checkpoint moves past the rejected change. Waiting at it would gain nothing, since the only
/// way to obtain a good copy is for the origin to change the record again, and that change
/// arrives at a later sequence anyway; stalling instead would let one bad row stop every later
/// change of that origin. A rejected record keeps whatever version this node held before, so
/// the digests of the two nodes differ until the origin writes it again, which makes the
/// rejection visible beyond the log and the metric.
enum PageVerifier {
    enum Reason: String, Sendable, CaseIterable {
        /// No listed key of the origin verifies the signature over the content.
        case signature
        /// The change names an origin other than the peer that served it.
        case origin
        /// The change claims this node as its origin.
        case localOrigin = "local-origin"
    }

    struct Rejection: Sendable {
        let change: RecordChange
        let reason: Reason
    }

    struct Outcome: Sendable {
        var verified: [RecordChange] = []
        var rejected: [Rejection] = []
    }

    static func verify(_ changes: [RecordChange], peer: OriginKeys, localOrigin: String) -> Outcome {
        var outcome = Outcome()
        outcome.verified.reserveCapacity(changes.count)
        for change in changes {
            if change.origin == localOrigin {
                outcome.rejected.append(Rejection(change: change, reason: .localOrigin))
            } else if change.origin != peer.origin {
                outcome.rejected.append(Rejection(change: change, reason: .origin))
            } else if !peer.verifies(change) {
                outcome.rejected.append(Rejection(change: change, reason: .signature))
            } else {
                outcome.verified.append(change)
            }
        }
        return outcome
    }
}
