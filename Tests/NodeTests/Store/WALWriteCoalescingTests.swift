import Foundation
import Testing
@testable import Node

/// The WAL-coalescing VFS under every connection: a commit's frames go out in a few large writes,
/// and what SQLite wrote is what it and every other connection read back.
@Suite("WAL write coalescing")
struct WALWriteCoalescingTests {
    private static func pattern(_ size: Int, seed: UInt8) -> [UInt8] {
        (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31) &+ seed }
    }

    @Test("a commit of 512 pages reaches the WAL in a few dozen writes, and another connection reads it whole")
    func largeCommitIsCoalescedAndIntact() throws {
        try withStoreTestDirectory { directory in
            let path = storeDatabasePath(in: directory)
            let writer = try SQLiteConnection(path: path)
            try writer.execute("CREATE TABLE blobs(id INTEGER PRIMARY KEY, data BLOB NOT NULL)")
            let blob = Self.pattern(2 << 20, seed: 7)
            let before = try writeCallsOfThisThread()
            try writer.run("INSERT INTO blobs(id, data) VALUES (1, ?)", [.blob(blob)])
            let calls = try writeCallsOfThisThread() - before
            // SQLite alone writes each of the ~512 frames as a header and a page: over 1,000 calls.
            #expect(calls < 64, "the commit's frames were written in \(calls) calls")
            let reader = try SQLiteConnection(path: path, access: .readOnly)
            #expect(try reader.queryOne("SELECT data FROM blobs WHERE id = 1")?[0] == .blob(blob))
        }
    }

    @Test("pages a transaction spills to the WAL before its commit read back as written")
    func spilledPagesReadBack() throws {
        try withStoreTestDirectory { directory in
            let path = storeDatabasePath(in: directory)
            let writer = try SQLiteConnection(path: path)
            try writer.execute("CREATE TABLE rows(id INTEGER PRIMARY KEY, data BLOB NOT NULL)")
            // A cache of 16 pages cannot hold the transaction: SQLite writes pages to the WAL
            // mid-transaction and reads them back from it when the queries below need them.
            try writer.execute("PRAGMA cache_size = 16")
            try writer.transaction {
                for id in 0..<400 {
                    try writer.run("INSERT INTO rows(id, data) VALUES (?, ?)", [.integer(Int64(id)), .blob(Self.pattern(1000, seed: UInt8(id % 251)))])
                }
                for id in stride(from: 0, to: 400, by: 37) {
                    #expect(try writer.queryOne("SELECT data FROM rows WHERE id = ?", [.integer(Int64(id))])?[0]
                            == .blob(Self.pattern(1000, seed: UInt8(id % 251))))
                }
            }
            let reader = try SQLiteConnection(path: path, access: .readOnly)
            #expect(try reader.queryOne("SELECT count(*) AS n, sum(length(data)) AS bytes FROM rows").map { [$0[0], $0[1]] }
                    == [.integer(400), .integer(400_000)])
            #expect(try reader.queryOne("PRAGMA integrity_check")?[0] == .text("ok"))
        }
    }

    @Test("a commit is visible to another connection as soon as it returns, and survives a reopen")
    func commitIsVisibleAndDurableAcrossConnections() throws {
        try withStoreTestDirectory { directory in
            let path = storeDatabasePath(in: directory)
            do {
                let writer = try SQLiteConnection(path: path)
                try writer.execute("CREATE TABLE entries(id INTEGER PRIMARY KEY, label TEXT NOT NULL)")
                let reader = try SQLiteConnection(path: path, access: .readOnly)
                for id in 1...50 {
                    try writer.run("INSERT INTO entries(id, label) VALUES (?, ?)", [.integer(Int64(id)), .text("entry \(id)")])
                    #expect(try reader.queryOne("SELECT count(*) FROM entries")?[0] == .integer(Int64(id)))
                }
            }
            let reopened = try SQLiteConnection(path: path, access: .readOnly)
            #expect(try reopened.queryOne("SELECT group_concat(label, ',') FROM (SELECT label FROM entries ORDER BY id)")?[0]
                    == .text((1...50).map { "entry \($0)" }.joined(separator: ",")))
        }
    }
}
