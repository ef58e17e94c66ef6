import Foundation
import Node

/// The sync engine's metrics, one series per peer. The `peer` label is the peer's OIN: a member
/// identifier from the directory's small, slowly changing set (tens to a few hundred
/// municipalities), not a resident's or a record's id, so it stays within the conventions'
/// rule against high-cardinality labels.
struct SyncMetrics: Sendable {
    let metrics: Metrics

    /// After every applied page: how far behind the peer this node still is.
    func recordPage(peer: String, lagSequences: Int64, applied: Int) {
        metrics.setGauge("knooppunt_sync_lag_sequences", help: "Sequence numbers this node is behind each peer's feed.",
                         labels: [("peer", peer)], value: Double(max(lagSequences, 0)))
        metrics.incrementCounter("knooppunt_sync_records_applied_total", help: "Peer changes applied here, by peer.",
                                 labels: [("peer", peer)], by: applied)
    }

    /// Every change passed over, by why: `signature`, `origin`, `local-origin` (see
    /// `PageVerifier`), `invalid` (its applier refused it) or `unsupported` (no applier for its
    /// kind). Signature failures also count in their own family, the one to alert on.
    func recordRejections(peer: String, reason: String, count: Int) {
        guard count > 0 else { return }
        metrics.incrementCounter("knooppunt_sync_rejected_changes_total", help: "Peer changes not applied, by peer and reason.",
                                 labels: [("peer", peer), ("reason", reason)], by: count)
        if reason == PageVerifier.Reason.signature.rawValue {
            metrics.incrementCounter("knooppunt_sync_signature_failures_total",
                                     help: "Peer changes whose signature did not verify under the origin's listed keys.",
                                     labels: [("peer", peer)], by: count)
        }
    }

    func recordRound(peer: String, succeeded: Bool) {
        metrics.incrementCounter("knooppunt_sync_rounds_total", help: "Pull rounds per peer, by result.",
                                 labels: [("peer", peer), ("result", succeeded ? "ok" : "failed")])
        if succeeded {
            metrics.setGauge("knooppunt_sync_last_success_timestamp_seconds",
                             help: "When a pull round of each peer last ended without error (Unix time).",
                             labels: [("peer", peer)], value: Date().timeIntervalSince1970.rounded(.down))
        }
    }
}
