import Foundation
import Schemas

/// What the coin routes share: the scopes per kind of caller, the Idempotency-Key header, ids in
/// paths, free text screened for personal data, and the shapes of created and paged responses.
enum CoinHTTP {
    static let basePath = "/api/coin/v1"

    /// Everyone who works with the coin may read balances, transfers, tasks and merchants, and so
    /// may the node's auditors (`node:admin`).
    static let readerScopes = [APIScope.coinAdmin, APIScope.coinResident, APIScope.coinPay, APIScope.coinMerchant, APIScope.nodeAdmin]
    /// Who may read every account, redemption and the journal: coin staff and the node's
    /// auditors (`node:admin`), who check the ledger without being able to move money.
    static let auditScopes = [APIScope.coinAdmin, APIScope.nodeAdmin]

    /// The `Idempotency-Key` header (draft-ietf-httpapi-idempotency-key-header): a UUID, as a
    /// structured-field string (`"…"`) or bare. Required for POSTs that move money (400 when
    /// missing); for transfers it is the transfer's id. Problems join the body's in `reader`, so
    /// one 400 lists them all.
    static func idempotencyKey(_ request: Request, required: Bool, reader: inout JSONObjectReader) -> String? {
        let values = request.headers.values("Idempotency-Key")
        guard let raw = values.first else {
            if required {
                reader.addIssue("Idempotency-Key", code: "required",
                                reason: "this operation moves money: send a fresh UUID per operation and resend it on retries")
            }
            return nil
        }
        guard values.count == 1, let key = canonicalUUID(raw, quoted: true) else {
            reader.addIssue("Idempotency-Key", code: "invalid", reason: "must be one UUID, e.g. \"8e03978e-40d5-43e8-bc93-6894a57f9324\"")
            return nil
        }
        return key
    }

    /// `text` as a lowercase UUID (8-4-4-4-12 hexadecimal digits), or nil. With `quoted`, one
    /// pair of double quotes around it is accepted, as a structured-field string. Read by bytes:
    /// it runs for every payment, and Foundation's UUID parser goes through sscanf.
    static func canonicalUUID(_ text: String, quoted: Bool = false) -> String? {
        var bytes = HTTPSyntax.trimmingWhitespace(Array(text.utf8)[...])
        if quoted, bytes.count == 38, bytes.first == UInt8(ascii: "\""), bytes.last == UInt8(ascii: "\"") {
            bytes = bytes.dropFirst().dropLast()
        }
        guard bytes.count == 36 else { return nil }
        var lowercased: [UInt8] = []
        lowercased.reserveCapacity(36)
        for (offset, byte) in bytes.enumerated() {
            if offset == 8 || offset == 13 || offset == 18 || offset == 23 {
                guard byte == UInt8(ascii: "-") else { return nil }
                lowercased.append(byte)
            } else {
                let lower = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "F") ? byte + 32 : byte
                guard (lower >= UInt8(ascii: "0") && lower <= UInt8(ascii: "9")) || (lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "f")) else {
                    return nil
                }
                lowercased.append(lower)
            }
        }
        return String(decoding: lowercased, as: UTF8.self)
    }

    /// The body's optional `id`, which must repeat the Idempotency-Key when sent.
    static func checkBodyID(_ reader: inout JSONObjectReader, key: String?) {
        guard let id = reader.string("id", required: false, maxLength: 36) else { return }
        guard let key, canonicalUUID(id) == key else {
            reader.addIssue("id", code: "invalid", reason: "must equal the Idempotency-Key header (or be left out)")
            return
        }
    }

    /// A UUID path parameter, lowercased; anything else names no resource (404).
    static func uuidParameter(_ request: Request, _ name: String, notFound: (String) -> LedgerError) throws -> String {
        let value = request.pathParameter(name)
        guard let uuid = canonicalUUID(value) else { throw notFound(value) }
        return uuid
    }

    /// A holder reference in the body, checked for shape and personal data.
    static func holderReference(_ reader: inout JSONObjectReader, _ name: String, required: Bool = true) -> String? {
        guard let value = reader.string(name, required: required, maxLength: CoinLimits.maxHolderReferenceLength * 4) else { return nil }
        if let problem = HolderReference.problem(with: value) {
            reader.addIssue(name, code: "invalid-reference", reason: problem)
            return nil
        }
        return value
    }

    /// Free text that ends up in the append-only journal or the claims (a reference, a note):
    /// refused when it holds an e-mail address, BSN, phone number or IBAN.
    static func freeText(_ reader: inout JSONObjectReader, _ name: String, required: Bool = false,
                         maxLength: Int = CoinLimits.maxReferenceLength) -> String? {
        guard let value = reader.string(name, required: required, maxLength: maxLength) else { return nil }
        if let finding = PersonalDataDetector.findInText(value) {
            reader.addIssue(name, code: "personal-data", reason: finding.reason)
            return nil
        }
        return value
    }

    /// An amount in whole cents, 1 to `maximum`.
    static func amount(_ reader: inout JSONObjectReader, _ name: String, maximum: Int64 = CoinLimits.maxAmountCents) -> Int64? {
        reader.integer(name, required: true, in: 1...maximum)
    }

    /// `pending` and `timeoutSeconds`: nil for a single-phase transfer, else the timeout.
    static func pendingTimeout(_ reader: inout JSONObjectReader) -> Int64? {
        let pending = reader.boolean("pending", required: false) ?? false
        let timeout = reader.integer("timeoutSeconds", required: false, in: 1...CoinLimits.maxPendingTimeoutSeconds)
        if timeout != nil && !pending {
            reader.addIssue("timeoutSeconds", code: "invalid", reason: "only a pending transfer has a timeout; add \"pending\": true")
        }
        return pending ? (timeout ?? CoinLimits.defaultPendingTimeoutSeconds) : nil
    }

    /// 201 with `Location`, for a new resource and for the replay of the request that made it.
    static func created<Value: Encodable>(_ value: Value, location: String, replayed: Bool) -> Response {
        withCreatedHeaders(Response.json(value, status: .created), location: location, replayed: replayed)
    }

    /// The same for a transfer, written by `transferResponse`.
    static func created(_ transfer: Transfer, location: String, replayed: Bool) -> Response {
        withCreatedHeaders(transferResponse(transfer, status: .created), location: location, replayed: replayed)
    }

    private static func withCreatedHeaders(_ response: Response, location: String, replayed: Bool) -> Response {
        var response = response
        response.headers.add("Location", location)
        if replayed { response.headers.add("Idempotent-Replayed", "true") }
        return response
    }

    /// A transfer as JSON, written directly: payments are the hot path, and JSONEncoder costs
    /// more per payment than the ledger's own SQL. The bytes equal `Response.json(transfer)`'s
    /// (sorted keys, absent fields left out); a test pins that.
    static func transferResponse(_ transfer: Transfer, status: HTTPStatus = .ok) -> Response {
        let body = CanonicalJSONWriter.object { writer in
            writer.writeMember("amountCents", transfer.amountCents)
            writer.writeMember("code", transfer.code.rawValue)
            writer.writeMember("createdAt", transfer.createdAt)
            writer.writeMember("creditAccount", transfer.creditAccount)
            writer.writeMember("debitAccount", transfer.debitAccount)
            writer.writeMember("id", transfer.id)
            writer.writeMemberIfPresent("postedAt", transfer.postedAt)
            writer.writeMemberIfPresent("reference", transfer.reference)
            writer.writeMember("state", transfer.state.rawValue)
            writer.writeMemberIfPresent("timeoutAt", transfer.timeoutAt)
            writer.writeMemberIfPresent("voidReason", transfer.voidReason?.rawValue)
            writer.writeMemberIfPresent("voidedAt", transfer.voidedAt)
        }
        return Response.bytes(body, contentType: "application/json", status: status)
    }

    /// Checks the query's keys and paging, letting `filters` read and check its own keys.
    @discardableResult
    static func query(_ request: Request, filters: Set<String> = [], _ readFilters: (inout [InvalidParam]) -> Void = { _ in }) throws -> PageRequest {
        var issues: [InvalidParam] = []
        request.checkQueryKeys(allowed: filters.union(["page", "pageSize"]), issues: &issues)
        let page = PageRequest.parse(request.query, issues: &issues)
        readFilters(&issues)
        guard issues.isEmpty else { throw Problem.badRequest("The query has invalid parameters.", invalidParams: issues) }
        return page
    }

    /// A filter that must be one of an enum's raw values.
    static func enumFilter<Value: RawRepresentable & CaseIterable>(_ request: Request, _ name: String, _ type: Value.Type,
                                                                   issues: inout [InvalidParam]) -> Value? where Value.RawValue == String {
        guard let text = request.query[name] else { return nil }
        guard let value = Value(rawValue: text) else {
            issues.append(InvalidParam(name: name, code: "invalid", reason: "must be one of \(Value.allCases.map(\.rawValue).joined(separator: ", "))"))
            return nil
        }
        return value
    }

    static func page<Item: Encodable & Sendable>(_ result: (items: [Item], count: Int), page: PageRequest, request: Request) -> Response {
        Page(results: result.items, count: result.count, request: page, path: request.path, query: request.query)
            .response(request: page, path: request.path, query: request.query)
    }

    static func route(_ method: String, _ path: String, _ access: RouteAccess, handler: @escaping RouteHandler) -> Route {
        Route(method, basePath + path, component: CoinExtension.component, access: access, handler: handler)
    }

    /// A route that creates a transfer: its handler validates the request and returns a
    /// `TransferRequest` and how to answer for it; the transfer is started without holding a
    /// thread through the group commit, and the answer is made once it is on disk. `prepare` only
    /// reads the request, so a request whose API key was verified a moment ago runs on the event
    /// loop, with no hop to a worker and back.
    static func transferRoute(
        _ method: String, _ path: String, _ access: RouteAccess, service: CoinService,
        prepare: @escaping @Sendable (Request) throws -> (TransferRequest, @Sendable (Ledger.CreateOutcome) -> Response)
    ) -> Route {
        Route(method, basePath + path, component: CoinExtension.component, access: access, execution: .eventLoop) { request, respond in
            let (transfer, answer) = try prepare(request)
            try service.startTransfer(transfer) { result in
                respond { answer(try result.get()) }
            }
        }
    }
}

/// Registers every coin route.
enum CoinRoutes {
    static func register(in table: inout RouteTable, service: CoinService) {
        for route in TransferRoutes.routes(service) + AccountRoutes.routes(service) + PaymentRoutes.routes(service)
            + RedemptionRoutes.routes(service) + SchemeRoutes.routes(service) + MerchantRoutes.routes(service)
            + TaskRoutes.routes(service) + ClaimRoutes.routes(service) + JournalRoutes.routes(service) {
            table.add(route)
        }
    }
}
