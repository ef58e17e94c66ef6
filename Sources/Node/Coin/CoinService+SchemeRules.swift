import Foundation
import Schemas

/// Staff's side of the scheme: its settings, merchants, tasks and decisions on claims, each
/// change written with its audit entry in the same transaction; and the residents' claims.
extension CoinService {
    // MARK: Scheme

    public func scheme() throws -> CoinSchemeStatus {
        let year = RewardBudget.year(of: ledger.now)
        return try database.read { try CoinSchemeStore.status(year: year, in: $0) }
    }

    /// Replaces the scheme's settings provided they are still the ones tagged `ifMatch` (nil:
    /// unconditionally, for callers without a representation, such as the tests' fixtures).
    public func updateScheme(code: String, name: String, yearlyIssuanceBudgetCents: Int64, ifMatch: EntityTag.Condition?,
                             audit: AuditContext) throws -> CoinSchemeStatus {
        let now = ledger.now
        return try writer.write { connection in
            let old = try CoinSchemeStore.read(in: connection)
            if let ifMatch, !ifMatch.matchesStrongly(old.etag) { throw LedgerError.schemeChanged(currentETag: old.etag) }
            let new = CoinScheme(code: code, name: name, yearlyIssuanceBudgetCents: yearlyIssuanceBudgetCents, updatedAt: now)
            try CoinSchemeStore.write(new, in: connection)
            try AuditLog.record(in: connection, actor: audit.actor, action: "update", resource: "coin-scheme", resourceID: "scheme",
                                version: nil, oldContent: old.auditContent, newContent: new.auditContent, requestID: audit.requestID)
            return try CoinSchemeStore.status(year: RewardBudget.year(of: now), in: connection)
        }
    }

    // MARK: Merchants

    public func registerMerchant(id: String, name: String, audit: AuditContext) throws -> Merchant {
        let now = ledger.now
        let merchant = Merchant(id: id, name: name, active: true, createdAt: now, updatedAt: now)
        return try writer.write { connection in
            try MerchantStore.register(merchant, in: connection)
            try AuditLog.record(in: connection, actor: audit.actor, action: "create", resource: "coin-merchant", resourceID: id,
                                version: nil, oldContent: nil, newContent: merchant.auditContent, requestID: audit.requestID)
            return merchant
        }
    }

    /// Renames a merchant or (de)activates it; fields left nil keep their value.
    public func updateMerchant(id: String, name: String?, active: Bool?, audit: AuditContext) throws -> Merchant {
        let now = ledger.now
        return try writer.write { connection in
            guard let old = try MerchantStore.find(id, in: connection) else { throw LedgerError.merchantNotFound(id: id) }
            let new = Merchant(id: id, name: name ?? old.name, active: active ?? old.active, createdAt: old.createdAt, updatedAt: now)
            try MerchantStore.update(new, in: connection)
            try AuditLog.record(in: connection, actor: audit.actor, action: "update", resource: "coin-merchant", resourceID: id,
                                version: nil, oldContent: old.auditContent, newContent: new.auditContent, requestID: audit.requestID)
            return new
        }
    }

    public func merchant(_ id: String) throws -> Merchant {
        guard let merchant = try database.read({ try MerchantStore.find(id, in: $0) }) else { throw LedgerError.merchantNotFound(id: id) }
        return merchant
    }

    public func merchants(active: Bool?, page: PageRequest) throws -> (items: [Merchant], count: Int) {
        try database.read { try MerchantStore.page(active: active, request: page, in: $0) }
    }

    // MARK: Tasks

    public func createTask(title: String, description: String, rewardCents: Int64, capacity: Int64, periodStart: String,
                           periodEnd: String, location: String?, audit: AuditContext) throws -> ParticipationTask {
        let task = ParticipationTask(id: UUID().uuidString.lowercased(), title: title, description: description, rewardCents: rewardCents,
                                     capacity: capacity, approvedClaims: 0, periodStart: periodStart, periodEnd: periodEnd,
                                     location: location, createdAt: ledger.now)
        return try writer.write { connection in
            try TaskStore.insert(task, in: connection)
            try AuditLog.record(in: connection, actor: audit.actor, action: "create", resource: "coin-task", resourceID: task.id,
                                version: nil, oldContent: nil, newContent: task.auditContent, requestID: audit.requestID)
            return task
        }
    }

    /// Applies staff's corrections in the writer's transaction, so the capacity is compared with
    /// the approvals as they are when the change is written, and claims see the new period at once.
    public func updateTask(id: String, patch: TaskPatch, audit: AuditContext) throws -> ParticipationTask {
        try writer.write { connection in
            guard let old = try TaskStore.find(id, in: connection) else { throw LedgerError.taskNotFound(id: id) }
            let new = try patch.applied(to: old)
            try TaskStore.update(new, in: connection)
            try AuditLog.record(in: connection, actor: audit.actor, action: "update", resource: "coin-task", resourceID: id,
                                version: nil, oldContent: old.auditContent, newContent: new.auditContent, requestID: audit.requestID)
            return new
        }
    }

    public func task(_ id: String) throws -> ParticipationTask {
        guard let task = try database.read({ try TaskStore.find(id, in: $0) }) else { throw LedgerError.taskNotFound(id: id) }
        return task
    }

    public func tasks(page: PageRequest) throws -> (items: [ParticipationTask], count: Int) {
        try database.read { try TaskStore.page(request: page, in: $0) }
    }

    // MARK: Claims

    /// What `submitClaim` did, like `Ledger.CreateOutcome`.
    public enum ClaimOutcome: Sendable, Equatable {
        case created(Claim)
        case replayed(Claim)

        public var claim: Claim {
            switch self {
            case .created(let claim), .replayed(let claim): claim
            }
        }
    }

    /// A resident's claim on a task, taken while the task is open and has places left; one per
    /// resident and task. `id` is the client's Idempotency-Key, or a fresh UUID.
    public func submitClaim(id: String, taskID: String, resident: String, note: String?) throws -> ClaimOutcome {
        let requestHash = Digest.sha256(CanonicalJSONWriter.object { fingerprint in
            fingerprint.writeMember("note", note)
            fingerprint.writeMember("resident", resident)
            fingerprint.writeMember("taskId", taskID)
        })
        let now = ledger.now
        return try inFlight.run(key: "claim:\(id)") {
            try writer.write { connection in
                if let existing = try ClaimStore.find(id, in: connection) {
                    guard existing.requestHash == requestHash else { throw LedgerError.idempotencyConflict(id: id) }
                    return .replayed(existing.asSubmitted())
                }
                guard let task = try TaskStore.find(taskID, in: connection) else {
                    throw LedgerError.unknownTask(id: taskID)
                }
                if let reason = task.closedReason(today: String(now.prefix(10))) {
                    throw LedgerError.taskNotOpen(id: taskID, reason: reason)
                }
                guard try ClaimStore.find(task: taskID, resident: resident, in: connection) == nil else {
                    throw LedgerError.alreadyClaimed(taskID: taskID, resident: resident)
                }
                let claim = Claim(id: id, taskId: taskID, resident: resident, note: note, status: .submitted, submittedAt: now,
                                  decidedAt: nil, rejectionReason: nil, transferId: nil, requestHash: requestHash)
                try ClaimStore.insert(claim, in: connection)
                return .created(claim)
            }
        }
    }

    /// Approves a submitted claim and pays the task's reward (issuance → resident) in the same
    /// transaction, within the task's capacity and the year's budget. Approving it again answers
    /// as the first approval did; a rejected claim stays rejected.
    public func approveClaim(_ id: String, audit: AuditContext) throws -> Claim {
        try inFlight.run(key: "decide:\(id)") {
            let (approved, reward) = try writer.write { [self] connection -> (Claim, (Ledger.CreateOutcome, LedgerActivity)?) in
                guard let claim = try ClaimStore.find(id, in: connection) else { throw LedgerError.claimNotFound(id: id) }
                switch claim.status {
                case .approved: return (claim, nil)
                case .rejected: throw LedgerError.claimDecided(id: id, status: claim.status.rawValue)
                case .submitted: break
                }
                guard let task = try TaskStore.find(claim.taskId, in: connection) else {
                    preconditionFailure("a claim's task exists (foreign key)")
                }
                guard task.approvedClaims < task.capacity else { throw LedgerError.taskFull(id: task.id, capacity: task.capacity) }
                let reward = TransferRequest(
                    id: Claim.rewardTransferID(claimID: id), debit: .issuance, credit: .resident(claim.resident),
                    amountCents: task.rewardCents, code: .reward, reference: "claim \(id)", pendingTimeoutSeconds: nil,
                    operation: "claims")
                var activity = LedgerActivity()
                let outcome = try create(reward, in: connection, activity: &activity)
                let transfer = outcome.transfer
                try TaskStore.countApproval(task.id, in: connection)
                try ClaimStore.decide(id, status: .approved, at: ledger.now, rejectionReason: nil, transferID: transfer.id, in: connection)
                guard let approved = try ClaimStore.find(id, in: connection) else { preconditionFailure("the claim was just approved") }
                try AuditLog.record(in: connection, actor: audit.actor, action: "approve", resource: "coin-claim", resourceID: id,
                                    version: nil, oldContent: claim.auditContent, newContent: approved.auditContent,
                                    requestID: audit.requestID)
                return (approved, (outcome, activity))
            }
            if let (outcome, activity) = reward { metrics.recordCreation(outcome, activity: activity) }
            return approved
        }
    }

    /// Rejects a submitted claim; rejecting it again answers as the first rejection did.
    public func rejectClaim(_ id: String, reason: String?, audit: AuditContext) throws -> Claim {
        try inFlight.run(key: "decide:\(id)") {
            try writer.write { [ledger] connection in
                guard let claim = try ClaimStore.find(id, in: connection) else { throw LedgerError.claimNotFound(id: id) }
                switch claim.status {
                case .rejected: return claim
                case .approved: throw LedgerError.claimDecided(id: id, status: claim.status.rawValue)
                case .submitted: break
                }
                try ClaimStore.decide(id, status: .rejected, at: ledger.now, rejectionReason: reason, transferID: nil, in: connection)
                guard let rejected = try ClaimStore.find(id, in: connection) else { preconditionFailure("the claim was just rejected") }
                try AuditLog.record(in: connection, actor: audit.actor, action: "reject", resource: "coin-claim", resourceID: id,
                                    version: nil, oldContent: claim.auditContent, newContent: rejected.auditContent,
                                    requestID: audit.requestID)
                return rejected
            }
        }
    }

    public func claim(_ id: String) throws -> Claim {
        guard let claim = try database.read({ try ClaimStore.find(id, in: $0) }) else { throw LedgerError.claimNotFound(id: id) }
        return claim
    }

    public func claims(taskID: String?, resident: String?, status: ClaimStatus?, page: PageRequest) throws -> (items: [Claim], count: Int) {
        try database.read { try ClaimStore.page(taskID: taskID, resident: resident, status: status, request: page, in: $0) }
    }
}
