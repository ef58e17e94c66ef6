/// `GET /journal`: the hash-chained journal in chain order, paged, for auditors: the coin
/// administrator (`coin:admin`) and the node's auditors (`node:admin`, who read the audit trail).
enum JournalRoutes {
    static func routes(_ service: CoinService) -> [Route] {
        [
            CoinHTTP.route("GET", "/journal", .apiKeyWithAnyScope(CoinHTTP.auditScopes)) { request in
                let page = try CoinHTTP.query(request)
                return CoinHTTP.page(try service.journal(page: page), page: page, request: request)
            },
        ]
    }
}
