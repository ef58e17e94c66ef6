/// What a key bound to one merchant (`APIKeyIdentity.merchant`, the merchant's own till or back
/// office) may do on the coin routes: act and read for that merchant only. Unbound keys pass
/// every check, as they did before keys could be bound: integrators acting for many merchants
/// and staff need them.
///
/// A request that names another merchant or account in its body, path or query gets 403: the
/// caller wrote the name, so refusing it reveals nothing. A resource found by its UUID gets the
/// same 404 as an id that does not exist, so a bound key learns nothing about other merchants'
/// redemptions and transfers, not even that they exist.
enum MerchantBinding {
    /// 403 unless the request's key may act for `merchant`.
    static func requireActing(for merchant: String, _ request: Request) throws {
        guard let bound = request.apiKey?.merchant, bound != merchant else { return }
        throw Problem.forbidden("This API key is bound to merchant \(bound) and acts for no other merchant.")
    }

    /// 403 unless the request's key may read `account`: a bound key reads only its merchant's.
    static func requireReading(_ account: AccountID, _ request: Request) throws {
        guard let bound = request.apiKey?.merchant, !isMerchantAccount(account.description, of: bound) else { return }
        throw Problem.forbidden("This API key is bound to merchant \(bound) and reads only the account merchant:\(bound).")
    }

    /// The merchant whose redemptions a list shows: the key's own for a bound key (403 when the
    /// filter names another), else the filter, which may be nil for all.
    static func redemptionFilter(_ filter: String?, _ request: Request) throws -> String? {
        guard let bound = request.apiKey?.merchant else { return filter }
        try requireActing(for: filter ?? bound, request)
        return bound
    }

    /// `redemption` when the request's key may see it; otherwise the 404 of an unknown id.
    static func visible(_ redemption: Redemption, _ request: Request) throws -> Redemption {
        guard let bound = request.apiKey?.merchant, redemption.merchant != bound else { return redemption }
        throw LedgerError.transferNotFound(id: redemption.id)
    }

    /// `transfer` when the request's key may see it (a bound key: only transfers debiting or
    /// crediting its merchant); otherwise the 404 of an unknown id.
    static func visible(_ transfer: Transfer, _ request: Request) throws -> Transfer {
        guard let bound = request.apiKey?.merchant,
              !isMerchantAccount(transfer.debitAccount, of: bound), !isMerchantAccount(transfer.creditAccount, of: bound)
        else { return transfer }
        throw LedgerError.transferNotFound(id: transfer.id)
    }

    private static func isMerchantAccount(_ account: String, of merchant: String) -> Bool {
        account == "merchant:\(merchant)"
    }
}
