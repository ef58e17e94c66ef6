/// Recomputes the journal's hash chain and replays it from the first entry, checking the design's
/// invariants 1, 2, 3 and 5 against the journal and against the stored accounts and transfers.
/// `knooppunt ledger verify` runs it; the tests run it after every scenario. It only reads, inside
/// one read transaction, so it sees one consistent state even beside a running node.
///
/// What it checks:
/// - 5: sequences run 1, 2, 3… without gaps, every entry's hash is SHA-256 of the previous hash
///   and the entry's canonical bytes, and the append-only triggers are in place.
/// - 1: every entry moves a positive amount between two different accounts (so the replay sums
///   to zero by itself); the stored balances sum to zero and their pending debits equal their
///   pending credits; the stored accounts hold exactly the replayed balances.
/// - 2: after every entry, every resident and merchant balance is at least zero, also counting
///   its reservations, so no committed state ever had one negative.
/// - 3: each transfer id is created once, a pending one is posted or voided at most once and
///   nothing else is, with the amounts and accounts it was created with, and the stored
///   transfers are exactly the journal's, in the state the journal ends them in.
/// - Against an `Anchor` (`--expect-head`), when given: the entry at the noted sequence still
///   has the noted hash.
public struct LedgerVerifier {
    public struct Report: Sendable, Equatable {
        public var entryCount = 0
        public var transferCount = 0
        public var accountCount = 0
        /// The last entry's hash (hex), to publish or compare later.
        public var headHash = Digest.hex(JournalEntry.genesisHash)
        /// The last entry's sequence; 0 when the journal is empty.
        public var headSequence: Int64 = 0
        /// The journal's head as an auditor notes it, for a later `--expect-head`.
        public var head: Anchor { Anchor(sequence: headSequence, hashHex: headHash) }
        /// Each broken rule, as a sentence naming the entry, transfer or account.
        public var problems: [String] = []

        public var isValid: Bool { problems.isEmpty }
    }

    /// A journal head noted earlier, written `SEQUENCE:HASH` (what `ledger verify` prints). The
    /// chain alone cannot catch someone who has the file and the hash rule: rewrite an entry,
    /// recompute every hash after it, and the chain verifies again. But every hash from the
    /// rewritten entry on then differs, so a head an auditor noted (or published) before the
    /// rewrite no longer matches, and a noted head beyond the end shows entries were cut off.
    public struct Anchor: Sendable, Equatable, CustomStringConvertible {
        public let sequence: Int64
        /// Lowercase hexadecimal SHA-256.
        public let hashHex: String

        init(sequence: Int64, hashHex: String) {
            self.sequence = sequence
            self.hashHex = hashHex
        }

        /// Parses `SEQUENCE:HASH`: a sequence of at least 1 and 64 ASCII hexadecimal digits
        /// (`Character.isHexDigit` would also take fullwidth forms, which no hash prints).
        public init?(_ text: String) {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, let sequence = Int64(parts[0]), sequence >= 1, parts[1].utf8.count == 64,
                  parts[1].utf8.allSatisfy({ HTTPSyntax.hexDigitValue($0) != nil })
            else { return nil }
            self.init(sequence: sequence, hashHex: parts[1].lowercased())
        }

        public var description: String { "\(sequence):\(hashHex)" }
    }

    /// Stops listing after this many problems: one altered row can break everything after it.
    public static let maxProblems = 100

    private struct Position {
        var balance: Int64 = 0
        var pendingDebits: Int64 = 0
        var pendingCredits: Int64 = 0
    }

    private struct ReplayedTransfer {
        let entry: JournalEntry
        var state: TransferState
        var voidReason: VoidReason?
    }

    public init() {}

    /// Verifies the ledger on `connection`, and that the journal still holds `anchor` when given.
    public func verify(_ connection: SQLiteConnection, expecting anchor: Anchor? = nil) throws -> Report {
        var report = Report()
        // Kept apart from `report`, which the comparisons below take inout beside this closure.
        var problems: [String] = []
        func problem(_ text: String) {
            if problems.count < Self.maxProblems { problems.append(text) }
        }
        try checkTriggers(connection, problem)

        var positions: [String: Position] = [:]
        var transfers: [String: ReplayedTransfer] = [:]
        var previousHash = JournalEntry.genesisHash
        var expectedSequence: Int64 = 1
        var anchorSeen = false
        let statement = try connection.prepare("SELECT * FROM coin_journal ORDER BY sequence")
        try statement.bind([])
        while try statement.step() {
            let (entry, storedHash) = try LedgerJournal.entry(from: statement.row())
            report.entryCount += 1
            if entry.sequence != expectedSequence {
                problem("journal entry \(entry.sequence): expected sequence \(expectedSequence) (an entry is missing or out of order)")
            }
            expectedSequence = entry.sequence + 1
            if entry.hash(after: previousHash) != storedHash {
                problem("journal entry \(entry.sequence): hash does not match its content and the previous hash (the entry was changed, or one before it)")
            }
            previousHash = storedHash
            report.headSequence = entry.sequence
            if let anchor, entry.sequence == anchor.sequence {
                anchorSeen = true
                let stored = Digest.hex(storedHash)
                if stored != anchor.hashHex {
                    problem("journal entry \(entry.sequence): hash \(stored) is not the expected head \(anchor.hashHex) (the journal up to here was rewritten)")
                }
            }
            replay(entry, positions: &positions, transfers: &transfers, problem: problem)
        }
        report.headHash = Digest.hex(previousHash)
        if let anchor, !anchorSeen {
            problem("journal has no entry \(anchor.sequence), the expected head; it ends at \(report.headSequence) (entries were removed)")
        }

        try compareAccounts(connection, positions: positions, report: &report, problem)
        try compareTransfers(connection, transfers: transfers, report: &report, problem)
        report.problems = problems
        return report
    }

    private func checkTriggers(_ connection: SQLiteConnection, _ problem: (String) -> Void) throws {
        let names = Set(try connection.query("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'coin_journal'")
            .compactMap { $0.string("name") })
        for required in ["coin_journal_append_only_update", "coin_journal_append_only_delete"] where !names.contains(required) {
            problem("the journal's append-only trigger \(required) is missing")
        }
    }

    private func replay(_ entry: JournalEntry, positions: inout [String: Position], transfers: inout [String: ReplayedTransfer],
                        problem: (String) -> Void) {
        let name = "journal entry \(entry.sequence) (transfer \(entry.transferID))"
        guard entry.amountCents > 0 else {
            problem("\(name): amount \(entry.amountCents) is not positive")
            return
        }
        guard entry.debitAccount != entry.creditAccount else {
            problem("\(name): debits and credits the same account")
            return
        }
        let amount = entry.amountCents
        switch entry.event {
        case .createPosted, .createPending:
            guard transfers[entry.transferID] == nil else {
                problem("\(name): the transfer was already created (applied twice)")
                return
            }
            let isPending = entry.event == .createPending
            transfers[entry.transferID] = ReplayedTransfer(entry: entry, state: isPending ? .pending : .posted)
            if isPending {
                positions[entry.debitAccount, default: Position()].pendingDebits += amount
                positions[entry.creditAccount, default: Position()].pendingCredits += amount
            } else {
                positions[entry.debitAccount, default: Position()].balance -= amount
                positions[entry.creditAccount, default: Position()].balance += amount
            }
        case .postPending, .voidPending, .expirePending:
            guard var transfer = transfers[entry.transferID] else {
                problem("\(name): resolves a transfer that was never created")
                return
            }
            guard transfer.state == .pending else {
                problem("\(name): resolves a transfer that is already \(transfer.state.rawValue)")
                return
            }
            let created = transfer.entry
            guard created.amountCents == amount, created.debitAccount == entry.debitAccount,
                  created.creditAccount == entry.creditAccount, created.code == entry.code
            else {
                problem("\(name): differs from the pending transfer it resolves")
                return
            }
            positions[entry.debitAccount, default: Position()].pendingDebits -= amount
            positions[entry.creditAccount, default: Position()].pendingCredits -= amount
            if entry.event == .postPending {
                positions[entry.debitAccount, default: Position()].balance -= amount
                positions[entry.creditAccount, default: Position()].balance += amount
                transfer.state = .posted
            } else {
                transfer.state = .voided
                transfer.voidReason = entry.event == .expirePending ? .expired : .requested
            }
            transfers[entry.transferID] = transfer
        }
        // Invariant 2, in the state this entry committed.
        for account in [entry.debitAccount, entry.creditAccount] where Self.mustStayCovered(account) {
            let position = positions[account, default: Position()]
            if position.balance < 0 || position.balance - position.pendingDebits < 0 {
                problem("\(name): leaves \(account) at balance \(position.balance) with \(position.pendingDebits) reserved (below zero)")
            }
        }
    }

    private func compareAccounts(_ connection: SQLiteConnection, positions: [String: Position], report: inout Report,
                                 _ problem: (String) -> Void) throws {
        var seen = Set<String>()
        var stored = Position()
        for row in try connection.query("SELECT \(Account.columns) FROM coin_accounts ORDER BY id") {
            let account = try Account(row: row)
            report.accountCount += 1
            stored.balance += account.balanceCents
            stored.pendingDebits += account.pendingDebitsCents
            stored.pendingCredits += account.pendingCreditsCents
            seen.insert(account.id)
            let replayed = positions[account.id, default: Position()]
            if account.balanceCents != replayed.balance || account.pendingDebitsCents != replayed.pendingDebits
                || account.pendingCreditsCents != replayed.pendingCredits {
                problem("account \(account.id): stored balance \(account.balanceCents), pending \(account.pendingDebitsCents)/"
                    + "\(account.pendingCreditsCents) but the journal gives \(replayed.balance), pending \(replayed.pendingDebits)/"
                    + "\(replayed.pendingCredits)")
            }
            if account.kind.mustStayCovered && account.availableCents < 0 {
                problem("account \(account.id): stored balance is below zero")
            }
        }
        // Invariant 1 over the stored state, which the node reads balances from.
        if stored.balance != 0 { problem("the stored balances sum to \(stored.balance), not 0") }
        if stored.pendingDebits != stored.pendingCredits {
            problem("the stored pending debits (\(stored.pendingDebits)) and pending credits (\(stored.pendingCredits)) differ")
        }
        for account in positions.keys.sorted() where !seen.contains(account) {
            problem("account \(account): in the journal but not among the accounts")
        }
    }

    private func compareTransfers(_ connection: SQLiteConnection, transfers: [String: ReplayedTransfer], report: inout Report,
                                  _ problem: (String) -> Void) throws {
        var seen = Set<String>()
        let statement = try connection.prepare("SELECT \(Transfer.columns) FROM coin_transfers")
        try statement.bind([])
        while try statement.step() {
            let transfer = try Transfer(row: statement.row())
            report.transferCount += 1
            seen.insert(transfer.id)
            guard let replayed = transfers[transfer.id] else {
                problem("transfer \(transfer.id): stored but not in the journal")
                continue
            }
            let created = replayed.entry
            if transfer.amountCents != created.amountCents || transfer.debitAccount != created.debitAccount
                || transfer.creditAccount != created.creditAccount || transfer.code != created.code
                || transfer.reference != created.reference {
                problem("transfer \(transfer.id): stored content differs from its journal entry \(created.sequence)")
            }
            if transfer.state != replayed.state || transfer.voidReason != replayed.voidReason {
                problem("transfer \(transfer.id): stored as \(transfer.state.rawValue) but the journal ends it \(replayed.state.rawValue)")
            }
        }
        for id in transfers.keys.sorted() where !seen.contains(id) {
            problem("transfer \(id): in the journal but not among the transfers")
        }
    }

    private static func mustStayCovered(_ account: String) -> Bool {
        account.hasPrefix("resident:") || account.hasPrefix("merchant:")
    }
}
