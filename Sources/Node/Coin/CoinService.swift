import Foundation

/// Who made an admin change and in which request, for the audit trail.
public struct AuditContext: Sendable, Equatable {
    public let actor: String
    public let requestID: String?

    public init(actor: String, requestID: String?) {
        self.actor = actor
        self.requestID = requestID
    }

    public init(_ request: Request) {
        self.init(actor: AuditLog.actor(of: request), requestID: request.id)
    }
}

/// The coin component's operations, shared by its HTTP routes, the sweeper and the tests. Every
/// write goes through the group-commit writer, so each returns only once it is on disk; reads go
/// to reader connections. Expired reservations are voided by the sweeper, and lazily: before any
/// write that depends on balances, and before a read that would otherwise show one. What the
/// ledger did is counted in `metrics` once its write has returned.
public final class CoinService: Sendable {
    public let database: Database
    public let writer: GroupCommitWriter
    public let ledger: Ledger
    let metrics: CoinMetrics
    let inFlight = InFlightRequests()

    public init(database: Database, writer: GroupCommitWriter, ledger: Ledger = Ledger(), metrics: CoinMetrics) {
        self.database = database
        self.writer = writer
        self.ledger = ledger
        self.metrics = metrics
    }

    // MARK: Transfers

    /// Creates a transfer (or replays an identical earlier request); refuses while a request
    /// with the same id is in flight.
    public func createTransfer(_ request: TransferRequest) throws -> Ledger.CreateOutcome {
        try BlockingCompletion.wait { completion in try startTransfer(request, completion: completion) }.get()
    }

    /// `createTransfer` without blocking the calling worker: `completion` gets the outcome once
    /// it is on disk, or the error, on the group-commit answering thread, so it must only hand
    /// it on (see `GroupCommitWriter.submit`). Refusals before the write (a request in flight, a
    /// full queue) are thrown at once instead.
    public func startTransfer(_ request: TransferRequest,
                              completion: @escaping @Sendable (Result<Ledger.CreateOutcome, any Error>) -> Void) throws {
        let release = try inFlight.begin(key: "transfer:\(request.id)")
        do {
            try writer.submit({ [self] connection in
                var activity = LedgerActivity()
                let outcome = try create(request, in: connection, activity: &activity)
                return (outcome, activity)
            }, completion: { [metrics] result in
                release()
                if case .success(let (outcome, activity)) = result { metrics.recordCreation(outcome, activity: activity) }
                completion(result.map(\.0))
            })
        } catch {
            release()
            throw error
        }
    }

    /// `Ledger.create` inside a writer job, counting a refusal at once: unlike a creation, it
    /// needs no commit to be true. The caller counts the creation after its `write` returned.
    func create(_ request: TransferRequest, in connection: SQLiteConnection, activity: inout LedgerActivity) throws -> Ledger.CreateOutcome {
        do {
            return try ledger.create(request, in: connection, activity: &activity)
        } catch let error as LedgerError {
            metrics.recordRefusal(code: request.code)
            throw error
        }
    }

    public func postTransfer(_ id: String, permittedCodes: Set<TransferCode> = Set(TransferCode.allCases)) throws -> Transfer {
        try inFlight.run(key: "resolve:\(id)") {
            try writeCounted { [ledger] connection, activity in
                try ledger.post(id, permittedCodes: permittedCodes, in: connection, activity: &activity)
            }
        }
    }

    public func voidTransfer(_ id: String, permittedCodes: Set<TransferCode> = Set(TransferCode.allCases)) throws -> Transfer {
        try inFlight.run(key: "resolve:\(id)") {
            try writeCounted { [ledger] connection, activity in
                try ledger.void(id, permittedCodes: permittedCodes, in: connection, activity: &activity)
            }
        }
    }

    /// Voids every reservation whose timeout has passed, in bounded jobs; returns how many.
    @discardableResult
    public func expireDueTransfers() throws -> Int {
        var total = 0
        while true {
            let expired = try writeCounted { [ledger] connection, activity in try ledger.expireDue(in: connection, activity: &activity) }
            total += expired
            if expired < CoinLimits.maxExpiriesPerJob { return total }
        }
    }

    /// Runs a ledger call as a writer job and counts its activity once the write has returned.
    private func writeCounted<T: Sendable>(
        _ body: @escaping @Sendable (SQLiteConnection, inout LedgerActivity) throws -> T
    ) throws -> T {
        let (value, activity) = try writer.write { connection in
            var activity = LedgerActivity()
            let value = try body(connection, &activity)
            return (value, activity)
        }
        metrics.record(activity)
        return value
    }

    public func transfer(_ id: String) throws -> Transfer {
        try readExpiringFirst(dueCheck: { [ledger] in try ledger.hasDueReservations(transfer: id, in: $0) }) { connection in
            guard let transfer = try LedgerTransfers.find(id, in: connection) else { throw LedgerError.transferNotFound(id: id) }
            return transfer
        }
    }

    public func account(_ id: AccountID) throws -> Account {
        try readExpiringFirst(dueCheck: { [ledger] in try ledger.hasDueReservations(account: id.description, in: $0) }) { connection in
            guard let account = try LedgerAccounts.find(id.description, in: connection) else {
                throw LedgerError.accountNotFound(id: id.description)
            }
            return account
        }
    }

    public func transfers(account: AccountID, state: TransferState?, code: TransferCode?,
                          page: PageRequest) throws -> (items: [Transfer], count: Int) {
        try readExpiringFirst(dueCheck: { [ledger] in try ledger.hasDueReservations(account: account.description, in: $0) }) { connection in
            guard try LedgerAccounts.find(account.description, in: connection) != nil else {
                throw LedgerError.accountNotFound(id: account.description)
            }
            return try LedgerQueries.transfers(account: account.description, state: state, code: code, request: page, in: connection)
        }
    }

    public func accounts(kind: AccountKind?, page: PageRequest) throws -> (items: [Account], count: Int) {
        try readExpiringFirst(dueCheck: { [ledger] in try ledger.hasDueReservations(in: $0) }) { connection in
            try LedgerQueries.accounts(kind: kind, request: page, in: connection)
        }
    }

    public func journal(page: PageRequest) throws -> (items: [JournalEntryView], count: Int) {
        try database.read { try LedgerQueries.journal(request: page, in: $0) }
    }

    public func redemption(_ id: String) throws -> Redemption {
        let transfer = try transfer(id)
        guard transfer.code == .redemption else { throw LedgerError.transferNotFound(id: id) }
        return Redemption(transfer)
    }

    public func redemptions(merchant: String?, page: PageRequest) throws -> (items: [Redemption], count: Int) {
        try database.read { try LedgerQueries.redemptions(merchant: merchant, request: page, in: $0) }
    }

    /// Reads on a reader; if `dueCheck` finds a reservation past its timeout that the answer
    /// would include, voids the due ones through the writer first and reads again, so no reader
    /// ever sees an expired reservation counted.
    func readExpiringFirst<T: Sendable>(dueCheck: @escaping (SQLiteConnection) throws -> Bool,
                                        _ body: @escaping (SQLiteConnection) throws -> T) throws -> T {
        let (value, isStale) = try database.read { connection in (try body(connection), try dueCheck(connection)) }
        guard isStale else { return value }
        try expireDueTransfers()
        return try database.read(body)
    }
}
