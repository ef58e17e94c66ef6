/// What one ledger call changed that its result does not show, noted inside the writer's job and
/// counted in the metrics only after that job's `write` returned: a job that throws, or a batch
/// whose `COMMIT` fails, leaves nothing on disk and so counts nothing. Every write expires due
/// reservations first, so a payment may void a stranger's expired reservation on the way.
public struct LedgerActivity: Sendable, Equatable {
    /// Balances moved by one transfer: a posted creation or the post of a pending transfer.
    public struct Movement: Sendable, Equatable {
        public let code: TransferCode
        public let amountCents: Int64
    }

    /// Pending transfers posted on request (a repeated post does not count).
    public internal(set) var postedCount = 0
    /// Pending transfers voided on request (a repeated void does not count).
    public internal(set) var voidedCount = 0
    /// Pending transfers voided because their timeout passed.
    public internal(set) var expiredCount = 0
    /// The movement this call made, if any; one ledger call moves at most one transfer's amount.
    public internal(set) var movement: Movement?

    public init() {}

    mutating func noteMovement(of transfer: Transfer) {
        precondition(movement == nil, "one ledger call moves at most one transfer")
        movement = Movement(code: transfer.code, amountCents: transfer.amountCents)
    }

    mutating func noteRelease(_ reason: VoidReason) {
        switch reason {
        case .requested: voidedCount += 1
        case .expired: expiredCount += 1
        }
    }
}
