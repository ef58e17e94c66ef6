/// An account as the API shows it. `balanceCents` counts posted transfers only (credits minus
/// debits, see `AccountID` for the sign convention); pending transfers are shown beside it, and
/// `availableCents` is what may still be debited: the balance less the pending debits. A pending
/// credit is not available until it is posted.
public struct Account: Sendable, Equatable, Encodable {
    public let id: String
    public let kind: AccountKind
    public let holder: String?
    public let balanceCents: Int64
    public let pendingDebitsCents: Int64
    public let pendingCreditsCents: Int64
    public let availableCents: Int64
    public let createdAt: String

    static let columns = "id, kind, holder, balance_cents, pending_debits_cents, pending_credits_cents, created_at"

    init(row: SQLRow) throws {
        let kind: String = try row.required("kind")
        guard let parsedKind = AccountKind(rawValue: kind) else {
            throw StoreError.typeMismatch(column: "kind", expected: "an account kind", found: kind)
        }
        id = try row.required("id")
        self.kind = parsedKind
        holder = row.string("holder")
        balanceCents = try row.required("balance_cents")
        pendingDebitsCents = try row.required("pending_debits_cents")
        pendingCreditsCents = try row.required("pending_credits_cents")
        availableCents = balanceCents - pendingDebitsCents
        createdAt = try row.required("created_at")
    }
}

/// The ledger's account rows: loading, creating on demand, and moving amounts.
enum LedgerAccounts {
    /// Built once: every payment reads its payer's account.
    private static let findSQL = "SELECT \(Account.columns) FROM coin_accounts WHERE id = ?"

    static func find(_ id: String, in connection: SQLiteConnection) throws -> Account? {
        try connection.queryOne(findSQL, [.text(id)]).map(Account.init(row:))
    }

    /// The balance less pending debits, nil when there is no such account: the one figure a
    /// debit needs, read alone because every payment reads it on the single writer.
    static func availableCents(_ id: String, in connection: SQLiteConnection) throws -> Int64? {
        try connection.queryOne("SELECT balance_cents - pending_debits_cents AS available FROM coin_accounts WHERE id = ?",
                                [.text(id)]).map { try $0.required("available") }
    }

    /// Creates the account if it does not exist yet; the caller has checked that this kind may
    /// be created on demand.
    static func create(_ id: AccountID, at now: String, in connection: SQLiteConnection) throws {
        try connection.run("""
            INSERT INTO coin_accounts (id, kind, holder, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING
            """, [.text(id.description), .text(id.kind.rawValue), id.holder.map(SQLValue.text) ?? .null, .text(now)])
    }

    /// Adds to an account's columns; exactly one row must change.
    static func apply(to id: String, balanceCents: Int64 = 0, pendingDebitsCents: Int64 = 0, pendingCreditsCents: Int64 = 0,
                      in connection: SQLiteConnection) throws {
        let changed = try connection.run("""
            UPDATE coin_accounts SET balance_cents = balance_cents + ?, pending_debits_cents = pending_debits_cents + ?,
                pending_credits_cents = pending_credits_cents + ? WHERE id = ?
            """, [.integer(balanceCents), .integer(pendingDebitsCents), .integer(pendingCreditsCents), .text(id)])
        precondition(changed == 1, "a transfer moves money between accounts that exist")
    }
}
