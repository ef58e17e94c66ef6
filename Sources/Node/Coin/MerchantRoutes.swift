/// `/merchants`: staff register the businesses that accept the coin, rename them, and switch
/// them off (an inactive merchant accepts no payments but may still redeem).
enum MerchantRoutes {
    static func routes(_ service: CoinService) -> [Route] {
        [
            CoinHTTP.route("POST", "/merchants", .apiKey(scope: APIScope.coinAdmin)) { request in
                try CoinHTTP.query(request)
                var reader = try request.jsonObject()
                let id = CoinHTTP.holderReference(&reader, "id")
                let name = reader.string("name", required: true, maxLength: CoinLimits.maxMerchantNameLength)
                reader.rejectUnknownFields()
                try reader.throwIfInvalid()
                guard let id, let name else { preconditionFailure("a valid body has every required field") }
                let merchant = try service.registerMerchant(id: id, name: name, audit: AuditContext(request))
                return CoinHTTP.created(merchant, location: "\(CoinHTTP.basePath)/merchants/\(id)", replayed: false)
            },
            CoinHTTP.route("GET", "/merchants", .apiKeyWithAnyScope(CoinHTTP.readerScopes)) { request in
                var active: Bool?
                let page = try CoinHTTP.query(request, filters: ["active"]) { issues in
                    switch request.query["active"] {
                    case nil: break
                    case "true": active = true
                    case "false": active = false
                    default: issues.append(InvalidParam(name: "active", code: "invalid", reason: "must be true or false"))
                    }
                }
                return CoinHTTP.page(try service.merchants(active: active, page: page), page: page, request: request)
            },
            CoinHTTP.route("GET", "/merchants/{merchantId}", .apiKeyWithAnyScope(CoinHTTP.readerScopes)) { request in
                try CoinHTTP.query(request)
                return .json(try service.merchant(try merchantID(request)))
            },
            CoinHTTP.route("PATCH", "/merchants/{merchantId}", .apiKey(scope: APIScope.coinAdmin)) { request in
                try CoinHTTP.query(request)
                let id = try merchantID(request)
                var reader = try request.jsonObject()
                let name = reader.string("name", required: false, maxLength: CoinLimits.maxMerchantNameLength)
                let active = reader.boolean("active", required: false)
                reader.rejectUnknownFields()
                try reader.throwIfInvalid()
                return .json(try service.updateMerchant(id: id, name: name, active: active, audit: AuditContext(request)))
            },
        ]
    }

    /// A merchant id in the path; one that cannot be a holder reference names no merchant.
    private static func merchantID(_ request: Request) throws -> String {
        let id = request.pathParameter("merchantId")
        guard HolderReference.problem(with: id) == nil else { throw LedgerError.merchantNotFound(id: id) }
        return id
    }
}
