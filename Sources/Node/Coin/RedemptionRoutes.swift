/// `/redemptions`: a merchant exchanges coins for euros (scope `coin:merchant`); the coins go to
/// the treasury and the payout reference tells the finance system which euro payment it is.
/// An unbound `coin:merchant` key (an integrator serving many merchants) may redeem for any
/// merchant: the euros go to the merchant's bank account as the municipality knows it, never to
/// the caller, so a wrong caller can only make a merchant be paid out early. A key bound to one
/// merchant (its own till or back office) redeems and reads only that merchant's redemptions
/// (`MerchantBinding`).
enum RedemptionRoutes {
    static func routes(_ service: CoinService) -> [Route] {
        [
            CoinHTTP.transferRoute("POST", "/redemptions", .apiKey(scope: APIScope.coinMerchant), service: service) { request in
                var reader = try request.jsonObject()
                let key = CoinHTTP.idempotencyKey(request, required: true, reader: &reader)
                CoinHTTP.checkBodyID(&reader, key: key)
                let merchant = CoinHTTP.holderReference(&reader, "merchant")
                let amount = CoinHTTP.amount(&reader, "amountCents")
                let payoutReference = CoinHTTP.freeText(&reader, "payoutReference", required: true)
                reader.rejectUnknownFields()
                try reader.throwIfInvalid()
                guard let key, let merchant, let amount, let payoutReference else {
                    preconditionFailure("a valid body has every required field")
                }
                try MerchantBinding.requireActing(for: merchant, request)
                let transfer = TransferRequest(
                    id: key, debit: .merchant(merchant), credit: .treasury, amountCents: amount, code: .redemption,
                    reference: payoutReference, pendingTimeoutSeconds: nil, operation: "redemptions", debitField: "merchant",
                    creditField: "merchant")
                return (transfer, { outcome in
                    let isReplay = if case .replayed = outcome { true } else { false }
                    return CoinHTTP.created(Redemption(outcome.transfer), location: "\(CoinHTTP.basePath)/redemptions/\(key)",
                                            replayed: isReplay)
                })
            },
            CoinHTTP.route("GET", "/redemptions", .apiKeyWithAnyScope(CoinHTTP.auditScopes + [APIScope.coinMerchant])) { request in
                var merchant: String?
                let page = try CoinHTTP.query(request, filters: ["merchant"]) { issues in
                    guard let value = request.query["merchant"] else { return }
                    if let problem = HolderReference.problem(with: value) {
                        issues.append(InvalidParam(name: "merchant", code: "invalid-reference", reason: problem))
                    } else {
                        merchant = value
                    }
                }
                let shown = try MerchantBinding.redemptionFilter(merchant, request)
                return CoinHTTP.page(try service.redemptions(merchant: shown, page: page), page: page, request: request)
            },
            CoinHTTP.route("GET", "/redemptions/{id}", .apiKeyWithAnyScope(CoinHTTP.auditScopes + [APIScope.coinMerchant])) { request in
                try CoinHTTP.query(request)
                let id = try CoinHTTP.uuidParameter(request, "id", notFound: LedgerError.transferNotFound)
                return .json(try MerchantBinding.visible(try service.redemption(id), request))
            },
        ]
    }
}
