import Foundation
import Testing
@testable import Node

/// Commits only append to the WAL; the checkpointer thread copies it into the database file.
@Suite struct WALCheckpointerTests {
    static let blobs = Migration(version: 2, name: "blobs", sql: "CREATE TABLE blobs(id INTEGER PRIMARY KEY, data BLOB NOT NULL)")

    @Test func theWALReachesTheDatabaseFileWithoutACommitCopyingIt() throws {
        try withStoreTestDirectory { directory in
            let path = storeDatabasePath(in: directory)
            let database = try Database(path: path, migrations: Database.baseMigrations + [Self.blobs])
            defer { database.close() }
            let autocheckpoint = try database.write { try $0.queryOne("PRAGMA wal_autocheckpoint")?.int64("wal_autocheckpoint") }
            #expect(autocheckpoint == Int64(Database.walBackstopPages), "the writer's commits checkpoint only as a backstop")
            // 2 MiB: under the writer's threshold, so only the checkpointer moves it.
            let size = 2 << 20
            try database.write { try $0.run("INSERT INTO blobs(data) VALUES (?)", [.blob(Array(repeating: 7, count: size))]) }
            let giveUp = ContinuousClock.now + .seconds(10)
            while Self.fileSize(path) < size && ContinuousClock.now < giveUp {
                Thread.sleep(forTimeInterval: 0.05)
            }
            #expect(Self.fileSize(path) >= size, "the database file holds the committed blob")
        }
    }

    static func fileSize(_ path: String) -> Int {
        (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    }
}
