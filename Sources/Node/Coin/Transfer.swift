/// A transfer as the API shows it and the ledger stores it. Absent optional fields are left out
/// of the JSON rather than sent as `null`.
public struct Transfer: Sendable, Equatable, Encodable {
    public let id: String
    public let debitAccount: String
    public let creditAccount: String
    public let amountCents: Int64
    public let code: TransferCode
    public let reference: String?
    public let state: TransferState
    /// When a pending transfer voids itself; set for two-phase transfers only.
    public let timeoutAt: String?
    public let createdAt: String
    public let postedAt: String?
    public let voidedAt: String?
    public let voidReason: VoidReason?
    /// Whether it was created two-phase (pending); a single-phase transfer cannot be posted or voided.
    let createdPending: Bool
    /// SHA-256 of the creating request's content, to tell a replay from a conflicting reuse of the id.
    let requestHash: [UInt8]

    enum CodingKeys: String, CodingKey {
        case id, debitAccount, creditAccount, amountCents, code, reference, state, timeoutAt, createdAt, postedAt, voidedAt, voidReason
    }

    /// The transfer as its creating request answered it: what a replay of that request returns,
    /// whatever happened to the transfer since (the idempotency draft: the original result).
    func asCreated() -> Transfer {
        Transfer(id: id, debitAccount: debitAccount, creditAccount: creditAccount, amountCents: amountCents, code: code,
                 reference: reference, state: createdPending ? .pending : .posted, timeoutAt: timeoutAt, createdAt: createdAt,
                 postedAt: createdPending ? nil : createdAt, voidedAt: nil, voidReason: nil, createdPending: createdPending,
                 requestHash: requestHash)
    }

    /// The columns `init(row:)` reads, for every query that loads transfers.
    static let columns = """
        id, debit_account, credit_account, amount_cents, code, reference, state, created_pending, timeout_at, \
        created_at, resolved_at, void_reason, request_hash
        """

    init(id: String, debitAccount: String, creditAccount: String, amountCents: Int64, code: TransferCode, reference: String?,
         state: TransferState, timeoutAt: String?, createdAt: String, postedAt: String?, voidedAt: String?,
         voidReason: VoidReason?, createdPending: Bool, requestHash: [UInt8]) {
        self.id = id
        self.debitAccount = debitAccount
        self.creditAccount = creditAccount
        self.amountCents = amountCents
        self.code = code
        self.reference = reference
        self.state = state
        self.timeoutAt = timeoutAt
        self.createdAt = createdAt
        self.postedAt = postedAt
        self.voidedAt = voidedAt
        self.voidReason = voidReason
        self.createdPending = createdPending
        self.requestHash = requestHash
    }

    init(row: SQLRow) throws {
        let state: String = try row.required("state")
        let code: String = try row.required("code")
        guard let parsedState = TransferState(rawValue: state), let parsedCode = TransferCode(rawValue: code) else {
            throw StoreError.typeMismatch(column: "state/code", expected: "a known transfer state and code", found: "\(state)/\(code)")
        }
        let resolvedAt = row.string("resolved_at")
        let createdAt: String = try row.required("created_at")
        self.init(
            id: try row.required("id"), debitAccount: try row.required("debit_account"),
            creditAccount: try row.required("credit_account"), amountCents: try row.required("amount_cents"),
            code: parsedCode, reference: row.string("reference"), state: parsedState, timeoutAt: row.string("timeout_at"),
            createdAt: createdAt, postedAt: parsedState == .posted ? (resolvedAt ?? createdAt) : nil,
            voidedAt: parsedState == .voided ? resolvedAt : nil,
            voidReason: row.string("void_reason").flatMap(VoidReason.init(rawValue:)),
            createdPending: (try row.required("created_pending", as: Int64.self)) == 1,
            requestHash: try row.required("request_hash"))
    }
}
