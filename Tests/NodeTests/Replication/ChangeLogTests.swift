import Foundation
import Testing
@testable import Node

/// Signs by hashing: enough to check that the log stores what the signer returned.
struct HashSigner: ContentSigner {
    func sign(_ bytes: [UInt8]) throws -> [UInt8] { Digest.sha256(bytes) }
}

@Suite struct ChangeLogTests {
    static let origin = "00000001000000917000"

    func withDatabase<T>(_ body: (Database) throws -> T) throws -> T {
        try withStoreTestDirectory { directory in
            let database = try Database(path: storeDatabasePath(in: directory), migrations: NodeRuntime.migrations(extensions: []))
            defer { database.close() }
            return try body(database)
        }
    }

    func append(_ database: Database, id: String, version: Int, deleted: Bool = false, content: String) throws -> Int64 {
        try database.write { connection in
            try ChangeLog.appendLocal(in: connection, origin: Self.origin, kind: "solution", id: id, version: version,
                                      isDeleted: deleted, content: Array(content.utf8), signer: HashSigner())
        }
    }

    @Test func feedIsInCommitOrderWithSignaturesAndKeepsOnlyTheLatestChangePerRecord() throws {
        try withDatabase { database in
            #expect(try append(database, id: "a", version: 1, content: "a1") == 1)
            #expect(try append(database, id: "b", version: 1, content: "b1") == 2)
            #expect(try append(database, id: "a", version: 2, content: "a2") == 3)
            #expect(try append(database, id: "b", version: 2, deleted: true, content: "b2") == 4)
            let feed = try database.read { try ChangeLog.changes(in: $0, origin: Self.origin, since: 0, limit: 10) }
            #expect(feed.map(\.id) == ["a", "b"])
            #expect(feed.map(\.sequence) == [3, 4])
            #expect(feed[1].isDeleted)
            #expect(feed[0].signature == Digest.sha256(Array("a2".utf8)))
            let after = try database.read { try ChangeLog.changes(in: $0, origin: Self.origin, since: 3, limit: 10) }
            #expect(after.map(\.id) == ["b"])
            let limited = try database.read { try ChangeLog.changes(in: $0, origin: Self.origin, since: 0, limit: 1) }
            #expect(limited.count == 1)
        }
    }

    @Test func digestIsEqualForEqualStateAndChangesWithAnyRecord() throws {
        let first = try withDatabase { database -> String in
            _ = try append(database, id: "a", version: 1, content: "a1")
            _ = try append(database, id: "b", version: 1, content: "b1")
            return try database.read { try ChangeLog.digest(in: $0, origin: Self.origin) }.hash
        }
        let sameStateOtherOrder = try withDatabase { database -> String in
            _ = try append(database, id: "b", version: 1, content: "b1")
            _ = try append(database, id: "a", version: 1, content: "a1")
            return try database.read { try ChangeLog.digest(in: $0, origin: Self.origin) }.hash
        }
        let different = try withDatabase { database -> String in
            _ = try append(database, id: "a", version: 1, content: "a1")
            _ = try append(database, id: "b", version: 1, content: "b-changed")
            return try database.read { try ChangeLog.digest(in: $0, origin: Self.origin) }.hash
        }
        #expect(first == sameStateOtherOrder)
        #expect(first != different)
    }

    @Test func replicaChangesKeepTheirOriginSequence() throws {
        try withDatabase { database in
            let change = RecordChange(origin: "00000001000000637000", sequence: 42, kind: "solution", id: "z", version: 3,
                                      isDeleted: false, content: Array("z3".utf8), signature: [1, 2])
            try database.write { try ChangeLog.appendReplica(change, in: $0) }
            let held = try database.read { connection in
                (try ChangeLog.latestSequence(in: connection, origin: change.origin),
                 try ChangeLog.heldVersion(in: connection, origin: change.origin, kind: "solution", id: "z"))
            }
            #expect(held.0 == 42)
            #expect(held.1 == 3)
        }
    }
}
