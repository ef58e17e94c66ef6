import Foundation
import Testing
@testable import Node

/// `LedgerVerifier` on a real ledger, then on the same ledger altered by hand the way someone
/// with the database file could: each alteration is named.
@Suite("Ledger verifier")
struct LedgerVerifierTests {
    /// A small ledger with every kind of journal entry.
    static func populate(_ fixture: CoinFixture) throws -> [Transfer] {
        _ = try fixture.service.registerMerchant(id: "m-1", name: "Bakkerij", audit: CoinFixture.audit)
        let reward = try fixture.reward("r-1", 1000)
        let payment = try fixture.transfer(.resident("r-1"), .merchant("m-1"), 300, code: .payment)
        let pending = try fixture.transfer(.resident("r-1"), .merchant("m-1"), 200, code: .payment, pendingSeconds: 60)
        _ = try fixture.service.postTransfer(pending.id)
        let voided = try fixture.transfer(.resident("r-1"), .merchant("m-1"), 100, code: .payment, pendingSeconds: 60)
        _ = try fixture.service.voidTransfer(voided.id)
        let redemption = try fixture.transfer(.merchant("m-1"), .treasury, 500, code: .redemption, reference: "payout 1")
        return [reward, payment, pending, voided, redemption]
    }

    /// Runs `sql` on a connection of its own, as a person with the file and the sqlite3 tool would.
    static func tamper(_ fixture: CoinFixture, _ sql: String) throws {
        let connection = try SQLiteConnection(path: fixture.path)
        try connection.execute(sql)
    }

    @Test("an untouched ledger verifies, with counts and the head hash")
    func cleanLedgerVerifies() throws {
        try CoinFixture.run { fixture in
            _ = try Self.populate(fixture)
            let report = try fixture.verify()
            #expect(report.problems == [])
            #expect(report.entryCount == 7)
            #expect(report.transferCount == 5)
            #expect(report.accountCount == 4)
            let head = try fixture.database.read { try $0.queryOne("SELECT hash FROM coin_journal ORDER BY sequence DESC LIMIT 1")?.blob("hash") }
            #expect(report.headHash == Digest.hex(try #require(head)))
        }
    }

    @Test("the journal refuses UPDATE and DELETE while its triggers stand")
    func journalIsAppendOnly() throws {
        try CoinFixture.run { fixture in
            _ = try Self.populate(fixture)
            #expect(throws: StoreError.constraint(message: "the coin journal is append-only")) {
                try Self.tamper(fixture, "UPDATE coin_journal SET amount_cents = 1 WHERE sequence = 2")
            }
            #expect(throws: StoreError.constraint(message: "the coin journal is append-only")) {
                try Self.tamper(fixture, "DELETE FROM coin_journal WHERE sequence = 7")
            }
            #expect(throws: StoreError.self) {
                try Self.tamper(fixture, "UPDATE coin_transfers SET amount_cents = 1")
            }
            #expect(try fixture.verify().problems == [])
        }
    }

    @Test("changing one journal row with the triggers dropped is detected")
    func alteredEntryIsDetected() throws {
        try CoinFixture.run { fixture in
            _ = try Self.populate(fixture)
            try Self.tamper(fixture, """
                DROP TRIGGER coin_journal_append_only_update;
                UPDATE coin_journal SET amount_cents = 30 WHERE sequence = 2;
                """)
            let problems = try fixture.verify().problems
            #expect(problems.contains("the journal's append-only trigger coin_journal_append_only_update is missing"))
            #expect(problems.contains { $0.hasPrefix("journal entry 2: hash does not match") })
            #expect(problems.contains { $0.hasPrefix("account resident:r-1: stored balance") })
            #expect(problems.contains { $0.contains("stored content differs from its journal entry 2") })
        }
    }

    @Test("rewriting an entry and its own hash still breaks the chain at the next entry")
    func rehashedEntryBreaksTheNext() throws {
        try CoinFixture.run { fixture in
            _ = try Self.populate(fixture)
            let row = try #require(try fixture.database.read { try $0.queryOne("SELECT * FROM coin_journal WHERE sequence = 3") })
            let previous = try #require(try fixture.database.read { try $0.queryOne("SELECT hash FROM coin_journal WHERE sequence = 2")?.blob("hash") })
            let original = try LedgerJournal.entry(from: row).entry
            let forged = JournalEntry(sequence: 3, at: original.at, event: original.event, transferID: original.transferID, code: original.code,
                                      debitAccount: original.debitAccount, creditAccount: "merchant:m-2", amountCents: original.amountCents,
                                      reference: original.reference, timeoutAt: original.timeoutAt)
            let connection = try SQLiteConnection(path: fixture.path)
            try connection.execute("DROP TRIGGER coin_journal_append_only_update")
            try connection.run("UPDATE coin_journal SET credit_account = 'merchant:m-2', hash = ? WHERE sequence = 3",
                               [.blob(forged.hash(after: previous))])
            let problems = try fixture.verify().problems
            #expect(!problems.contains { $0.hasPrefix("journal entry 3: hash") })
            #expect(problems.contains { $0.hasPrefix("journal entry 4: hash does not match") })
        }
    }

    @Test("a deleted entry, a changed balance and a changed transfer state are each detected")
    func otherTampering() throws {
        try CoinFixture.run { fixture in
            let transfers = try Self.populate(fixture)
            try Self.tamper(fixture, """
                DROP TRIGGER coin_journal_append_only_delete;
                DELETE FROM coin_journal WHERE sequence = 2;
                UPDATE coin_accounts SET balance_cents = balance_cents + 1 WHERE id = 'treasury';
                DROP TRIGGER coin_transfers_resolve_once;
                UPDATE coin_transfers SET state = 'posted', void_reason = NULL WHERE id = '\(transfers[3].id)';
                """)
            let problems = try fixture.verify().problems
            #expect(problems.contains("journal entry 3: expected sequence 2 (an entry is missing or out of order)"))
            #expect(problems.contains("transfer \(transfers[1].id): stored but not in the journal"))
            #expect(problems.contains { $0.hasPrefix("account treasury: stored balance 501") })
            #expect(problems.contains { $0.hasPrefix("transfer \(transfers[3].id): stored as posted") })
        }
    }
}
