import Foundation
import Node
import Schemas
import Synchronization
import Testing

@testable import Federation

/// The puller against a peer's real change log, through the wire format: pages, checkpoints in
/// the same transaction, epoch resets, rejections, and the rule that replicas never overwrite a
/// node's own records.
@Suite struct PeerPullerTests {
    /// Heerlen serves; Zoetermeer pulls.
    struct Pair {
        let heerlen: SyncNode
        let zoetermeer: SyncNode

        init(_ directory: String) throws {
            heerlen = try SyncNode(heerlenOIN, directory: directory, name: "heerlen")
            zoetermeer = try SyncNode(zoetermeerOIN, directory: directory, name: "zoetermeer")
        }

        func pull(_ feed: LocalFeed? = nil, applier: NoteApplier? = nil, pageSize: Int = 10, metrics: Metrics = Metrics(version: "test"),
                  logSink: CollectingLogSink = CollectingLogSink(), member: DirectoryMember? = nil) -> PullReport {
            let member = member ?? heerlen.member()
            return zoetermeer.puller(peers: [member], applier: applier, pageSize: pageSize, metrics: metrics, logSink: logSink)
                .pull(member, from: feed ?? LocalFeed(heerlen))
        }

        func expectSameState(sourceLocation: SourceLocation = #_sourceLocation) throws {
            let served = try heerlen.digest(of: heerlen.oin)
            let held = try zoetermeer.digest(of: heerlen.oin)
            #expect(served.sequence == held.sequence && served.count == held.count && served.hash == held.hash,
                    "digests differ: \(served) vs \(held)", sourceLocation: sourceLocation)
            let heerlenNotes = try Notes.rows(heerlen.database)
            #expect(try Notes.rows(zoetermeer.database) == heerlenNotes, sourceLocation: sourceLocation)
        }
    }

    @Test func pullsEveryPageUntilCaughtUpAndStoresTheCheckpoint() throws {
        try withTemporaryDirectory { directory in
            let pair = try Pair(directory)
            for index in 1...25 { try pair.heerlen.write(id: "note-\(index)", version: 1, text: "text \(index)") }
            let feed = LocalFeed(pair.heerlen)
            let report = pair.pull(feed)
            #expect(report.failure == nil && report.caughtUp)
            #expect(report.pages == 3 && report.applied == 25)
            #expect(feed.requestedSince == [0, 10, 20])
            #expect(try pair.zoetermeer.checkpoint(of: heerlenOIN)
                == SyncCheckpoint(peer: heerlenOIN.value, epoch: pair.heerlen.database.epoch, sequence: 25))
            try pair.expectSameState()
            // Nothing new: one request from the checkpoint, nothing applied.
            let again = pair.pull(feed)
            #expect(again.caughtUp && again.applied == 0 && feed.requestedSince.last == 25)
        }
    }

    @Test func updatesAndTombstonesReachTheReplica() throws {
        try withTemporaryDirectory { directory in
            let pair = try Pair(directory)
            try pair.heerlen.write(id: "a", version: 1, text: "first")
            try pair.heerlen.write(id: "b", version: 1, text: "second")
            #expect(pair.pull().applied == 2)
            try pair.heerlen.write(id: "a", version: 2, text: "first, edited")
            try pair.heerlen.write(id: "b", version: 2, deleted: true, text: "second")
            try pair.heerlen.write(id: "c", version: 1, text: "third")
            let report = pair.pull()
            #expect(report.applied == 3 && report.sequence == 5)
            let rows = try Notes.rows(pair.zoetermeer.database)
            #expect(rows.map(\.version) == [2, 2, 1])
            #expect(rows[0].text == "first, edited" && rows[1].deleted)
            try pair.expectSameState()
        }
    }

    @Test func aFailureWhileApplyingRollsBackThePageWithItsCheckpoint() throws {
        try withTemporaryDirectory { directory in
            let pair = try Pair(directory)
            for index in 1...15 { try pair.heerlen.write(id: "note-\(index)", version: 1, text: "text") }
            // The first page applies; the disk "fails" on the 13th change, in the second page.
            var failing = NoteApplier(localOrigin: pair.zoetermeer.oin.value)
            failing.failOnID = "note-13"
            let failed = pair.pull(applier: failing)
            #expect(failed.failure?.contains("disk I/O error") == true)
            #expect(failed.applied == 10)
            #expect(try pair.zoetermeer.checkpoint(of: heerlenOIN)?.sequence == 10, "only the first page's checkpoint")
            #expect(try Notes.rows(pair.zoetermeer.database).count == 10, "nothing of the failed page is left")
            #expect(try pair.zoetermeer.changeLogCount(origin: heerlenOIN) == 10)
            // The next round fetches the failed page again, and applies each change once.
            let resumed = pair.pull()
            #expect(resumed.failure == nil && resumed.applied == 5)
            #expect(try pair.zoetermeer.changeLogCount(origin: heerlenOIN) == 15)
            try pair.expectSameState()
        }
    }

    @Test func aChangedEpochStartsThePeerOverFromZero() throws {
        try withTemporaryDirectory { directory in
            let pair = try Pair(directory)
            for index in 1...12 { try pair.heerlen.write(id: "note-\(index)", version: 1, text: "old") }
            #expect(pair.pull().sequence == 12)
            // Heerlen's database is rebuilt: a new epoch, its sequences start again.
            let rebuilt = try SyncNode(heerlenOIN, directory: directory, name: "heerlen-rebuilt")
            let heerlen = SyncNode(copying: pair.heerlen, database: rebuilt.database)
            try heerlen.write(id: "note-1", version: 2, text: "new")
            try heerlen.write(id: "note-99", version: 1, text: "new")
            let feed = LocalFeed(heerlen)
            let logs = CollectingLogSink()
            let report = pair.zoetermeer.puller(peers: [heerlen.member()], logSink: logs).pull(heerlen.member(), from: feed)
            #expect(report.restartedFromZero && report.failure == nil)
            #expect(feed.requestedSince == [12, 0])
            #expect(report.applied == 2, "\(report)")
            #expect(try pair.zoetermeer.checkpoint(of: heerlenOIN)
                == SyncCheckpoint(peer: heerlenOIN.value, epoch: rebuilt.database.epoch, sequence: 2))
            #expect(logs.all.contains { $0.contains("peer's feed restarted") })
            // The old epoch's records stay, set aside below sequence 1; the new feed's sit at its own sequences.
            #expect(try pair.zoetermeer.changeLogCount(origin: heerlenOIN) == 13)
            #expect(try pair.zoetermeer.digest(of: heerlenOIN).sequence == 2)
            // A second rebuild sets everything aside again without a clash.
            let second = SyncNode(copying: heerlen, database: try SyncNode(heerlenOIN, directory: directory, name: "heerlen-3").database)
            try second.write(id: "note-1", version: 3, text: "newer")
            let again = pair.zoetermeer.puller(peers: [second.member()]).pull(second.member(), from: LocalFeed(second))
            #expect(again.restartedFromZero && again.applied == 1 && again.failure == nil, "\(again)")
            #expect(try pair.zoetermeer.changeLogCount(origin: heerlenOIN) == 13)
            let sequences = try pair.zoetermeer.database.read { connection in
                try connection.query("SELECT sequence FROM change_log WHERE origin = ? ORDER BY sequence", [.text(heerlenOIN.value)])
                    .map { try $0.required("sequence", as: Int64.self) }
            }
            #expect(sequences.filter { $0 > 0 } == [1] && Set(sequences).count == 13)
        }
    }

    @Test func aFeedThatWentBackBehindTheCheckpointStartsOverToo() throws {
        try withTemporaryDirectory { directory in
            let pair = try Pair(directory)
            for index in 1...5 { try pair.heerlen.write(id: "note-\(index)", version: 1, text: "text") }
            #expect(pair.pull().sequence == 5)
            // Restored from a backup: the same epoch, but the feed now ends at 3.
            let feed = LocalFeed(pair.heerlen)
            feed.rewrite = { page in
                ChangeFeedPage(origin: page.origin, epoch: page.epoch, latestSequence: 3,
                               changes: page.changes.filter { $0.sequence <= 3 })
            }
            let report = pair.pull(feed)
            #expect(report.restartedFromZero && feed.requestedSince == [5, 0])
            #expect(report.notNewer == 3 && report.applied == 0, "versions decide: nothing older replaces what is held")
        }
    }

    @Test func changesThatFailVerificationAreRejectedAndPassedOver() throws {
        try withTemporaryDirectory { directory in
            let pair = try Pair(directory)
            for index in 1...6 { try pair.heerlen.write(id: "note-\(index)", version: 1, text: "text \(index)") }
            let impostor = try PrivateKey.generateP256()
            let feed = LocalFeed(pair.heerlen)
            feed.rewrite = { page in
                var changes = page.changes
                // 2: content altered after signing; 3: signed by a key the directory does not list;
                // 4: claims to be Zoetermeer's own record; 5: claims a third origin.
                changes[1] = changes[1].with(content: Notes.content(id: "note-2", origin: heerlenOIN.value, version: 1,
                                                                    deleted: false, text: "forged"))
                changes[2] = changes[2].with(signature: (try? impostor.sign(changes[2].content)) ?? [])
                changes[3] = changes[3].with(origin: zoetermeerOIN.value)
                changes[4] = changes[4].with(origin: veldhovenOIN.value)
                return ChangeFeedPage(origin: page.origin, epoch: page.epoch, latestSequence: page.latestSequence, changes: changes)
            }
            let metrics = Metrics(version: "test")
            let logs = CollectingLogSink()
            let report = pair.pull(feed, metrics: metrics, logSink: logs)
            #expect(report.failure == nil && report.caughtUp)
            #expect(report.applied == 2)
            #expect(report.rejected == ["signature": 2, "local-origin": 1, "origin": 1])
            #expect(try Notes.rows(pair.zoetermeer.database).map(\.id) == ["note-1", "note-6"])
            #expect(try pair.zoetermeer.checkpoint(of: heerlenOIN)?.sequence == 6, "the checkpoint moves past rejected changes")
            let text = metrics.render()
            #expect(text.contains("knooppunt_sync_signature_failures_total{peer=\"\(heerlenOIN.value)\"} 2"))
            #expect(text.contains("knooppunt_sync_records_applied_total{peer=\"\(heerlenOIN.value)\"} 2"))
            #expect(text.contains("knooppunt_sync_rejected_changes_total{peer=\"\(heerlenOIN.value)\",reason=\"local-origin\"} 1"))
            #expect(text.contains("knooppunt_sync_lag_sequences{peer=\"\(heerlenOIN.value)\"} 0"))
            #expect(text.contains("knooppunt_sync_last_success_timestamp_seconds{peer=\"\(heerlenOIN.value)\"}"))
            let warnings = logs.all.filter { $0.contains("peer change not applied") }
            #expect(warnings.count == 4)
            #expect(warnings.contains { $0.contains(#""recordId":"note-2""#) && $0.contains(#""reason":"signature""#)
                && $0.contains(#""peerOin":"\#(heerlenOIN.value)""#) })
            #expect(try pair.zoetermeer.digest(of: heerlenOIN).hash != (try pair.heerlen.digest(of: heerlenOIN)).hash,
                    "the digests show the difference")
            // The origin writes the record again: the new version verifies and arrives.
            try pair.heerlen.write(id: "note-2", version: 2, text: "rewritten")
            #expect(pair.pull().applied == 1)
            #expect(try Notes.rows(pair.zoetermeer.database).map(\.id) == ["note-1", "note-2", "note-6"])
        }
    }

    @Test func aSignatureByAnOlderListedKeyStillVerifies() throws {
        try withTemporaryDirectory { directory in
            let pair = try Pair(directory)
            let older = pair.heerlen.key
            try pair.heerlen.write(id: "a", version: 1, text: "signed before the rotation")
            let rotated = SyncNode(copying: pair.heerlen, key: try PrivateKey.generateP256())
            try rotated.write(id: "b", version: 1, text: "signed after")
            let member = rotated.member(extraKeys: [older])
            let report = pair.pull(LocalFeed(rotated), member: member)
            #expect(report.applied == 2 && report.rejectedCount == 0)
            // With the old key no longer listed, its record is refused.
            let fresh = try SyncNode(zoetermeerOIN, directory: directory, name: "zoetermeer-2")
            let refused = fresh.puller(peers: [rotated.member()]).pull(rotated.member(), from: LocalFeed(rotated))
            #expect(refused.applied == 1 && refused.rejected == ["signature": 1])
        }
    }

    /// The next page is fetched and verified while the current one applies, with the keys the
    /// directory listed then. When the directory drops a key in between, the page is verified
    /// again with the keys listed now, so nothing signed by the dropped key gets in.
    @Test func aPageVerifiedAheadIsVerifiedAgainWhenTheOriginsKeysChanged() throws {
        try withTemporaryDirectory { directory in
            let pair = try Pair(directory)
            for index in 1...20 { try pair.heerlen.write(id: "n\(index)", version: 1, text: "note \(index)") }
            let dropped = pair.heerlen.member()
            let rotated = SyncNode(copying: pair.heerlen, key: try PrivateKey.generateP256()).member()
            let peers = KeyRotatingPeers(before: dropped, after: rotated)
            let puller = PeerPuller(database: pair.zoetermeer.database, localOrigin: pair.zoetermeer.oin,
                                    writer: ReplicaPageWriter(appliers: [NoteApplier(localOrigin: pair.zoetermeer.oin.value)]),
                                    peers: peers, limits: { var limits = SyncLimits(); limits.pullPageSize = 10; return limits }(),
                                    logger: Logger(label: "test", sink: CollectingLogSink()),
                                    metrics: SyncMetrics(metrics: Metrics(version: "test")), cancellation: CancellationSignal())
            let report = puller.pull(dropped, from: LocalFeed(pair.heerlen))
            #expect(report.applied == 10, "the first page, verified with the key listed then")
            #expect(report.rejected == ["signature": 10], "the page fetched ahead, verified again after the key was dropped")
        }
    }

    @Test func aPageOfAnotherOriginOrOutOfOrderIsRefusedWhole() throws {
        try withTemporaryDirectory { directory in
            let pair = try Pair(directory)
            for index in 1...3 { try pair.heerlen.write(id: "note-\(index)", version: 1, text: "text") }
            let foreign = LocalFeed(pair.heerlen)
            foreign.rewrite = { ChangeFeedPage(origin: veldhovenOIN.value, epoch: $0.epoch, latestSequence: $0.latestSequence,
                                               changes: $0.changes) }
            let refused = pair.pull(foreign)
            #expect(refused.failure?.contains("served a feed of origin \(veldhovenOIN.value)") == true)
            let reordered = LocalFeed(pair.heerlen)
            reordered.rewrite = { ChangeFeedPage(origin: $0.origin, epoch: $0.epoch, latestSequence: $0.latestSequence,
                                                 changes: $0.changes.reversed()) }
            #expect(pair.pull(reordered).failure?.contains("does not follow") == true)
            #expect(try Notes.rows(pair.zoetermeer.database).isEmpty)
            #expect(try pair.zoetermeer.checkpoint(of: heerlenOIN) == nil)
        }
    }

    /// Heerlen's feed serving just one note change, signed with Heerlen's key whatever origin
    /// the change claims.
    static func feed(of pair: Pair, servingOnly id: String, origin: OIN, sequence: Int64, version: Int, deleted: Bool = false,
                     text: String) throws -> LocalFeed {
        let content = Notes.content(id: id, origin: origin.value, version: version, deleted: deleted, text: text)
        let change = RecordChange(origin: origin.value, sequence: sequence, kind: Notes.kind, id: id, version: version,
                                  isDeleted: deleted, content: content, signature: try pair.heerlen.key.sign(content))
        let feed = LocalFeed(pair.heerlen)
        feed.rewrite = { ChangeFeedPage(origin: $0.origin, epoch: $0.epoch, latestSequence: sequence, changes: [change]) }
        return feed
    }

    @Test func replicasNeverReplaceALocalRecordNorAnOlderVersionANewerOne() throws {
        try withTemporaryDirectory { directory in
            let pair = try Pair(directory)
            try pair.zoetermeer.write(id: "mine", version: 1, text: "Zoetermeer's own")
            try pair.heerlen.write(id: "theirs", version: 3, text: "v3")
            #expect(pair.pull().applied == 1)
            // A forged change of Zoetermeer's record, validly signed by Heerlen's key.
            let forged = try Self.feed(of: pair, servingOnly: "mine", origin: zoetermeerOIN, sequence: 2, version: 9, deleted: true,
                                       text: "taken over")
            #expect(pair.pull(forged).rejected == ["local-origin": 1])
            // An older version of a held record (served again after a reset) is not applied.
            let older = try Self.feed(of: pair, servingOnly: "theirs", origin: heerlenOIN, sequence: 3, version: 2, text: "v2")
            #expect(pair.pull(older).notNewer == 1)
            // Heerlen's own change, validly signed, but for the id of Zoetermeer's record: refused,
            // and not recorded as held, so the digest of Heerlen does not claim it.
            let reused = try Self.feed(of: pair, servingOnly: "mine", origin: heerlenOIN, sequence: 4, version: 1, text: "taken over")
            let refused = pair.pull(reused)
            #expect(refused.applied == 0 && refused.rejected == ["invalid": 1])
            #expect(try pair.zoetermeer.changeLogCount(origin: heerlenOIN) == 1, "only \"theirs\" is held of Heerlen")
            let rows = try Notes.rows(pair.zoetermeer.database)
            #expect(rows == [Notes.Row(id: "mine", origin: zoetermeerOIN.value, version: 1, deleted: false, text: "Zoetermeer's own"),
                             Notes.Row(id: "theirs", origin: heerlenOIN.value, version: 3, deleted: false, text: "v3")])
        }
    }

    @Test func aKindWithoutApplierAndContentItsApplierRefusesArePassedOver() throws {
        try withTemporaryDirectory { directory in
            let pair = try Pair(directory)
            try pair.heerlen.write(id: "a", version: 1, text: "fine")
            try pair.heerlen.database.write { connection in
                let content = Array(#"{"anything":true}"#.utf8)
                try ChangeLog.appendLocal(in: connection, origin: heerlenOIN.value, kind: "future-kind", id: "x", version: 1,
                                          isDeleted: false, content: content, signer: NodeKeySigner(key: pair.heerlen.key))
                // Signed by the origin, but its content contradicts the envelope (another id).
                let mismatched = Notes.content(id: "other", origin: heerlenOIN.value, version: 1, deleted: false, text: "?")
                try ChangeLog.appendLocal(in: connection, origin: heerlenOIN.value, kind: Notes.kind, id: "b", version: 1,
                                          isDeleted: false, content: mismatched, signer: NodeKeySigner(key: pair.heerlen.key))
            }
            try pair.heerlen.write(id: "c", version: 1, text: "fine too")
            let report = pair.pull()
            #expect(report.failure == nil && report.applied == 2)
            #expect(report.rejected == ["unsupported": 1, "invalid": 1])
            #expect(try Notes.rows(pair.zoetermeer.database).map(\.id) == ["a", "c"])
            #expect(try pair.zoetermeer.changeLogCount(origin: heerlenOIN) == 2, "nothing of the refused change is left")
        }
    }

    @Test func aPullerOvertakenByAnotherNeverAppliesAPageTwice() throws {
        try withTemporaryDirectory { directory in
            let pair = try Pair(directory)
            for index in 1...20 { try pair.heerlen.write(id: "note-\(index)", version: 1, text: "text") }
            let feed = LocalFeed(pair.heerlen)
            var overtaken = false
            var other: PullReport?
            feed.beforeReturning = {
                // `knooppunt sync` runs a whole round between this puller's fetch and its apply.
                guard !overtaken else { return }
                overtaken = true
                other = pair.pull()
            }
            let report = pair.pull(feed)
            #expect(other?.applied == 20)
            #expect(report.failure == nil && report.caughtUp && report.applied == 0)
            #expect(try pair.zoetermeer.changeLogCount(origin: heerlenOIN) == 20)
            try pair.expectSameState()
        }
    }

    @Test func aRevokedPeerIsNotPulledAndThisNodeNeverPullsItself() throws {
        try withTemporaryDirectory { directory in
            let pair = try Pair(directory)
            try pair.heerlen.write(id: "a", version: 1, text: "text")
            let revoked = pair.heerlen.member(status: .revoked)
            let report = pair.zoetermeer.puller(peers: [revoked]).pull(revoked, from: LocalFeed(pair.heerlen))
            #expect(report.failure?.contains("no longer an active member") == true && report.pages == 0)
            let itself = pair.zoetermeer.member()
            #expect(pair.zoetermeer.puller(peers: [itself]).pull(itself, from: LocalFeed(pair.zoetermeer)).failure != nil)
            #expect(ListedPeers(members: [itself, pair.heerlen.member(), revoked], localOrigin: zoetermeerOIN).activePeers()
                .map(\.oin) == [heerlenOIN])
        }
    }

    @Test func peersAreDealtOutOverTheThreadsTheSameWayWhateverTheirOrder() {
        let members = (0..<7).map { index in
            DirectoryMember(oin: OIN(String(format: "000000010000%08d", index * 1000))!, name: "Gemeente \(index)",
                            cbsCode: nil, baseURL: "https://127.0.0.1:\(9000 + index)",
                            certificateSHA256: String(repeating: "ab", count: 32),
                            keys: [DirectoryMember.Key(sha256: String(repeating: "0f", count: 32), spkiDER: [1, 2, 3])],
                            status: .active, updatedAt: "2026-11-23T10:00:00.000Z")
        }
        let deal = (0..<3).map { SyncService.peers(of: $0, among: members, count: 3).map(\.oin) }
        #expect(deal.map(\.count) == [3, 2, 2])
        #expect(Set(deal.joined()) == Set(members.map(\.oin)) && deal.joined().count == members.count)
        #expect((0..<3).map { SyncService.peers(of: $0, among: members.reversed(), count: 3).map(\.oin) } == deal)
        // Two peers and two threads: each peer has a thread of its own.
        let pair = Array(members.prefix(2))
        #expect((0..<2).map { SyncService.peers(of: $0, among: pair, count: 2).count } == [1, 1])
    }
}

extension SyncNode {
    /// The same node with another database or key (a rebuilt database, a rotated key).
    init(copying node: SyncNode, database: Database? = nil, key: PrivateKey? = nil) {
        self.init(oin: node.oin, key: key ?? node.key, database: database ?? node.database)
    }
}

/// A directory in which the origin's key changes after the puller first asks for the member:
/// the first page is verified with `before`, every later one sees `after`.
private final class KeyRotatingPeers: SyncPeers {
    private let before: DirectoryMember
    private let after: DirectoryMember
    private let asked = Mutex(0)

    init(before: DirectoryMember, after: DirectoryMember) {
        self.before = before
        self.after = after
    }

    func activePeers() -> [DirectoryMember] { [after] }

    func member(_ oin: OIN) -> DirectoryMember? {
        asked.withLock { count in
            count += 1
            return count == 1 ? before : after
        }
    }
}
