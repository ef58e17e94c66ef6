/// `/transfers`: staff's general entry to the ledger (any code, same rules), reading one
/// transfer (a key bound to a merchant reads only its merchant's), and posting or voiding a
/// pending one.
enum TransferRoutes {
    static func routes(_ service: CoinService) -> [Route] {
        [
            CoinHTTP.transferRoute("POST", "/transfers", .apiKey(scope: APIScope.coinAdmin), service: service) { request in
                var reader = try request.jsonObject()
                let key = CoinHTTP.idempotencyKey(request, required: true, reader: &reader)
                CoinHTTP.checkBodyID(&reader, key: key)
                let debit = account(&reader, "debitAccount")
                let credit = account(&reader, "creditAccount")
                let amount = CoinHTTP.amount(&reader, "amountCents")
                let code = reader.string("code", required: true, maxLength: 20).flatMap { text -> TransferCode? in
                    guard let code = TransferCode(rawValue: text) else {
                        reader.addIssue("code", code: "invalid",
                                        reason: "must be one of \(TransferCode.allCases.map(\.rawValue).joined(separator: ", "))")
                        return nil
                    }
                    return code
                }
                let reference = CoinHTTP.freeText(&reader, "reference")
                let timeout = CoinHTTP.pendingTimeout(&reader)
                reader.rejectUnknownFields()
                if let debit, let credit, let code {
                    for issue in code.problems(debit: debit, credit: credit, reference: reference, isPending: timeout != nil) {
                        reader.addIssue(issue.name, code: issue.code, reason: issue.reason)
                    }
                }
                try reader.throwIfInvalid()
                guard let key, let debit, let credit, let amount, let code else { preconditionFailure("a valid body has every required field") }
                let transfer = TransferRequest(
                    id: key, debit: debit, credit: credit, amountCents: amount, code: code, reference: reference,
                    pendingTimeoutSeconds: timeout, operation: "transfers")
                return (transfer, created)
            },
            CoinHTTP.route("GET", "/transfers/{id}", .apiKeyWithAnyScope(CoinHTTP.readerScopes)) { request in
                try CoinHTTP.query(request)
                let id = try CoinHTTP.uuidParameter(request, "id", notFound: LedgerError.transferNotFound)
                return CoinHTTP.transferResponse(try MerchantBinding.visible(try service.transfer(id), request))
            },
            CoinHTTP.route("POST", "/transfers/{id}/post", .apiKeyWithAnyScope([APIScope.coinAdmin, APIScope.coinPay])) { request in
                let id = try CoinHTTP.uuidParameter(request, "id", notFound: LedgerError.transferNotFound)
                try emptyBody(request)
                return CoinHTTP.transferResponse(try service.postTransfer(id, permittedCodes: permittedCodes(request)))
            },
            CoinHTTP.route("POST", "/transfers/{id}/void", .apiKeyWithAnyScope([APIScope.coinAdmin, APIScope.coinPay])) { request in
                let id = try CoinHTTP.uuidParameter(request, "id", notFound: LedgerError.transferNotFound)
                try emptyBody(request)
                return CoinHTTP.transferResponse(try service.voidTransfer(id, permittedCodes: permittedCodes(request)))
            },
        ]
    }

    /// 201 for a new transfer and for the replay of the request that made it.
    static func created(_ outcome: Ledger.CreateOutcome) -> Response {
        let transfer = outcome.transfer
        if case .replayed = outcome {
            return CoinHTTP.created(transfer, location: "\(CoinHTTP.basePath)/transfers/\(transfer.id)", replayed: true)
        }
        return CoinHTTP.created(transfer, location: "\(CoinHTTP.basePath)/transfers/\(transfer.id)", replayed: false)
    }

    /// Staff may post and void any pending transfer; a payment integrator only payments.
    private static func permittedCodes(_ request: Request) -> Set<TransferCode> {
        request.apiKey?.scopes.contains(APIScope.coinAdmin) == true ? Set(TransferCode.allCases) : [.payment]
    }

    /// Posting and voiding take no parameters; a body, if sent, must be an empty JSON object.
    private static func emptyBody(_ request: Request) throws {
        try CoinHTTP.query(request)
        var reader = try request.optionalJSONObject()
        reader.rejectUnknownFields()
        try reader.throwIfInvalid()
    }

    private static func account(_ reader: inout JSONObjectReader, _ name: String) -> AccountID? {
        guard let text = reader.string(name, required: true, maxLength: 100) else { return nil }
        switch AccountID.parse(text) {
        case .success(let id):
            return id
        case .failure(let error):
            reader.addIssue(name, code: "invalid-account", reason: error.reason)
            return nil
        }
    }
}
