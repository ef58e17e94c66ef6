import Foundation
import Testing
@testable import Node

/// Migrations 40 and 41 rebuild the search tables that versions 10 and 12 made with prefix
/// indexes. A node upgraded over existing data (which has applied the coin's migrations 20 and
/// 21 too, so the rebuilds must come after them) keeps finding its live records, ranked as
/// before, and no search row is left for a tombstone.
@Suite struct SearchTableRebuildTests {
    @Test func anUpgradedNodeKeepsItsLiveIndexedTextAndRankWithoutPrefixIndexes() throws {
        try withStoreTestDirectory { directory in
            let path = storeDatabasePath(in: directory)
            let all = NodeRuntime.migrations(extensions: [CatalogueExtension(), KnowledgeExtension(), CoinExtension()])
            let released = all.filter { $0.version < 40 }
            #expect(all.filter { $0.version >= 40 }.map(\.version) == [40, 41, 42, 43],
                    "the rebuilds, the API keys' merchant binding and the coin checks are the only migrations added since")

            let before = try Database(path: path, migrations: released)
            let store = RecordStore<KnowledgeEntryKind>(database: before, localOrigin: SharedRecordStoreTests.local, signer: HashSigner())
            let kept = try store.create(SharedRecordStoreTests.entry("Luchtkwaliteit meten"), by: SharedRecordStoreTests.actor)
            let removed = try store.create(SharedRecordStoreTests.entry("Luchtkwaliteit vroeger"), by: SharedRecordStoreTests.actor)
            _ = try store.delete(id: removed.id, ifMatch: nil, by: SharedRecordStoreTests.actor)
            // The search table as version 12 made it, holding (as an older release could) a row
            // for the record deleted since.
            try before.write { connection in
                let position = try #require(try connection.queryOne("SELECT position FROM knowledge_entries WHERE id = ?",
                                                                     [.text(removed.id)])?.int64("position"))
                try connection.execute("""
                    CREATE VIRTUAL TABLE knowledge_search_old USING fts5(title, summary, body, keywords,
                        tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4');
                    INSERT INTO knowledge_search_old (knowledge_search_old, rank) VALUES ('rank', 'bm25(10.0, 4.0, 1.0, 3.0)');
                    INSERT INTO knowledge_search_old (rowid, title, summary, body, keywords)
                        SELECT rowid, title, summary, body, keywords FROM knowledge_search;
                    DROP TABLE knowledge_search;
                    ALTER TABLE knowledge_search_old RENAME TO knowledge_search;
                    """)
                try connection.run("INSERT INTO knowledge_search (rowid, title, summary, body, keywords) VALUES (?, ?, '', '', '')",
                                   [.integer(position), .text("Luchtkwaliteit vroeger")])
            }
            before.close()

            let upgraded = try Database(path: path, migrations: all)
            defer { upgraded.close() }
            try upgraded.read { connection in
                let hits = try connection.query("""
                    SELECT r.id FROM knowledge_search s JOIN knowledge_entries r ON r.position = s.rowid
                    WHERE knowledge_search MATCH ?
                    """, [.text("\"lucht\"*")])
                #expect(try hits.map { try $0.required("id", as: String.self) } == [kept.id])
                let sql = try connection.queryOne("SELECT sql FROM sqlite_master WHERE name = 'knowledge_search'")?.string("sql")
                #expect(sql?.contains("prefix") == false, "\(sql ?? "no table")")
                let rank = try connection.queryOne("SELECT v FROM knowledge_search_config WHERE k = 'rank'")?.string("v")
                #expect(rank == "bm25(10.0, 4.0, 1.0, 3.0)")
                let solutions = try connection.queryOne("SELECT sql FROM sqlite_master WHERE name = 'solutions_search'")?.string("sql")
                #expect(solutions?.contains("prefix") == false)
            }
        }
    }
}
