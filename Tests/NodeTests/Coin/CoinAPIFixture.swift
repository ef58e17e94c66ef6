import Foundation
import Synchronization
import Testing
@testable import Node

/// API keys by name, each with the scopes its name says; `till-m-1` is merchant m-1's own key,
/// bound to it.
struct ScopedKeys: APIKeyVerifier {
    static let scopes: [String: Set<String>] = [
        "admin": [APIScope.coinAdmin], "resident": [APIScope.coinResident], "pay": [APIScope.coinPay],
        "merchant": [APIScope.coinMerchant], "auditor": [APIScope.nodeAdmin], "catalogue": [APIScope.solutionsWrite],
        "till-m-1": [APIScope.coinMerchant],
    ]

    func verify(token: String) throws -> APIKeyIdentity? {
        Self.scopes[token].map {
            APIKeyIdentity(id: "key-\(token)", name: token, scopes: $0, merchant: token.hasPrefix("till-") ? "m-1" : nil)
        }
    }
}

/// One answer, decoded for assertions.
struct APIAnswer {
    let response: Response
    var status: Int { response.status.code }
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]) ?? [:] }
    var header: (String) -> String? { { response.headers[$0] } }
    var problemCode: String? { json["code"] as? String }
    var invalidNames: [String] { (json["invalidParams"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String } }
}

/// The coin routes behind the node's real request pipeline (routing, access control, problem
/// rendering), in process: the API layer without sockets, so thousands of requests take seconds.
final class CoinAPIFixture: Sendable {
    let database: Database
    let service: CoinService
    let responder: Responder
    private let writer: GroupCommitWriter

    init(path: String, budgetCents: Int64 = 100_000_000) throws {
        database = try Database(path: path, migrations: NodeRuntime.migrations(extensions: [CoinExtension()]))
        let logger = Logger(label: "test", minimumLevel: .warning, sink: CapturingSink())
        writer = GroupCommitWriter(database: database, logger: logger)
        service = CoinService(database: database, writer: writer, metrics: CoinMetrics(metrics: Metrics(version: "test")))
        var table = RouteTable()
        CoinRoutes.register(in: &table, service: service)
        responder = Responder(router: table.freeze(), apiKeys: ScopedKeys(), peers: TrustAnchorPeerAuthorizer(), logger: logger,
                              metrics: Metrics(version: "test"))
        _ = try service.updateScheme(code: "HEITJE", name: "Heerlens Heitje", yearlyIssuanceBudgetCents: budgetCents, ifMatch: nil,
                                     audit: CoinFixture.audit)
    }

    func close() {
        writer.stop()
        database.close()
    }

    static func run(_ body: (CoinAPIFixture) throws -> Void) throws {
        try withStoreTestDirectory { directory in
            let fixture = try CoinAPIFixture(path: storeDatabasePath(in: directory))
            defer { fixture.close() }
            try body(fixture)
        }
    }

    @discardableResult
    func call(_ method: String, _ path: String, key: String? = "admin", idempotencyKey: String? = nil, body: String? = nil,
              headers: [(String, String)] = []) -> APIAnswer {
        var fields: [(name: String, value: String)] = [("Host", "node")]
        if let key { fields.append(("Authorization", "Bearer \(key)")) }
        if let idempotencyKey { fields.append(("Idempotency-Key", "\"\(idempotencyKey)\"")) }
        if body != nil && !headers.contains(where: { $0.0 == "Content-Type" }) { fields.append(("Content-Type", "application/json")) }
        fields += headers.map { (name: $0.0, value: $0.1) }
        let head = RequestHead(method: method, target: "/api/coin/v1" + path, version: .http1_1, headers: HTTPHeaders(fields))
        let parsed = ParsedRequest(head: head, body: Array((body ?? "").utf8))
        switch responder.dispatch(parsed, peer: nil, deadline: .now + .seconds(30), started: .now) {
        case .respond(let response): return APIAnswer(response: response)
        case .handle(let route, let request): return APIAnswer(response: responder.run(route, request, started: .now))
        }
    }

    static func uuid() -> String { UUID().uuidString.lowercased() }
}
