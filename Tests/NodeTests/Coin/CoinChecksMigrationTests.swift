import Foundation
import Testing
@testable import Node

/// Migration 43 over a ledger written by the released schema: the transfers and journal tables
/// are rebuilt with their CHECKs as comparisons, and nothing else about the books changes.
@Suite("Coin migration 43: checks without value lists")
struct CoinChecksMigrationTests {
    static let all = NodeRuntime.migrations(extensions: [CoinExtension()])
    static let released = all.filter { $0.version < 43 }

    static func contents(_ fixture: CoinFixture) throws -> [[SQLValue]] {
        try fixture.database.read { connection in
            try connection.query("SELECT * FROM coin_transfers ORDER BY created_sequence").map(\.values)
                + connection.query("SELECT * FROM coin_journal ORDER BY sequence").map(\.values)
                + connection.query("SELECT * FROM coin_claims ORDER BY id").map(\.values)
        }
    }

    static func tableSQL(_ fixture: CoinFixture, _ name: String) throws -> String {
        try #require(try fixture.database.read { try $0.queryOne("SELECT sql FROM sqlite_schema WHERE name = ?", [.text(name)]) }?
            .string("sql"))
    }

    /// How many temporary b-trees SQLite's program for a statement opens: one per row written for
    /// each CHECK with an `IN` list of three or more values. Asked of the writer: a read-only
    /// connection compiles writes without their constraint checks.
    static func ephemeralTables(_ fixture: CoinFixture, _ sql: String) throws -> Int {
        let unbound = [SQLValue](repeating: .null, count: sql.filter { $0 == "?" }.count)
        return try fixture.database.write { try $0.query("EXPLAIN " + sql, unbound) }.filter { $0.string("opcode") == "OpenEphemeral" }.count
    }

    static let insertTransfer = """
        INSERT INTO coin_transfers (id, debit_account, credit_account, amount_cents, code, reference, state, created_pending,
            timeout_at, created_at, resolved_at, void_reason, request_hash, created_sequence)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?)
        """
    static let insertJournal = """
        INSERT INTO coin_journal (sequence, at, event, transfer_id, code, debit_account, credit_account, amount_cents,
            reference, timeout_at, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    @Test("rows, hashes, references, indexes, triggers and rules survive; writes no longer build temporary b-trees")
    func upgradeKeepsTheBooks() throws {
        try withStoreTestDirectory { directory in
            let path = storeDatabasePath(in: directory)
            var before: [[SQLValue]] = []
            try CoinFixture.run(at: path, migrations: Self.released) { fixture in
                _ = try LedgerVerifierTests.populate(fixture)
                let task = try SchemeRulesTests.openTask(fixture)
                let claim = try SchemeRulesTests.submit(fixture, task, "r-2")
                _ = try fixture.service.approveClaim(claim.id, audit: CoinFixture.audit)
                before = try Self.contents(fixture)
                #expect(try Self.ephemeralTables(fixture, Self.insertTransfer) == 2, "the released shape: code and state lists")
                #expect(try Self.ephemeralTables(fixture, Self.insertJournal) == 1, "the released shape: the event list")
            }
            try CoinFixture.run(at: path, migrations: Self.all) { fixture in
                #expect(try Self.contents(fixture) == before)
                #expect(try Self.ephemeralTables(fixture, Self.insertTransfer) == 0)
                #expect(try Self.ephemeralTables(fixture, Self.insertJournal) == 0)
                #expect(try !Self.tableSQL(fixture, "coin_transfers").contains(" IN ("))
                #expect(try !Self.tableSQL(fixture, "coin_journal").contains(" IN ("))
                let names = try fixture.database.read { connection in
                    Set(try connection.query("SELECT name FROM sqlite_schema WHERE tbl_name IN ('coin_transfers', 'coin_journal')")
                        .compactMap { $0.string("name") })
                }
                #expect(names == [
                    "coin_transfers", "sqlite_autoindex_coin_transfers_1", "sqlite_autoindex_coin_transfers_2",
                    "coin_transfers_by_debit", "coin_transfers_by_credit", "coin_transfers_pending_by_timeout",
                    "coin_transfers_no_delete", "coin_transfers_immutable", "coin_transfers_resolve_once",
                    "coin_journal", "coin_journal_append_only_update", "coin_journal_append_only_delete",
                ])
                #expect(try fixture.database.read { try $0.query("PRAGMA foreign_key_check") }.isEmpty)
                #expect(try fixture.verify().problems == [])

                // The rules hold as before: unknown words, deletes, rewrites and unknown accounts fail.
                let transfer = try #require(before.first)
                try fixture.database.write { connection in
                    for (code, state) in [("gift", "posted"), ("payment", "lost")] {
                        #expect(throws: StoreError.self) {
                            try connection.savepoint {
                                try connection.run(Self.insertTransfer, [
                                    .text(CoinFixture.uuid()), .text("resident:r-1"), .text("merchant:m-1"), .integer(1), .text(code),
                                    .null, .text(state), .integer(0), .null, .text("2026-05-28T00:00:00.000Z"),
                                    .blob([UInt8](repeating: 0, count: 32)), .integer(1_000),
                                ])
                            }
                        }
                    }
                    #expect(throws: StoreError.self) {
                        try connection.savepoint {
                            try connection.run(Self.insertJournal, [
                                .integer(1_000), .text("2026-05-28T00:00:00.000Z"), .text("gift"), .text("t"), .text("payment"),
                                .text("resident:r-1"), .text("merchant:m-1"), .integer(1), .null, .null,
                                .blob([UInt8](repeating: 0, count: 32)),
                            ])
                        }
                    }
                    #expect(throws: StoreError.self) {
                        try connection.savepoint {
                            try connection.run(Self.insertTransfer, [
                                .text(CoinFixture.uuid()), .text("resident:nobody"), .text("merchant:m-1"), .integer(1),
                                .text("payment"), .null, .text("posted"), .integer(0), .null, .text("2026-05-28T00:00:00.000Z"),
                                .blob([UInt8](repeating: 0, count: 32)), .integer(1_000),
                            ])
                        }
                    }
                    #expect(throws: StoreError.self) {
                        try connection.savepoint { try connection.run("DELETE FROM coin_transfers WHERE id = ?", [transfer[0]]) }
                    }
                    #expect(throws: StoreError.self) {
                        try connection.savepoint { try connection.run("UPDATE coin_journal SET amount_cents = 1 WHERE sequence = 1") }
                    }
                }

                // And the ledger goes on from where it was.
                _ = try fixture.transfer(.resident("r-2"), .merchant("m-1"), 100, code: .payment)
                #expect(try fixture.balance(.resident("r-2")) == 400)
                let report = try fixture.verify()
                #expect(report.problems == [])
                #expect(report.transferCount == 7)
            }
        }
    }
}
