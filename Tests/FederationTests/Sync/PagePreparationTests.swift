import Foundation
import Node
import Testing

@testable import Federation

/// A page verified and prepared on several threads gives exactly what one thread gives: the same
/// changes verified, rejected and prepared, in the page's order.
@Suite struct PagePreparationTests {
    @Test func severalThreadsAgreeWithOneInOrderAndInRejections() throws {
        try withTemporaryDirectory { directory in
            let heerlen = try SyncNode(heerlenOIN, directory: directory, name: "heerlen")
            for index in 1...300 { try heerlen.write(id: "n\(index)", version: 1, text: "note \(index)") }
            let served = try heerlen.database.read { try ChangeLog.changes(in: $0, origin: heerlenOIN.value, since: 0, limit: 1_000) }
            // Every seventh signature broken, every thirteenth claiming another origin.
            let changes = served.enumerated().map { index, change in
                RecordChange(origin: index % 13 == 0 ? zoetermeerOIN.value : change.origin, sequence: change.sequence,
                             kind: change.kind, id: change.id, version: change.version, isDeleted: change.isDeleted,
                             content: change.content, signature: index % 7 == 0 ? Array(change.signature.reversed()) : change.signature)
            }
            let keys = OriginKeys(member: heerlen.member())
            let writer = ReplicaPageWriter(appliers: [NoteApplier(localOrigin: zoetermeerOIN.value)])
            let alone = PagePreparation.run(changes, peer: keys, localOrigin: zoetermeerOIN.value, writer: writer, threads: 1)
            let together = PagePreparation.run(changes, peer: keys, localOrigin: zoetermeerOIN.value, writer: writer, threads: 4,
                                               inBackground: true)
            #expect(alone.verification.verified.count < 300 && !alone.verification.rejected.isEmpty)
            #expect(together.verification.verified == alone.verification.verified)
            #expect(together.verification.rejected.map(\.change) == alone.verification.rejected.map(\.change))
            #expect(together.verification.rejected.map(\.reason) == alone.verification.rejected.map(\.reason))
            #expect(together.prepared.map(\.change) == alone.verification.verified, "one prepared change per verified one, in order")
        }
    }
}
