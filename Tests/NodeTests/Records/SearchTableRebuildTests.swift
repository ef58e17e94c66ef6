import Foundation
import Testing
@testable import Node

/// Migrations 13 and 14 rebuild the search tables that versions 10 and 12 made with prefix
/// indexes; a node upgraded over existing data must keep finding what it held, ranked as before.
@Suite struct SearchTableRebuildTests {
    @Test func anUpgradedNodeKeepsItsIndexedTextAndRankWithoutPrefixIndexes() throws {
        try withStoreTestDirectory { directory in
            let path = storeDatabasePath(in: directory)
            let all = NodeRuntime.migrations(extensions: [CatalogueExtension(), KnowledgeExtension()])
            let before = try Database(path: path, migrations: all.filter { $0.version <= 12 })
            // The search table as version 12 made it before prefix indexes were dropped.
            try before.write { connection in
                try connection.execute("""
                    DROP TABLE knowledge_search;
                    CREATE VIRTUAL TABLE knowledge_search USING fts5(title, summary, body, keywords,
                        tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4');
                    INSERT INTO knowledge_search (knowledge_search, rank) VALUES ('rank', 'bm25(10.0, 4.0, 1.0, 3.0)');
                    INSERT INTO knowledge_search (rowid, title, summary, body, keywords)
                        VALUES (7, 'Luchtkwaliteit meten', '', 'Sensoren in de wijk.', 'milieu');
                    """)
            }
            before.close()

            let upgraded = try Database(path: path, migrations: all)
            defer { upgraded.close() }
            try upgraded.read { connection in
                let hits = try connection.query("SELECT rowid AS position FROM knowledge_search WHERE knowledge_search MATCH ?",
                                                [.text("\"lucht\"*")])
                #expect(try hits.map { try $0.required("position", as: Int64.self) } == [7])
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
