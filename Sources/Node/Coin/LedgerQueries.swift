/// Read-only queries of the ledger for the API's collections; they run on reader connections.
enum LedgerQueries {
    /// Transfers debiting or crediting `account`, newest first, optionally by state and code.
    static func transfers(account: String, state: TransferState?, code: TransferCode?, request: PageRequest,
                          in connection: SQLiteConnection) throws -> (items: [Transfer], count: Int) {
        // Two index ranges (by debit, by credit) merged, rather than one OR that SQLite may scan.
        let filters: [SQLValue] = [
            state.map { .text($0.rawValue) } ?? .null, state.map { .text($0.rawValue) } ?? .null,
            code.map { .text($0.rawValue) } ?? .null, code.map { .text($0.rawValue) } ?? .null,
        ]
        let filter = "(? IS NULL OR state = ?) AND (? IS NULL OR code = ?)"
        let union = """
            SELECT \(Transfer.columns), created_sequence FROM coin_transfers WHERE debit_account = ? AND \(filter)
            UNION ALL
            SELECT \(Transfer.columns), created_sequence FROM coin_transfers WHERE credit_account = ? AND \(filter)
            """
        let parameters = [SQLValue.text(account)] + filters + [.text(account)] + filters
        let count = try connection.queryOne("SELECT count(*) AS n FROM (\(union))", parameters)?.int("n") ?? 0
        let rows = try connection.query("\(union) ORDER BY created_sequence DESC LIMIT ? OFFSET ?",
                                        parameters + [.integer(Int64(request.size)), .integer(Int64(request.offset))])
        return (try rows.map(Transfer.init(row:)), count)
    }

    /// Redemptions, newest first, optionally of one merchant. Every redemption credits the
    /// treasury, so the credit index finds them.
    static func redemptions(merchant: String?, request: PageRequest, in connection: SQLiteConnection) throws -> (items: [Redemption], count: Int) {
        let debit: SQLValue = merchant.map { .text("merchant:\($0)") } ?? .null
        let filter = "credit_account = 'treasury' AND code = 'redemption' AND (? IS NULL OR debit_account = ?)"
        let count = try connection.queryOne("SELECT count(*) AS n FROM coin_transfers WHERE \(filter)", [debit, debit])?.int("n") ?? 0
        let rows = try connection.query("""
            SELECT \(Transfer.columns) FROM coin_transfers WHERE \(filter) ORDER BY created_sequence DESC LIMIT ? OFFSET ?
            """, [debit, debit, .integer(Int64(request.size)), .integer(Int64(request.offset))])
        return (try rows.map { Redemption(try Transfer(row: $0)) }, count)
    }

    /// Accounts, by id, optionally of one kind.
    static func accounts(kind: AccountKind?, request: PageRequest, in connection: SQLiteConnection) throws -> (items: [Account], count: Int) {
        let filter: SQLValue = kind.map { .text($0.rawValue) } ?? .null
        let count = try connection.queryOne("SELECT count(*) AS n FROM coin_accounts WHERE (? IS NULL OR kind = ?)",
                                            [filter, filter])?.int("n") ?? 0
        let rows = try connection.query("""
            SELECT \(Account.columns) FROM coin_accounts WHERE (? IS NULL OR kind = ?) ORDER BY id LIMIT ? OFFSET ?
            """, [filter, filter, .integer(Int64(request.size)), .integer(Int64(request.offset))])
        return (try rows.map(Account.init(row:)), count)
    }

    /// Journal entries in chain order, each with its hash and the one before it, so an auditor
    /// can recompute the chain page by page.
    static func journal(request: PageRequest, in connection: SQLiteConnection) throws -> (items: [JournalEntryView], count: Int) {
        // Sequences are gapless from 1, so the count is the last sequence (no scan).
        let count = try connection.queryOne("SELECT coalesce(max(sequence), 0) AS n FROM coin_journal")?.int("n") ?? 0
        let first = Int64(request.offset) + 1
        // The entry before the page, when there is one, gives the first entry's previous hash.
        let rows = try connection.query("SELECT * FROM coin_journal WHERE sequence >= ? ORDER BY sequence LIMIT ?",
                                        [.integer(max(1, first - 1)), .integer(Int64(request.size) + (first > 1 ? 1 : 0))])
        var previousHash = JournalEntry.genesisHash
        var items: [JournalEntryView] = []
        for row in rows {
            let (entry, hash) = try LedgerJournal.entry(from: row)
            if entry.sequence >= first {
                items.append(JournalEntryView(entry: entry, hash: hash, previousHash: previousHash))
            }
            previousHash = hash
        }
        precondition(items.count <= request.size, "a page holds at most its size")
        return (items, count)
    }
}

/// A journal entry as auditors read it: the hashed fields, the stored hash and the previous one
/// (hex), so `hash == SHA-256(previousHash ‖ canonical bytes)` can be checked for every entry.
public struct JournalEntryView: Sendable, Equatable, Encodable {
    public let sequence: Int64
    public let at: String
    public let event: JournalEvent
    public let transferId: String
    public let code: TransferCode
    public let debitAccount: String
    public let creditAccount: String
    public let amountCents: Int64
    public let reference: String?
    public let timeoutAt: String?
    public let hash: String
    public let previousHash: String

    init(entry: JournalEntry, hash: [UInt8], previousHash: [UInt8]) {
        sequence = entry.sequence
        at = entry.at
        event = entry.event
        transferId = entry.transferID
        code = entry.code
        debitAccount = entry.debitAccount
        creditAccount = entry.creditAccount
        amountCents = entry.amountCents
        reference = entry.reference
        timeoutAt = entry.timeoutAt
        self.hash = Digest.hex(hash)
        self.previousHash = Digest.hex(previousHash)
    }
}
