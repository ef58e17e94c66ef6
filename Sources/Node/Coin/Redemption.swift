/// A merchant's redemption of coins for euros, as the finance system sees it: a transfer from
/// the merchant's account to the treasury, whose reference is the payout reference that ties the
/// euro payment in the finance system to it.
public struct Redemption: Sendable, Equatable, Encodable {
    public let id: String
    public let merchant: String
    public let amountCents: Int64
    public let payoutReference: String
    public let createdAt: String

    /// The view of a redemption transfer.
    init(_ transfer: Transfer) {
        precondition(transfer.code == .redemption, "a redemption is a transfer with the redemption code")
        guard let merchant = transfer.debitAccount.split(separator: ":", maxSplits: 1).last,
              transfer.debitAccount.hasPrefix("merchant:"), let reference = transfer.reference
        else {
            preconditionFailure("a redemption debits a merchant and carries its payout reference")
        }
        id = transfer.id
        self.merchant = String(merchant)
        amountCents = transfer.amountCents
        payoutReference = reference
        createdAt = transfer.createdAt
    }
}
