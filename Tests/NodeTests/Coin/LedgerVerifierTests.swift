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

    @Test("a head is written and read back as SEQUENCE:HASH, and nothing else is taken for one")
    func anchorsParse() throws {
        let hash = String(repeating: "aB", count: 32)
        let anchor = try #require(LedgerVerifier.Anchor("7:\(hash)"))
        #expect(anchor.sequence == 7)
        #expect(anchor.description == "7:\(hash.lowercased())")
        #expect(LedgerVerifier.Anchor(anchor.description) == anchor)
        for malformed in ["", "7", "7:", ":\(hash)", "0:\(hash)", "-1:\(hash)", "x:\(hash)", "7:\(hash.dropLast())",
                          "7:\(hash)0", "7:\(String(repeating: "g", count: 64))", "7:\(hash):1",
                          "7:\(hash.dropLast(3))\u{FF10}"] {
            #expect(LedgerVerifier.Anchor(malformed) == nil, "\(malformed)")
        }
    }

    @Test("a head noted earlier catches a re-chained rewrite and a cut-off journal, which the chain alone does not")
    func expectedHeadCatchesRewrites() throws {
        try CoinFixture.run { fixture in
            _ = try Self.populate(fixture)
            let noted = try fixture.verify().head
            #expect(noted.sequence == 7)
            let matching = try fixture.database.read { try LedgerVerifier().verify($0, expecting: noted) }
            #expect(matching.problems == [])
            let earlier = try fixture.database.read { try $0.queryOne("SELECT hash FROM coin_journal WHERE sequence = 3")?.blob("hash") }
            let earlierHash = try #require(earlier)
            let earlierAnchor = try #require(LedgerVerifier.Anchor("3:\(Digest.hex(earlierHash))"))
            #expect(try fixture.database.read { try LedgerVerifier().verify($0, expecting: earlierAnchor) }.problems == [])

            try Self.forgeJournal(fixture) { entries in entries.replacing(at: 1) { $0.with(amountCents: 400) } }
            let forged = try fixture.database.read { try LedgerVerifier().verify($0, expecting: noted) }
            #expect(!forged.problems.contains { $0.contains("hash does not match") }, "the re-chained journal's hashes are consistent")
            #expect(forged.problems.contains { $0.hasPrefix("journal entry 7: hash ") && $0.hasSuffix("is not the expected head \(noted.hashHex) (the journal up to here was rewritten)") })
            #expect(forged.head != noted)
        }
        try CoinFixture.run { fixture in
            _ = try Self.populate(fixture)
            let noted = try fixture.verify().head
            try Self.forgeJournal(fixture) { Array($0.dropLast()) }
            let cut = try fixture.database.read { try LedgerVerifier().verify($0, expecting: noted) }
            #expect(cut.problems.contains("journal has no entry 7, the expected head; it ends at 6 (entries were removed)"))
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
        let problems = try Self.problemsAfterTampering { _ in
            """
            DROP TRIGGER coin_journal_append_only_update;
            UPDATE coin_journal SET amount_cents = 30 WHERE sequence = 2;
            """
        }
        #expect(problems.contains("the journal's append-only trigger coin_journal_append_only_update is missing"))
        #expect(problems.contains { $0.hasPrefix("journal entry 2: hash does not match") })
        #expect(problems.contains { $0.hasPrefix("account resident:r-1: stored balance") })
        #expect(problems.contains { $0.contains("stored content differs from its journal entry 2") })
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
        var transfers: [Transfer] = []
        let problems = try Self.problemsAfterTampering { populated in
            transfers = populated
            return """
                DROP TRIGGER coin_journal_append_only_delete;
                DELETE FROM coin_journal WHERE sequence = 2;
                UPDATE coin_accounts SET balance_cents = balance_cents + 1 WHERE id = 'treasury';
                DROP TRIGGER coin_transfers_resolve_once;
                UPDATE coin_transfers SET state = 'posted', void_reason = NULL WHERE id = '\(populated[3].id)';
                """
        }
        #expect(problems.contains("journal entry 3: expected sequence 2 (an entry is missing or out of order)"))
        #expect(problems.contains("transfer \(transfers[1].id): stored but not in the journal"))
        #expect(problems.contains { $0.hasPrefix("account treasury: stored balance 501") })
        #expect(problems.contains { $0.hasPrefix("transfer \(transfers[3].id): stored as posted") })
    }

    /// Rewrites the whole journal as `forge` returns it, re-chaining every hash and putting the
    /// append-only triggers back: what someone with the file and the hash rule could do. The
    /// chain then verifies, so only the replay's rules can find what was changed.
    static func forgeJournal(_ fixture: CoinFixture, _ forge: ([JournalEntry]) -> [JournalEntry]) throws {
        let connection = try SQLiteConnection(path: fixture.path)
        let entries = try connection.query("SELECT * FROM coin_journal ORDER BY sequence").map { try LedgerJournal.entry(from: $0).entry }
        let triggers = try connection.query("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'coin_journal'")
            .compactMap { $0.string("sql") }
        try connection.execute("""
            DROP TRIGGER coin_journal_append_only_update; DROP TRIGGER coin_journal_append_only_delete; DELETE FROM coin_journal;
            """)
        var previous = JournalEntry.genesisHash
        for (index, entry) in forge(entries).enumerated() {
            let rechained = entry.renumbered(Int64(index + 1))
            let hash = rechained.hash(after: previous)
            try connection.run("""
                INSERT INTO coin_journal (sequence, at, event, transfer_id, code, debit_account, credit_account, amount_cents,
                    reference, timeout_at, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [
                    .integer(rechained.sequence), .text(rechained.at), .text(rechained.event.rawValue), .text(rechained.transferID),
                    .text(rechained.code.rawValue), .text(rechained.debitAccount), .text(rechained.creditAccount),
                    .integer(rechained.amountCents), rechained.reference.map(SQLValue.text) ?? .null,
                    rechained.timeoutAt.map(SQLValue.text) ?? .null, .blob(hash),
                ])
            previous = hash
        }
        for trigger in triggers { try connection.execute(trigger) }
    }

    /// Populates a ledger, lets `alter` change it behind the node's back, and returns what the
    /// verifier says.
    static func problemsAfter(_ alter: (CoinFixture, [Transfer]) throws -> Void) throws -> [String] {
        var problems: [String] = []
        try CoinFixture.run { fixture in
            try alter(fixture, populate(fixture))
            problems = try fixture.verify().problems
        }
        return problems
    }

    /// Runs `sql` (given the populated transfers) on the ledger, as `tamper` does.
    static func problemsAfterTampering(_ sql: ([Transfer]) -> String) throws -> [String] {
        try problemsAfter { fixture, transfers in try tamper(fixture, sql(transfers)) }
    }

    /// Runs `forge` over the populated ledger's journal and returns what the verifier says.
    static func problemsAfterForging(_ forge: @escaping ([Transfer], [JournalEntry]) -> [JournalEntry]) throws -> [String] {
        let problems = try problemsAfter { fixture, transfers in try forgeJournal(fixture) { forge(transfers, $0) } }
        #expect(!problems.contains { $0.contains("hash does not match") || $0.contains("trigger") }, "the forged chain itself verifies")
        return problems
    }

    @Test("a re-chained journal with a non-positive amount or one account on both sides is refused")
    func forgedAmountsAndAccounts() throws {
        let zero = try Self.problemsAfterForging { _, entries in
            entries.replacing(at: 1) { $0.with(amountCents: 0) }
        }
        #expect(zero.contains { $0.hasPrefix("journal entry 2 (transfer ") && $0.hasSuffix("): amount 0 is not positive") })
        let sameAccount = try Self.problemsAfterForging { _, entries in
            entries.replacing(at: 1) { $0.with(creditAccount: "resident:r-1") }
        }
        #expect(sameAccount.contains { $0.hasPrefix("journal entry 2 (transfer ") && $0.hasSuffix("): debits and credits the same account") })
    }

    @Test("a re-chained journal that overdraws a resident is refused at the entry that did it")
    func forgedOverdraft() throws {
        let problems = try Self.problemsAfterForging { _, entries in
            entries.replacing(at: 1) { $0.with(amountCents: 1300) }
        }
        #expect(problems.contains { $0.hasPrefix("journal entry 2 (transfer ") && $0.hasSuffix("): leaves resident:r-1 at balance -300 with 0 reserved (below zero)") })
        #expect(problems.contains { $0.hasPrefix("journal entry 3 (transfer ") && $0.hasSuffix("leaves resident:r-1 at balance -300 with 200 reserved (below zero)") })
        #expect(problems.contains { $0.hasPrefix("account resident:r-1: stored balance 500, pending 0/0 but the journal gives -500") })
    }

    @Test("a re-chained journal that applies a transfer twice or resolves one wrongly is refused")
    func forgedTransferLifecycles() throws {
        let twice = try Self.problemsAfterForging { _, entries in entries + [entries[1]] }
        #expect(twice.contains { $0.hasPrefix("journal entry 8 (transfer ") && $0.hasSuffix("): the transfer was already created (applied twice)") })

        let neverCreated = try Self.problemsAfterForging { _, entries in
            entries + [entries[3].with(transferID: "00000000-0000-4000-8000-000000000000")]
        }
        #expect(neverCreated.contains("journal entry 8 (transfer 00000000-0000-4000-8000-000000000000): resolves a transfer that was never created"))

        let postedAgain = try Self.problemsAfterForging { _, entries in entries + [entries[3]] }
        #expect(postedAgain.contains { $0.hasPrefix("journal entry 8 (transfer ") && $0.hasSuffix("): resolves a transfer that is already posted") })
        let voidedThenPosted = try Self.problemsAfterForging { _, entries in entries + [entries[5].with(event: .postPending)] }
        #expect(voidedThenPosted.contains { $0.hasPrefix("journal entry 8 (transfer ") && $0.hasSuffix("): resolves a transfer that is already voided") })

        let differs = try Self.problemsAfterForging { _, entries in
            entries.replacing(at: 3) { $0.with(amountCents: 150) }
        }
        #expect(differs.contains { $0.hasPrefix("journal entry 4 (transfer ") && $0.hasSuffix("): differs from the pending transfer it resolves") })
    }

    @Test("a re-chained journal naming an account or transfer the tables lack is refused")
    func forgedUnknownRows() throws {
        let ghostAccount = try Self.problemsAfterForging { _, entries in
            entries.replacing(at: 6) { $0.with(creditAccount: "merchant:ghost") }
        }
        #expect(ghostAccount.contains("account merchant:ghost: in the journal but not among the accounts"))
        let ghostTransfer = try Self.problemsAfterForging { _, entries in
            entries + [entries[1].with(transferID: "00000000-0000-4000-8000-00000000000a", amountCents: 1)]
        }
        #expect(ghostTransfer.contains("transfer 00000000-0000-4000-8000-00000000000a: in the journal but not among the transfers"))
    }

    @Test("stored accounts that do not sum to zero, or whose reservations do not match, are refused")
    func storedAccountsBreakInvariantOne() throws {
        let problems = try Self.problemsAfterTampering { _ in
            """
            UPDATE coin_accounts SET balance_cents = balance_cents + 7 WHERE id = 'merchant:m-1';
            UPDATE coin_accounts SET pending_credits_cents = 5 WHERE id = 'merchant:m-1';
            """
        }
        #expect(problems.contains("the stored balances sum to 7, not 0"))
        #expect(problems.contains("the stored pending debits (0) and pending credits (5) differ"))
    }

    @Test("a stored resident balance below zero is refused even with the table's check bypassed")
    func storedNegativeBalance() throws {
        let problems = try Self.problemsAfterTampering { _ in
            """
            PRAGMA ignore_check_constraints = ON;
            UPDATE coin_accounts SET balance_cents = -1 WHERE id = 'resident:r-1';
            UPDATE coin_accounts SET balance_cents = 1 WHERE id = 'issuance';
            """
        }
        #expect(problems.contains("account resident:r-1: stored balance is below zero"))
        #expect(problems.contains { $0.hasPrefix("account resident:r-1: stored balance -1") })
    }
}

private extension JournalEntry {
    func renumbered(_ sequence: Int64) -> JournalEntry {
        JournalEntry(sequence: sequence, at: at, event: event, transferID: transferID, code: code, debitAccount: debitAccount,
                     creditAccount: creditAccount, amountCents: amountCents, reference: reference, timeoutAt: timeoutAt)
    }

    func with(event: JournalEvent? = nil, transferID: String? = nil, creditAccount: String? = nil, amountCents: Int64? = nil) -> JournalEntry {
        JournalEntry(sequence: sequence, at: at, event: event ?? self.event, transferID: transferID ?? self.transferID, code: code,
                     debitAccount: debitAccount, creditAccount: creditAccount ?? self.creditAccount,
                     amountCents: amountCents ?? self.amountCents, reference: reference, timeoutAt: timeoutAt)
    }
}

private extension Array where Element == JournalEntry {
    func replacing(at index: Int, _ change: (JournalEntry) -> JournalEntry) -> [JournalEntry] {
        var copy = self
        copy[index] = change(copy[index])
        return copy
    }
}
