import Foundation

/// The double-entry core: creating, posting, voiding and expiring transfers. Every method runs on
/// the group-commit writer's connection, inside the calling job's savepoint, so a method that
/// throws leaves no trace, and what it wrote is durable once the job's `write` returns. What a
/// call resolved and moved is noted in the caller's `LedgerActivity`, for the metrics.
///
/// Each change to a balance is one journal entry in the same savepoint, so the accounts table
/// and the journal can never disagree. The SQLite CHECK on covered accounts and the triggers on
/// transfers repeat the rules below; they are the second line, not the first.
public struct Ledger: Sendable {
    /// Now, injectable so tests can let pending transfers expire without waiting.
    public let clock: @Sendable () -> Date

    public init(clock: @escaping @Sendable () -> Date = { Date() }) {
        self.clock = clock
    }

    /// What `create` did: made the transfer, or found it made by an earlier identical request.
    public enum CreateOutcome: Sendable, Equatable {
        case created(Transfer)
        /// The same id and content came before: the original answer, as it was then.
        case replayed(Transfer)

        public var transfer: Transfer {
            switch self {
            case .created(let transfer), .replayed(let transfer): transfer
            }
        }
    }

    public var now: String { RFC3339.string(from: clock()) }

    /// Creates a transfer: single-phase (posted at once) or, with a timeout, pending.
    public func create(_ request: TransferRequest, in connection: SQLiteConnection,
                       activity: inout LedgerActivity) throws -> CreateOutcome {
        let now = self.now
        if let existing = try LedgerTransfers.find(request.id, in: connection) {
            guard existing.requestHash == request.fingerprint else { throw LedgerError.idempotencyConflict(id: request.id) }
            return .replayed(existing.asCreated())
        }
        let problems = request.code.problems(debit: request.debit, credit: request.credit, reference: request.reference,
                                             isPending: request.pendingTimeoutSeconds != nil)
        guard problems.isEmpty else {
            throw LedgerError.invalid(problems.map { problem in
                var renamed = problem
                switch problem.name {
                case "debitAccount": renamed.name = request.debitField
                case "creditAccount": renamed.name = request.creditField
                default: break
                }
                return renamed
            })
        }
        // Reservations past their timeout must not count against the available balance below.
        try expireDue(in: connection, now: now, activity: &activity)
        let debitAvailable = try debitAccount(request.debit, field: request.debitField, now: now, in: connection)
        try prepareCredit(request.credit, field: request.creditField, code: request.code, now: now, in: connection)
        if request.debit.kind.mustStayCovered {
            let available = debitAvailable ?? 0
            guard available >= request.amountCents else {
                throw LedgerError.insufficientFunds(account: request.debit.description, availableCents: available,
                                                    amountCents: request.amountCents)
            }
        }
        if request.code == .reward {
            try RewardBudget.charge(request.amountCents, year: RewardBudget.year(of: now), in: connection)
        }
        let isPending = request.pendingTimeoutSeconds != nil
        let timeoutAt = request.pendingTimeoutSeconds.map { seconds in
            RFC3339.string(from: clock().addingTimeInterval(TimeInterval(seconds)))
        }
        let transfer = Transfer(
            id: request.id, debitAccount: request.debit.description, creditAccount: request.credit.description,
            amountCents: request.amountCents, code: request.code, reference: request.reference,
            state: isPending ? .pending : .posted, timeoutAt: timeoutAt, createdAt: now, postedAt: isPending ? nil : now,
            voidedAt: nil, voidReason: nil, createdPending: isPending, requestHash: request.fingerprint)
        let entry = try LedgerJournal.append(isPending ? .createPending : .createPosted, transfer, at: now, in: connection)
        try LedgerTransfers.insert(transfer, createdSequence: entry.sequence, in: connection)
        if isPending {
            try LedgerAccounts.apply(to: transfer.debitAccount, pendingDebitsCents: transfer.amountCents, in: connection)
            try LedgerAccounts.apply(to: transfer.creditAccount, pendingCreditsCents: transfer.amountCents, in: connection)
        } else {
            try move(transfer, in: connection, activity: &activity)
        }
        return .created(transfer)
    }

    /// Posts a pending transfer: its reservation becomes a movement. Posting it again answers as
    /// the first post did. `permittedCodes` limits which transfers the caller may touch.
    public func post(_ id: String, permittedCodes: Set<TransferCode> = Set(TransferCode.allCases),
                     in connection: SQLiteConnection, activity: inout LedgerActivity) throws -> Transfer {
        let now = self.now
        try expireDue(in: connection, now: now, activity: &activity)
        let transfer = try pendingTransfer(id, permittedCodes: permittedCodes, resolvingTo: .posted, in: connection)
        guard transfer.state == .pending else { return transfer }
        try LedgerTransfers.resolve(id, to: .posted, voidReason: nil, at: now, in: connection)
        try LedgerAccounts.apply(to: transfer.debitAccount, pendingDebitsCents: -transfer.amountCents, in: connection)
        try LedgerAccounts.apply(to: transfer.creditAccount, pendingCreditsCents: -transfer.amountCents, in: connection)
        try move(transfer, in: connection, activity: &activity)
        try LedgerJournal.append(.postPending, transfer, at: now, in: connection)
        activity.postedCount += 1
        return try resolved(id, in: connection)
    }

    /// Voids a pending transfer: its reservation is released. Voiding it again answers as the
    /// first void did.
    public func void(_ id: String, permittedCodes: Set<TransferCode> = Set(TransferCode.allCases),
                     in connection: SQLiteConnection, activity: inout LedgerActivity) throws -> Transfer {
        let now = self.now
        try expireDue(in: connection, now: now, activity: &activity)
        let transfer = try pendingTransfer(id, permittedCodes: permittedCodes, resolvingTo: .voided, in: connection)
        guard transfer.state == .pending else { return transfer }
        try release(transfer, reason: .requested, at: now, in: connection, activity: &activity)
        return try resolved(id, in: connection)
    }

    /// Built once: every write that depends on balances runs it.
    private static let dueSQL = """
        SELECT \(Transfer.columns) FROM coin_transfers WHERE state = 'pending' AND timeout_at <= ?
        ORDER BY timeout_at LIMIT ?
        """

    /// Voids pending transfers whose timeout has passed, oldest first, at most `limit` per call;
    /// returns how many. The sweeper calls it, and so does every write that depends on balances.
    @discardableResult
    public func expireDue(in connection: SQLiteConnection, now: String? = nil, limit: Int = CoinLimits.maxExpiriesPerJob,
                          activity: inout LedgerActivity) throws -> Int {
        let now = now ?? self.now
        let due = try connection.query(Self.dueSQL, [.text(now), .integer(Int64(limit))]).map(Transfer.init(row:))
        for transfer in due {
            try release(transfer, reason: .expired, at: now, in: connection, activity: &activity)
        }
        return due.count
    }

    /// Whether a pending transfer touching `account` (or the transfer `id`) is past its timeout
    /// and still counted: readers use it to decide whether to expire before answering.
    public func hasDueReservations(account: String? = nil, transfer id: String? = nil, in connection: SQLiteConnection) throws -> Bool {
        try connection.queryOne("""
            SELECT 1 AS due FROM coin_transfers WHERE state = 'pending' AND timeout_at <= ?
            AND (? IS NULL OR debit_account = ? OR credit_account = ?) AND (? IS NULL OR id = ?) LIMIT 1
            """, [.text(now), account.map(SQLValue.text) ?? .null, account.map(SQLValue.text) ?? .null,
                  account.map(SQLValue.text) ?? .null, id.map(SQLValue.text) ?? .null, id.map(SQLValue.text) ?? .null]) != nil
    }

    /// Loads a transfer that is to be posted or voided. An already resolved one is returned when
    /// it ended the way the caller wants (the repeat answers as the first did), else refused.
    private func pendingTransfer(_ id: String, permittedCodes: Set<TransferCode>, resolvingTo target: TransferState,
                                 in connection: SQLiteConnection) throws -> Transfer {
        guard let transfer = try LedgerTransfers.find(id, in: connection) else { throw LedgerError.transferNotFound(id: id) }
        guard permittedCodes.contains(transfer.code) else { throw LedgerError.codeNotPermitted(id: id, code: transfer.code) }
        guard transfer.createdPending else { throw LedgerError.notTwoPhase(id: id) }
        // Pending goes on; the state asked for is already reached (a repeated post or void, or
        // a void of an expired transfer) and answers as it stands; the other end state is final.
        guard transfer.state == .pending || transfer.state == target else {
            throw LedgerError.alreadyResolved(id: id, state: transfer.state, voidReason: transfer.voidReason)
        }
        return transfer
    }

    private func release(_ transfer: Transfer, reason: VoidReason, at now: String, in connection: SQLiteConnection,
                         activity: inout LedgerActivity) throws {
        precondition(transfer.state == .pending, "only a pending transfer is voided")
        try LedgerTransfers.resolve(transfer.id, to: .voided, voidReason: reason, at: now, in: connection)
        try LedgerAccounts.apply(to: transfer.debitAccount, pendingDebitsCents: -transfer.amountCents, in: connection)
        try LedgerAccounts.apply(to: transfer.creditAccount, pendingCreditsCents: -transfer.amountCents, in: connection)
        if transfer.code == .reward {
            try RewardBudget.release(transfer.amountCents, year: RewardBudget.year(of: transfer.createdAt), in: connection)
        }
        try LedgerJournal.append(reason == .expired ? .expirePending : .voidPending, transfer, at: now, in: connection)
        activity.noteRelease(reason)
    }

    /// Debits the transfer's one account and credits the other by its amount: the one place
    /// balances move, and so the one place a movement is noted.
    private func move(_ transfer: Transfer, in connection: SQLiteConnection, activity: inout LedgerActivity) throws {
        precondition(transfer.amountCents > 0, "a transfer moves a positive amount")
        precondition(transfer.debitAccount != transfer.creditAccount, "a transfer moves money between two accounts")
        try LedgerAccounts.apply(to: transfer.debitAccount, balanceCents: -transfer.amountCents, in: connection)
        try LedgerAccounts.apply(to: transfer.creditAccount, balanceCents: transfer.amountCents, in: connection)
        activity.noteMovement(of: transfer)
    }

    private func resolved(_ id: String, in connection: SQLiteConnection) throws -> Transfer {
        guard let transfer = try LedgerTransfers.find(id, in: connection) else {
            preconditionFailure("a transfer just resolved is there")
        }
        return transfer
    }

    /// What the account a transfer debits has available, reading only that (this runs for every
    /// payment on the single writer). A resident without an account has nothing to pay with, so
    /// there is simply no account to cover the amount; a clearing account appears with the first
    /// transfer to or from its peer. A merchant must be registered.
    private func debitAccount(_ id: AccountID, field: String, now: String, in connection: SQLiteConnection) throws -> Int64? {
        if id.kind == .merchant, let holder = id.holder {
            guard try MerchantStore.isActive(holder, in: connection) != nil else {
                throw LedgerError.unknownMerchant(id: holder, field: field)
            }
        }
        if let available = try LedgerAccounts.availableCents(id.description, in: connection) {
            return available
        }
        switch id.kind {
        case .resident:
            return nil
        case .clearing:
            try LedgerAccounts.create(id, at: now, in: connection)
            return try LedgerAccounts.availableCents(id.description, in: connection)
        case .merchant, .issuance, .treasury:
            preconditionFailure("\(id) exists from its registration or the migration")
        }
    }

    /// Makes sure the account a transfer credits can take it, without reading it: a credit needs
    /// no balance, and this runs for every payment on the single writer. A merchant must be
    /// registered (its account dates from then) and, to be paid, active; residents and clearing
    /// accounts are created on their first credit; issuance and treasury exist from the migration.
    private func prepareCredit(_ id: AccountID, field: String, code: TransferCode, now: String,
                               in connection: SQLiteConnection) throws {
        switch id.kind {
        case .merchant:
            guard let holder = id.holder, let isActive = try MerchantStore.isActive(holder, in: connection) else {
                throw LedgerError.unknownMerchant(id: id.holder ?? id.description, field: field)
            }
            if code == .payment && !isActive { throw LedgerError.merchantInactive(id: holder) }
        case .resident, .clearing:
            try LedgerAccounts.create(id, at: now, in: connection)
        case .issuance, .treasury:
            break
        }
    }
}

/// The transfer rows.
enum LedgerTransfers {
    /// Built once: every payment looks its id up, and interpolating the columns each time costs.
    private static let findSQL = "SELECT \(Transfer.columns) FROM coin_transfers WHERE id = ?"

    static func find(_ id: String, in connection: SQLiteConnection) throws -> Transfer? {
        try connection.queryOne(findSQL, [.text(id)]).map(Transfer.init(row:))
    }

    static func insert(_ transfer: Transfer, createdSequence: Int64, in connection: SQLiteConnection) throws {
        try connection.run("""
            INSERT INTO coin_transfers (id, debit_account, credit_account, amount_cents, code, reference, state, created_pending,
                timeout_at, created_at, resolved_at, void_reason, request_hash, created_sequence)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?)
            """, [
                .text(transfer.id), .text(transfer.debitAccount), .text(transfer.creditAccount), .integer(transfer.amountCents),
                .text(transfer.code.rawValue), transfer.reference.map(SQLValue.text) ?? .null, .text(transfer.state.rawValue),
                .integer(transfer.createdPending ? 1 : 0), transfer.timeoutAt.map(SQLValue.text) ?? .null,
                .text(transfer.createdAt), .blob(transfer.requestHash), .integer(createdSequence),
            ])
    }

    static func resolve(_ id: String, to state: TransferState, voidReason: VoidReason?, at now: String,
                        in connection: SQLiteConnection) throws {
        let changed = try connection.run(
            "UPDATE coin_transfers SET state = ?, void_reason = ?, resolved_at = ? WHERE id = ? AND state = 'pending'",
            [.text(state.rawValue), voidReason.map { .text($0.rawValue) } ?? .null, .text(now), .text(id)])
        precondition(changed == 1, "a pending transfer is resolved exactly once")
    }
}
