/// Why coins move. Each code allows only the account kinds that make sense for it, so a
/// mistaken or malicious request cannot, say, "pay" from the issuance account and print money
/// outside the budget. `correction` is staff's escape hatch and allows any pair.
public enum TransferCode: String, Sendable, CaseIterable, Codable {
    /// A task's reward: issuance → resident, capped by the yearly issuance budget.
    case reward
    /// A resident pays a merchant.
    case payment
    /// A merchant exchanges coins for euros: merchant → treasury.
    case redemption
    /// Staff fix a mistake; the same overdraft rules apply.
    case correction
    /// A cross-node payment or settlement: one side is a clearing account.
    case clearing

    /// The fields that break this code's rules, as `invalidParams` (empty when fine). A
    /// redemption is what the finance system pays euros for, so it always carries its payout
    /// reference and is final at once: a reservation the finance system might pay out before
    /// it is voided would be a payout for coins that never left the merchant.
    public func problems(debit: AccountID, credit: AccountID, reference: String?, isPending: Bool) -> [InvalidParam] {
        var problems: [InvalidParam] = []
        func require(_ field: String, _ account: AccountID, _ kinds: [AccountKind]) {
            guard !kinds.contains(account.kind) else { return }
            let names = kinds.map(\.rawValue).joined(separator: " or ")
            problems.append(InvalidParam(name: field, code: "invalid-account",
                                         reason: "a \(rawValue) transfer's \(field == "debitAccount" ? "debit" : "credit") account must be \(names)"))
        }
        switch self {
        case .reward:
            require("debitAccount", debit, [.issuance])
            require("creditAccount", credit, [.resident])
        case .payment:
            require("debitAccount", debit, [.resident])
            require("creditAccount", credit, [.merchant])
        case .redemption:
            require("debitAccount", debit, [.merchant])
            require("creditAccount", credit, [.treasury])
            if reference == nil {
                problems.append(InvalidParam(name: "reference", code: "required",
                                             reason: "a redemption carries the payout reference for the finance system"))
            }
            if isPending {
                problems.append(InvalidParam(name: "pending", code: "not-allowed",
                                             reason: "a redemption is single-phase: the finance system pays out what it sees"))
            }
        case .correction:
            break
        case .clearing:
            if debit.kind != .clearing && credit.kind != .clearing {
                problems.append(InvalidParam(name: "creditAccount", code: "invalid-account",
                                             reason: "a clearing transfer debits or credits a clearing account"))
            }
        }
        if debit == credit {
            problems.append(InvalidParam(name: "creditAccount", code: "same-account", reason: "must differ from debitAccount"))
        }
        return problems
    }
}

/// Where a transfer stands. Single-phase transfers are born posted; two-phase ones are born
/// pending and end posted or voided, exactly once.
public enum TransferState: String, Sendable, CaseIterable, Codable {
    case pending
    case posted
    case voided
}

/// Why a pending transfer was voided.
public enum VoidReason: String, Sendable, CaseIterable, Codable {
    /// A client asked (`POST /transfers/{id}/void`).
    case requested
    /// Its timeout passed before anyone posted it.
    case expired
}
