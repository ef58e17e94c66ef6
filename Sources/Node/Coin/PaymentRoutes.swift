/// `POST /payments`: a resident pays a registered, active merchant (scope `coin:pay`), at once
/// or two-phase (a reservation the till posts or voids). The payment is a transfer and is read
/// and resolved at `/transfers/{id}`.
enum PaymentRoutes {
    static func routes(_ service: CoinService) -> [Route] {
        [
            CoinHTTP.transferRoute("POST", "/payments", .apiKey(scope: APIScope.coinPay), service: service) { request in
                var reader = try request.jsonObject()
                let key = CoinHTTP.idempotencyKey(request, required: true, reader: &reader)
                CoinHTTP.checkBodyID(&reader, key: key)
                let resident = CoinHTTP.holderReference(&reader, "resident")
                let merchant = CoinHTTP.holderReference(&reader, "merchant")
                let amount = CoinHTTP.amount(&reader, "amountCents")
                let reference = CoinHTTP.freeText(&reader, "reference")
                let timeout = CoinHTTP.pendingTimeout(&reader)
                reader.rejectUnknownFields()
                try reader.throwIfInvalid()
                guard let key, let resident, let merchant, let amount else { preconditionFailure("a valid body has every required field") }
                let transfer = TransferRequest(
                    id: key, debit: .resident(resident), credit: .merchant(merchant), amountCents: amount, code: .payment,
                    reference: reference, pendingTimeoutSeconds: timeout, operation: "payments", debitField: "resident",
                    creditField: "merchant")
                return (transfer, TransferRoutes.created)
            },
        ]
    }
}
