/// `/scheme`: the coin's code and name and the yearly issuance budget, with this year's use.
enum SchemeRoutes {
    static func routes(_ service: CoinService) -> [Route] {
        [
            CoinHTTP.route("GET", "/scheme", .apiKeyWithAnyScope(CoinHTTP.readerScopes)) { request in
                try CoinHTTP.query(request)
                return tagged(try service.scheme())
            },
            // Like the catalogue's PUT: 428 without If-Match, 412 when the scheme changed since.
            CoinHTTP.route("PUT", "/scheme", .apiKey(scope: APIScope.coinAdmin)) { request in
                try CoinHTTP.query(request)
                guard let field = request.headers["If-Match"] else { throw LedgerError.schemePreconditionRequired }
                // RFC 9110 section 13.1.1: a condition that cannot be evaluated as true fails.
                let condition = EntityTag.Condition(parsing: field) ?? .tags([])
                var reader = try request.jsonObject()
                let code = reader.string("code", required: true, maxLength: 12)
                if let code, let problem = CoinScheme.problem(withCode: code) { reader.addIssue("code", code: "invalid", reason: problem) }
                let name = reader.string("name", required: true, maxLength: 100)
                let budget = reader.integer("yearlyIssuanceBudgetCents", required: true, in: 0...CoinLimits.maxYearlyBudgetCents)
                reader.rejectUnknownFields()
                try reader.throwIfInvalid()
                guard let code, let name, let budget else { preconditionFailure("a valid body has every required field") }
                return tagged(try service.updateScheme(code: code, name: name, yearlyIssuanceBudgetCents: budget, ifMatch: condition,
                                                       audit: AuditContext(request)))
            },
        ]
    }

    private static func tagged(_ status: CoinSchemeStatus) -> Response {
        var response = Response.json(status)
        response.headers.add("ETag", status.etag)
        return response
    }
}
