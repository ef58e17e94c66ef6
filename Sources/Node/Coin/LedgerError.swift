/// What the coin component refuses, with the facts; each case knows its problem+json.
public enum LedgerError: Error, Sendable, Equatable, ProblemConvertible {
    /// Bad input only the ledger can judge (an unregistered merchant, accounts that do not fit the code).
    case invalid([InvalidParam])
    /// The debit would take a resident's or merchant's available balance below zero.
    case insufficientFunds(account: String, availableCents: Int64, amountCents: Int64)
    /// The id was used before for a request with other content.
    case idempotencyConflict(id: String)
    /// A request with this id is being handled right now.
    case requestInFlight(id: String)
    case transferNotFound(id: String)
    case accountNotFound(id: String)
    /// Posting or voiding a transfer that was not created pending.
    case notTwoPhase(id: String)
    /// Posting a voided transfer, or voiding a posted one.
    case alreadyResolved(id: String, state: TransferState, voidReason: VoidReason?)
    /// The key's scope may not post or void transfers of this code.
    case codeNotPermitted(id: String, code: TransferCode)
    case merchantNotFound(id: String)
    /// A request names a merchant that is not registered: a reference to something that does not
    /// exist (yet), a state conflict rather than malformed input; `field` is the request field.
    case unknownMerchant(id: String, field: String)
    /// A claim names a task that does not exist.
    case unknownTask(id: String)
    case merchantExists(id: String)
    case merchantInactive(id: String)
    /// A reward beyond the year's issuance budget.
    case budgetExhausted(year: Int, remainingCents: Int64, amountCents: Int64)
    case taskNotFound(id: String)
    /// Claims are taken only within the task's period.
    case taskNotOpen(id: String, reason: String)
    /// Every place of the task is taken by approved claims.
    case taskFull(id: String, capacity: Int64)
    /// A task's capacity corrected below the claims already approved (and paid).
    case capacityBelowApproved(id: String, capacity: Int64, approvedClaims: Int64)
    case alreadyClaimed(taskID: String, resident: String)
    case claimNotFound(id: String)
    /// Approving a rejected claim or rejecting an approved one.
    case claimDecided(id: String, status: String)
    /// `PUT /scheme` without `If-Match`.
    case schemePreconditionRequired
    /// `PUT /scheme` whose `If-Match` is not the scheme's current tag.
    case schemeChanged(currentETag: String)

    public var problem: Problem {
        switch self {
        case .invalid(let issues):
            return Problem.badRequest("The request has invalid fields.", invalidParams: issues)
        case .insufficientFunds(let account, let available, let amount):
            return Problem(status: .conflict, code: "insufficient-funds",
                           detail: "The account \(account) has \(available) cents available; the transfer needs \(amount).")
        case .idempotencyConflict(let id):
            return Problem(status: .unprocessableContent, code: "idempotency-key-reused",
                           detail: "The id \(id) was already used for a request with other content; choose a new id.")
        case .requestInFlight(let id):
            return Problem(status: .conflict, code: "request-in-flight",
                           detail: "A request with the id \(id) is still being handled; retry after it finished.")
        case .transferNotFound(let id):
            return Problem.notFound("There is no transfer \(id).")
        case .accountNotFound(let id):
            return Problem.notFound("There is no account \(id).")
        case .notTwoPhase(let id):
            return Problem(status: .conflict, code: "not-two-phase",
                           detail: "The transfer \(id) was posted when it was created; only pending transfers are posted or voided.")
        case .alreadyResolved(let id, let state, let reason):
            let what = state == .posted ? "posted" : (reason == .expired ? "voided because its timeout passed" : "voided")
            let code = state == .posted ? "transfer-posted" : (reason == .expired ? "transfer-expired" : "transfer-voided")
            return Problem(status: .conflict, code: code, detail: "The transfer \(id) was already \(what).")
        case .codeNotPermitted(let id, let code):
            return Problem.forbidden("The API key's scope may not post or void the \(code.rawValue) transfer \(id).")
        case .merchantNotFound(let id):
            return Problem.notFound("There is no merchant \(id).")
        case .unknownMerchant(let id, let field):
            return Problem(status: .conflict, code: "unknown-merchant", detail: "No merchant is registered as \(id) (field \(field)).")
        case .unknownTask(let id):
            return Problem(status: .conflict, code: "unknown-task", detail: "There is no task \(id) (field taskId).")
        case .merchantExists(let id):
            return Problem(status: .conflict, code: "merchant-exists", detail: "A merchant \(id) is already registered.")
        case .merchantInactive(let id):
            return Problem(status: .conflict, code: "merchant-inactive",
                           detail: "The merchant \(id) is not active and does not accept payments.")
        case .budgetExhausted(let year, let remaining, let amount):
            return Problem(status: .conflict, code: "budget-exhausted",
                           detail: "The issuance budget for \(year) has \(remaining) cents left; the reward needs \(amount).")
        case .taskNotFound(let id):
            return Problem.notFound("There is no task \(id).")
        case .taskNotOpen(let id, let reason):
            return Problem(status: .conflict, code: "task-not-open", detail: "The task \(id) takes no claims: \(reason).")
        case .taskFull(let id, let capacity):
            return Problem(status: .conflict, code: "task-full",
                           detail: "All \(capacity) places of the task \(id) are taken by approved claims.")
        case .capacityBelowApproved(let id, let capacity, let approved):
            return Problem(status: .conflict, code: "capacity-below-approved",
                           detail: "The task \(id) already has \(approved) approved claims; capacity \(capacity) is below that (field capacity).")
        case .alreadyClaimed(let taskID, let resident):
            return Problem(status: .conflict, code: "already-claimed", detail: "The resident \(resident) already claimed the task \(taskID).")
        case .claimNotFound(let id):
            return Problem.notFound("There is no claim \(id).")
        case .claimDecided(let id, let status):
            return Problem(status: .conflict, code: "claim-decided", detail: "The claim \(id) was already \(status).")
        case .schemePreconditionRequired:
            return Problem(status: .preconditionRequired, code: "precondition-required",
                           detail: "Send If-Match with the ETag of the scheme you read, so that an update cannot overwrite a change you have not seen.")
        case .schemeChanged(let current):
            return Problem(status: .preconditionFailed, code: "precondition-failed",
                           detail: "The scheme changed since you read it (its ETag is now \(current)); read it again and reapply your change.")
        }
    }
}
