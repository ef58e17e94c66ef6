/// `/scheme`: the coin's code and name and the yearly issuance budget, with this year's use.
enum SchemeRoutes {
    static func routes(_ service: CoinService) -> [Route] {
        [
            CoinHTTP.route("GET", "/scheme", .apiKeyWithAnyScope(CoinHTTP.readerScopes)) { request in
                try CoinHTTP.query(request)
                return .json(try service.scheme())
            },
            CoinHTTP.route("PUT", "/scheme", .apiKey(scope: APIScope.coinAdmin)) { request in
                try CoinHTTP.query(request)
                var reader = try request.jsonObject()
                let code = reader.string("code", required: true, maxLength: 12)
                if let code, let problem = CoinScheme.problem(withCode: code) { reader.addIssue("code", code: "invalid", reason: problem) }
                let name = reader.string("name", required: true, maxLength: 100)
                let budget = reader.integer("yearlyIssuanceBudgetCents", required: true, in: 0...CoinLimits.maxYearlyBudgetCents)
                reader.rejectUnknownFields()
                try reader.throwIfInvalid()
                guard let code, let name, let budget else { preconditionFailure("a valid body has every required field") }
                return .json(try service.updateScheme(code: code, name: name, yearlyIssuanceBudgetCents: budget, audit: AuditContext(request)))
            },
        ]
    }
}
