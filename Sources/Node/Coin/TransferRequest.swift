import Schemas

/// A request to create a transfer, validated and ready for the ledger: from `POST /transfers`
/// itself, or made by a payment, a redemption or a claim's approval.
public struct TransferRequest: Sendable, Equatable {
    /// Lowercase UUID, chosen by the client (the `Idempotency-Key`).
    public let id: String
    public let debit: AccountID
    public let credit: AccountID
    public let amountCents: Int64
    public let code: TransferCode
    public let reference: String?
    /// Set for a two-phase transfer: it is created pending and voids itself after this long.
    public let pendingTimeoutSeconds: Int64?
    /// The operation that asked (`transfers`, `payments`, `redemptions`, `claims`): part of the
    /// fingerprint, so reusing a payment's id for a redemption is a conflict, not a replay.
    public let operation: String
    /// The names of the request fields behind `debit` and `credit`, so a problem names the field
    /// the client sent (`resident`, `merchant`) rather than an internal one.
    public let debitField: String
    public let creditField: String
    /// SHA-256 of the content, in the ledger's canonical JSON: what "the same request" means.
    public let fingerprint: [UInt8]

    public init(id: String, debit: AccountID, credit: AccountID, amountCents: Int64, code: TransferCode, reference: String?,
                pendingTimeoutSeconds: Int64?, operation: String, debitField: String = "debitAccount",
                creditField: String = "creditAccount") {
        precondition(amountCents > 0 && amountCents <= CoinLimits.maxAmountCents, "amounts are validated before a request is made")
        self.id = id
        self.debit = debit
        self.credit = credit
        self.amountCents = amountCents
        self.code = code
        self.reference = reference
        self.pendingTimeoutSeconds = pendingTimeoutSeconds
        self.operation = operation
        self.debitField = debitField
        self.creditField = creditField
        fingerprint = Self.fingerprint(id: id, debit: debit, credit: credit, amountCents: amountCents, code: code,
                                       reference: reference, pendingTimeoutSeconds: pendingTimeoutSeconds, operation: operation)
    }

    private static func fingerprint(id: String, debit: AccountID, credit: AccountID, amountCents: Int64, code: TransferCode,
                                     reference: String?, pendingTimeoutSeconds: Int64?, operation: String) -> [UInt8] {
        Digest.sha256(CanonicalJSONWriter.object { writer in
            writer.writeMember("amountCents", amountCents)
            writer.writeMember("code", code.rawValue)
            writer.writeMember("creditAccount", credit.description)
            writer.writeMember("debitAccount", debit.description)
            writer.writeMember("id", id)
            writer.writeMember("operation", operation)
            writer.writeMember("pendingTimeoutSeconds", pendingTimeoutSeconds)
            writer.writeMember("reference", reference)
        })
    }
}
