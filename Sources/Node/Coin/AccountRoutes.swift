/// `/accounts`: balances (posted, pending, available) and each account's transfers. A key bound
/// to a merchant reads only that merchant's account (`MerchantBinding`).
enum AccountRoutes {
    static func routes(_ service: CoinService) -> [Route] {
        [
            CoinHTTP.route("GET", "/accounts", .apiKeyWithAnyScope(CoinHTTP.auditScopes)) { request in
                var kind: AccountKind?
                let page = try CoinHTTP.query(request, filters: ["kind"]) { issues in
                    kind = CoinHTTP.enumFilter(request, "kind", AccountKind.self, issues: &issues)
                }
                return CoinHTTP.page(try service.accounts(kind: kind, page: page), page: page, request: request)
            },
            CoinHTTP.route("GET", "/accounts/{accountId}", .apiKeyWithAnyScope(CoinHTTP.readerScopes)) { request in
                try CoinHTTP.query(request)
                let account = try accountID(request)
                try MerchantBinding.requireReading(account, request)
                return .json(try service.account(account))
            },
            CoinHTTP.route("GET", "/accounts/{accountId}/transfers", .apiKeyWithAnyScope(CoinHTTP.readerScopes)) { request in
                var state: TransferState?
                var code: TransferCode?
                let page = try CoinHTTP.query(request, filters: ["state", "code"]) { issues in
                    state = CoinHTTP.enumFilter(request, "state", TransferState.self, issues: &issues)
                    code = CoinHTTP.enumFilter(request, "code", TransferCode.self, issues: &issues)
                }
                let account = try accountID(request)
                try MerchantBinding.requireReading(account, request)
                return CoinHTTP.page(try service.transfers(account: account, state: state, code: code, page: page), page: page,
                                     request: request)
            },
        ]
    }

    /// The account id in the path; a malformed one is a 400 naming the reason.
    private static func accountID(_ request: Request) throws -> AccountID {
        switch AccountID.parse(request.pathParameter("accountId")) {
        case .success(let id):
            return id
        case .failure(let error):
            throw Problem.badRequest("The account id is not valid.", invalidParams: [
                InvalidParam(name: "accountId", code: "invalid-account", reason: error.reason),
            ])
        }
    }
}
