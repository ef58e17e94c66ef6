import Foundation
import Node
import Schemas

/// Pulls one peer's feed from this node's checkpoint until it is caught up (or the round's page
/// bound is reached): fetch a page, check it is the peer's own and in order, verify every
/// change, apply the verified ones and move the checkpoint in one transaction, repeat.
struct PeerPuller: Sendable {
    let database: Database
    let localOrigin: OIN
    let writer: ReplicaPageWriter
    let peers: any SyncPeers
    let limits: SyncLimits
    let logger: Logger
    let metrics: SyncMetrics
    let cancellation: CancellationSignal

    /// Runs one round for `peer`; failures end the round and are reported, never thrown.
    func pull(_ peer: DirectoryMember, from source: some ChangeFeedSource) -> PullReport {
        var report = PullReport(peer: peer.oin.value)
        do {
            try pullPages(peer, from: source, into: &report)
        } catch {
            report.failure = String(describing: error)
        }
        metrics.recordRound(peer: report.peer, succeeded: report.failure == nil)
        return report
    }

    private func pullPages(_ peer: DirectoryMember, from source: some ChangeFeedSource, into report: inout PullReport) throws {
        let peerOIN = peer.oin.value
        guard peer.oin != localOrigin else { throw SyncError.notAPeer("this node does not pull its own feed") }
        var superseded = 0
        var loggedRejections = 0
        // The next page, fetched and verified while this one is applied; always joined before
        // the source is used again or this function returns.
        var prefetch: PagePrefetch?
        defer { prefetch?.finish() }
        while report.pages < limits.maxPagesPerRound {
            guard !cancellation.isCancelled else { throw SyncError.cancelled }
            // The entry as it is now: a member revoked since the round began is not pulled further,
            // and a rotated key is known before the page is verified.
            guard let member = try peers.member(peer.oin), member.isActive else {
                throw SyncError.notAPeer("\(peerOIN) is no longer an active member")
            }
            let pageStarted = ContinuousClock.now
            let checkpoint = try database.read { try SyncCheckpoint.read(peer: peerOIN, in: $0) }
            var since = checkpoint?.sequence ?? 0
            var restarting = false
            var page: ChangeFeedPage
            var verification: (outcome: PageVerifier.Outcome, prepared: [ReplicaPageWriter.PreparedChange])?
            if let ahead = prefetch, ahead.since == since, let fetched = ahead.take() {
                page = fetched.page
                verification = fetched.keys == member.keys ? (fetched.verification, fetched.prepared) : nil
            } else {
                prefetch?.finish()
                page = try source.fetch(since: since, limit: limits.pullPageSize)
            }
            prefetch = nil
            try checkOrigin(page, peer: peerOIN)
            if let checkpoint, checkpoint.epoch != page.epoch || page.latestSequence < checkpoint.sequence {
                // A rebuilt database (new epoch), or one restored from a backup (the same epoch,
                // but its feed now ends before our checkpoint): the sequences we hold mean nothing
                // there any more, so start over rather than silently miss what it writes next.
                logger.warning("peer's feed restarted; pulling it again from zero", [
                    ("peerOin", .string(peerOIN)), ("epoch", .string(page.epoch)), ("previousEpoch", .string(checkpoint.epoch)),
                    ("checkpoint", .integer(Int(checkpoint.sequence))), ("latestSequence", .integer(Int(page.latestSequence))),
                ])
                report.restartedFromZero = true
                restarting = true
                since = 0
                page = try source.fetch(since: 0, limit: limits.pullPageSize)
                verification = nil
                try checkOrigin(page, peer: peerOIN)
            }
            try checkOrder(page, since: since)
            report.pages += 1

            let (verified, prepared) = verification ?? {
                let outcome = PagePreparation.run(page.changes, peer: OriginKeys(member: member), localOrigin: localOrigin.value,
                                                  writer: writer)
                return (outcome.verification, outcome.prepared)
            }()
            let next = SyncCheckpoint(peer: peerOIN, epoch: page.epoch, sequence: page.nextSince(after: since))
            let isLast = page.changes.isEmpty || next.sequence >= page.latestSequence
            if !isLast && report.pages < limits.maxPagesPerRound {
                prefetch = PagePrefetch(since: next.sequence, limit: limits.pullPageSize, source: source, member: member,
                                        localOrigin: localOrigin.value, writer: writer)
            }
            let ready = ContinuousClock.now
            let outcome: ReplicaPageWriter.Outcome
            do {
                outcome = try writer.apply(prepared, expected: checkpoint, next: next, restarting: restarting,
                                           database: database)
            } catch is ReplicaPageWriter.Superseded {
                // Another puller applied this page first; read its checkpoint and go on from there.
                superseded += 1
                report.pages -= 1
                guard superseded <= limits.maxPagesPerRound else { throw SyncError.notAPeer("the checkpoint keeps moving") }
                continue
            }

            let applied = ContinuousClock.now
            report.applied += outcome.applied
            report.notNewer += outcome.notNewer
            report.epoch = next.epoch
            report.sequence = next.sequence
            report.latestSequence = page.latestSequence
            metrics.recordPage(peer: peerOIN, lagSequences: page.latestSequence - next.sequence, applied: outcome.applied)
            var passedOver = verified.rejected.map { ($0.change, $0.reason.rawValue, "") }
            passedOver += outcome.invalid.map { ($0.change, "invalid", $0.reason) }
            passedOver += outcome.unsupported.map { ($0, "unsupported", "") }
            for (change, reason, detail) in passedOver {
                report.rejected[reason, default: 0] += 1
                metrics.recordRejections(peer: peerOIN, reason: reason, count: 1)
                guard loggedRejections < limits.maxRejectionLogLinesPerRound else { continue }
                loggedRejections += 1
                var metadata: [(String, LogValue)] = [
                    ("peerOin", .string(peerOIN)), ("reason", .string(reason)), ("kind", .string(change.kind)),
                    ("recordId", .string(change.id)), ("version", .integer(change.version)),
                    ("sequence", .integer(Int(change.sequence))), ("origin", .string(change.origin)),
                ]
                if !detail.isEmpty { metadata.append(("error", .string(String(detail.prefix(300))))) }
                logger.warning("peer change not applied", metadata)
            }
            if outcome.applied > 0 {
                logger.info("applied peer changes", [
                    ("peerOin", .string(peerOIN)), ("applied", .integer(outcome.applied)),
                    ("sequence", .integer(Int(next.sequence))), ("latestSequence", .integer(Int(page.latestSequence))),
                    // Fetching and verifying while the previous page applied does not count here.
                    ("waitMilliseconds", .integer(Self.milliseconds(ready - pageStarted))),
                    ("applyMilliseconds", .integer(Self.milliseconds(applied - ready))),
                ])
            }
            // Caught up at the peer's latest sequence; an empty page ends the round too, so a
            // peer whose feed has a hole at its end cannot keep the puller asking forever.
            if isLast {
                report.caughtUp = true
                break
            }
        }
        if loggedRejections >= limits.maxRejectionLogLinesPerRound {
            logger.warning("more peer changes were not applied than logged", [
                ("peerOin", .string(peerOIN)), ("rejected", .integer(report.rejectedCount)),
            ])
        }
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }

    private func checkOrigin(_ page: ChangeFeedPage, peer: String) throws(SyncError) {
        guard page.origin == peer else { throw .foreignFeed(peer: peer, servedOrigin: page.origin) }
    }

    /// Sequences rise strictly and start after the cursor: a page that repeats or goes back
    /// would move the checkpoint wrongly, so it is refused whole.
    private func checkOrder(_ page: ChangeFeedPage, since: Int64) throws(SyncError) {
        var previous = since
        for change in page.changes {
            guard change.sequence > previous else { throw .outOfOrder(since: previous, sequence: change.sequence) }
            previous = change.sequence
        }
    }
}
