import Foundation
import Node
import Schemas
import Testing

@testable import Federation

/// The engine with the real components: knowledge entries written through the knowledge base's
/// store (canonical JSON per RFC 8785, signed by the node key in the write's transaction) reach
/// another node's store byte for byte through the feed, and its applier keeps replicas read-only.
@Suite struct ComponentSyncTests {
    static let extensions: [any NodeExtension] = [CatalogueExtension(), KnowledgeExtension(), FederationExtension()]

    struct Pair {
        let heerlen: SyncNode
        let zoetermeer: SyncNode
        let heerlenStore: RecordStore<KnowledgeEntryKind>
        let zoetermeerStore: RecordStore<KnowledgeEntryKind>

        init(_ directory: String) throws {
            heerlen = try SyncNode(heerlenOIN, directory: directory, name: "heerlen", extensions: ComponentSyncTests.extensions)
            zoetermeer = try SyncNode(zoetermeerOIN, directory: directory, name: "zoetermeer", extensions: ComponentSyncTests.extensions)
            heerlenStore = RecordStore(database: heerlen.database, localOrigin: heerlenOIN, signer: NodeKeySigner(key: heerlen.key))
            zoetermeerStore = RecordStore(database: zoetermeer.database, localOrigin: zoetermeerOIN,
                                          signer: NodeKeySigner(key: zoetermeer.key))
        }

        func pull() -> PullReport {
            let appliers = NodeRuntime.replicaAppliers(extensions: ComponentSyncTests.extensions, localOrigin: zoetermeerOIN)
            return zoetermeer.puller(peers: [heerlen.member()], appliers: appliers).pull(heerlen.member(), from: LocalFeed(heerlen))
        }
    }

    static func draft(_ title: String) -> KnowledgeEntryDraft {
        KnowledgeEntryDraft(kind: .lessonLearned, title: title, body: "Wat we leerden: \(title). Één ‘quote’ en € 12.", language: .nl)
    }

    @Test func knowledgeEntriesReplicateByteForByteWithUpdatesAndTombstones() throws {
        try withTemporaryDirectory { directory in
            let pair = try Pair(directory)
            let actor = WriteActor("test")
            let kept = try pair.heerlenStore.create(Self.draft("Heerlens Heitje"), by: actor)
            let removed = try pair.heerlenStore.create(Self.draft("Tijdelijk"), by: actor)
            #expect(pair.pull().applied == 2)
            let replica = try #require(try pair.zoetermeerStore.find(id: kept.id))
            #expect(replica == kept, "the replica is the origin's record: same bytes, same entity tag")
            // The feed carries exactly the bytes the store signed, and they verify under Heerlen's key.
            let change = try #require(try pair.zoetermeer.database.read {
                try ChangeLog.changes(in: $0, origin: heerlenOIN.value, since: 0, limit: 10)
            }.first { $0.id == kept.id })
            #expect(change.content == kept.content)
            #expect(heerlen(pair).verify(signature: change.signature, of: change.content))

            let updated = try pair.heerlenStore.update(id: kept.id, with: Self.draft("Heerlens Heitje, tweede ronde"), ifMatch: nil, by: actor)
            let tombstone = try pair.heerlenStore.delete(id: removed.id, ifMatch: nil, by: actor)
            #expect(pair.pull().applied == 2)
            #expect(try pair.zoetermeerStore.find(id: kept.id) == updated)
            #expect(try pair.zoetermeerStore.find(id: removed.id)?.isDeleted == true)
            #expect(try pair.zoetermeerStore.find(id: removed.id) == tombstone)
            #expect(try pair.zoetermeer.digest(of: heerlenOIN).hash == (try pair.heerlen.digest(of: heerlenOIN)).hash)

            // Zoetermeer cannot change Heerlen's record, and its own records stay its own.
            #expect(throws: RecordStoreError.self) {
                _ = try pair.zoetermeerStore.update(id: kept.id, with: Self.draft("Overgenomen"), ifMatch: nil, by: actor)
            }
        }
    }

    /// Heerlen's own, validly signed entry whose id Zoetermeer already uses for a record of its
    /// own: the real applier refuses it, Zoetermeer's record stays, and nothing of Heerlen's is
    /// recorded as held, so Zoetermeer's digest of Heerlen does not claim a record it lacks.
    @Test func anEntryReusingTheIdOfALocalRecordIsRefusedAndNotHeld() throws {
        try withTemporaryDirectory { directory in
            let pair = try Pair(directory)
            let actor = WriteActor("test")
            let shared = UUID()
            let own = try pair.zoetermeerStore.create(Self.draft("Van Zoetermeer"), id: shared, by: actor)
            _ = try pair.heerlenStore.create(Self.draft("Van Heerlen, zelfde id"), id: shared, by: actor)
            let fine = try pair.heerlenStore.create(Self.draft("Gewoon"), by: actor)
            let report = pair.pull()
            #expect(report.applied == 1 && report.rejected == ["invalid": 1])
            #expect(try pair.zoetermeerStore.find(id: own.id) == own)
            #expect(try pair.zoetermeerStore.find(id: fine.id) != nil)
            #expect(try pair.zoetermeer.changeLogCount(origin: heerlenOIN) == 1)
            #expect(try pair.zoetermeer.digest(of: heerlenOIN).count == 1)
        }
    }

    @Test func aRecordAlteredAfterSigningIsNotApplied() throws {
        try withTemporaryDirectory { directory in
            let pair = try Pair(directory)
            let entry = try pair.heerlenStore.create(Self.draft("Origineel"), by: WriteActor("test"))
            try pair.heerlen.database.write { connection in
                let content = String(decoding: entry.content, as: UTF8.self).replacingOccurrences(of: "Origineel", with: "Vervalst!")
                try connection.run("UPDATE change_log SET content = ? WHERE record_id = ?", [.blob(Array(content.utf8)), .text(entry.id)])
            }
            let report = pair.pull()
            #expect(report.rejected == ["signature": 1] && report.applied == 0)
            #expect(try pair.zoetermeerStore.find(id: entry.id) == nil)
        }
    }

    private func heerlen(_ pair: Pair) -> PublicKey { pair.heerlen.key.publicKey }
}
