import Foundation
import Testing
@testable import Node

/// The coin API through the node's request pipeline: status codes, problem+json with named
/// fields, idempotency over HTTP, scopes, paging.
@Suite("Coin API")
struct CoinAPITests {
    static func expectProblem(_ answer: APIAnswer, _ status: Int, code: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(answer.status == status, sourceLocation: sourceLocation)
        #expect(answer.header("Content-Type") == "application/problem+json", sourceLocation: sourceLocation)
        #expect(answer.json["status"] as? Int == status && answer.json["title"] is String && answer.json["detail"] is String,
                sourceLocation: sourceLocation)
        if let code { #expect(answer.problemCode == code, sourceLocation: sourceLocation) }
    }

    @Test("create, replay, conflicting reuse and a missing key")
    func transferIdempotencyOverHTTP() throws {
        try CoinAPIFixture.run { api in
            let id = CoinAPIFixture.uuid()
            let body = #"{"debitAccount":"issuance","creditAccount":"resident:r-1","amountCents":1250,"code":"reward","reference":"task"}"#
            let created = api.call("POST", "/transfers", idempotencyKey: id, body: body)
            #expect(created.status == 201)
            #expect(created.header("Location") == "/api/coin/v1/transfers/\(id)")
            #expect(created.header("API-Version") == "1.0.0")
            #expect(created.json["id"] as? String == id && created.json["state"] as? String == "posted")

            // Same key, same content in another spelling: the original answer again.
            let replay = api.call("POST", "/transfers", idempotencyKey: id.uppercased(),
                                  body: #"{"code":"reward","reference":"task","amountCents":1250,"creditAccount":"resident:r-1","debitAccount":"issuance","id":"\#(id)"}"#)
            #expect(replay.status == 201)
            #expect(replay.response.body == created.response.body)
            #expect(replay.header("Idempotent-Replayed") == "true")

            Self.expectProblem(api.call("POST", "/transfers", idempotencyKey: id, body: body.replacingOccurrences(of: "1250", with: "1251")),
                               422, code: "idempotency-key-reused")
            let missing = api.call("POST", "/transfers", body: #"{"debitAccount":"issuance","creditAccount":"resident:jan@example.nl","amountCents":12.5,"code":"gift"}"#)
            Self.expectProblem(missing, 400, code: "invalid-params")
            #expect(missing.invalidNames == ["Idempotency-Key", "creditAccount", "amountCents", "code"])
            Self.expectProblem(api.call("POST", "/transfers", idempotencyKey: "not-a-uuid", body: body), 400)
            Self.expectProblem(api.call("POST", "/transfers", idempotencyKey: CoinAPIFixture.uuid(), body: body,
                                        headers: [("Content-Type", "text/plain")]), 415)
            #expect(api.call("GET", "/accounts/resident:r-1", key: "resident").json["balanceCents"] as? Int == 1250)
        }
    }

    @Test("a request whose key is in flight gets 409")
    func inFlightOverHTTP() throws {
        try CoinAPIFixture.run { api in
            let id = CoinAPIFixture.uuid()
            let release = try #require(api.service.inFlight.hold("transfer:\(id)"))
            defer { release() }
            Self.expectProblem(api.call("POST", "/transfers", idempotencyKey: id,
                                        body: #"{"debitAccount":"issuance","creditAccount":"resident:r-1","amountCents":1,"code":"reward"}"#),
                               409, code: "request-in-flight")
        }
    }

    @Test("keys and scopes: 401 without, 403 with the wrong scope; the payment scope resolves payments only")
    func scopes() throws {
        try CoinAPIFixture.run { api in
            Self.expectProblem(api.call("GET", "/scheme", key: nil), 401)
            Self.expectProblem(api.call("GET", "/scheme", key: "catalogue"), 403)
            #expect(api.call("GET", "/scheme", key: "merchant").status == 200)
            let reward = #"{"debitAccount":"issuance","creditAccount":"resident:r-1","amountCents":100,"code":"reward","pending":true}"#
            Self.expectProblem(api.call("POST", "/transfers", key: "pay", idempotencyKey: CoinAPIFixture.uuid(), body: reward), 403)
            let id = CoinAPIFixture.uuid()
            #expect(api.call("POST", "/transfers", idempotencyKey: id, body: reward).status == 201)
            Self.expectProblem(api.call("POST", "/transfers/\(id)/post", key: "pay"), 403)
            #expect(api.call("POST", "/transfers/\(id)/post", key: "admin").json["state"] as? String == "posted")
            Self.expectProblem(api.call("GET", "/journal", key: "pay"), 403)
            #expect(api.call("GET", "/journal", key: "auditor").status == 200)
            Self.expectProblem(api.call("POST", "/merchants", key: "pay", body: #"{"id":"m-1","name":"x"}"#), 403)
        }
    }

    @Test("an auditor (node:admin) reads every account, transfer, redemption and the journal, and moves nothing")
    func auditorsReadButDoNotWrite() throws {
        try CoinAPIFixture.run { api in
            #expect(api.call("POST", "/merchants", body: #"{"id":"m-1","name":"Bakkerij"}"#).status == 201)
            let reward = CoinAPIFixture.uuid()
            #expect(api.call("POST", "/transfers", idempotencyKey: reward,
                             body: #"{"debitAccount":"issuance","creditAccount":"resident:r-1","amountCents":500,"code":"reward"}"#).status == 201)
            let payment = #"{"resident":"r-1","merchant":"m-1","amountCents":200}"#
            #expect(api.call("POST", "/payments", key: "pay", idempotencyKey: CoinAPIFixture.uuid(), body: payment).status == 201)
            let redemption = #"{"merchant":"m-1","amountCents":100,"payoutReference":"NL-2026-0001"}"#
            let redeemed = api.call("POST", "/redemptions", key: "till-m-1", idempotencyKey: CoinAPIFixture.uuid(), body: redemption)
            #expect(redeemed.status == 201, "\(redeemed.json)")

            let accounts = api.call("GET", "/accounts", key: "auditor")
            #expect(accounts.status == 200)
            #expect((accounts.json["results"] as? [[String: Any]])?.compactMap { $0["id"] as? String }.contains("merchant:m-1") == true)
            #expect(api.call("GET", "/accounts/resident:r-1", key: "auditor").json["balanceCents"] as? Int == 300)
            #expect(api.call("GET", "/accounts/merchant:m-1/transfers", key: "auditor").status == 200)
            #expect(api.call("GET", "/transfers/\(reward)", key: "auditor").status == 200)
            #expect(api.call("GET", "/redemptions", key: "auditor").json["count"] as? Int == 1)
            #expect(api.call("GET", "/journal", key: "auditor").status == 200)

            Self.expectProblem(api.call("POST", "/payments", key: "auditor", idempotencyKey: CoinAPIFixture.uuid(), body: payment), 403)
            Self.expectProblem(api.call("POST", "/transfers", key: "auditor", idempotencyKey: CoinAPIFixture.uuid(),
                                        body: #"{"debitAccount":"issuance","creditAccount":"resident:r-2","amountCents":1,"code":"reward"}"#), 403)
            Self.expectProblem(api.call("POST", "/redemptions", key: "auditor", idempotencyKey: CoinAPIFixture.uuid(), body: redemption), 403)
            Self.expectProblem(api.call("PUT", "/scheme", key: "auditor", body: "{}"), 403)
            Self.expectProblem(api.call("GET", "/accounts", key: "pay"), 403)
        }
    }

    @Test("the scheme is read with its ETag and replaced only with If-Match; bad values name their field")
    func schemeNeedsIfMatch() throws {
        try CoinAPIFixture.run { api in
            let read = api.call("GET", "/scheme", key: "merchant")
            let etag = try #require(read.header("ETag"))
            #expect(read.json["code"] as? String == "HEITJE" && read.json["etag"] == nil)
            let body = #"{"code":"HEITJE","name":"Heerlens Heitje","yearlyIssuanceBudgetCents":250000}"#
            Self.expectProblem(api.call("PUT", "/scheme", body: body), 428, code: "precondition-required")
            Self.expectProblem(api.call("PUT", "/scheme", body: body, headers: [("If-Match", #""0123456789abcdef0123456789abcdef""#)]),
                               412, code: "precondition-failed")
            Self.expectProblem(api.call("PUT", "/scheme", body: body, headers: [("If-Match", "not a tag")]), 412, code: "precondition-failed")
            #expect(api.call("GET", "/scheme").json["yearlyIssuanceBudgetCents"] as? Int == 100_000_000, "refused updates changed nothing")
            Self.expectProblem(api.call("PUT", "/scheme", key: "pay", body: body, headers: [("If-Match", etag)]), 403)

            let invalid = api.call("PUT", "/scheme", body: #"{"code":"heitje","name":"","yearlyIssuanceBudgetCents":-1}"#,
                                   headers: [("If-Match", etag)])
            Self.expectProblem(invalid, 400)
            #expect(Set(invalid.invalidNames) == ["code", "name", "yearlyIssuanceBudgetCents"])

            let updated = api.call("PUT", "/scheme", body: body, headers: [("If-Match", etag)])
            #expect(updated.status == 200 && updated.json["yearlyIssuanceBudgetCents"] as? Int == 250_000)
            let newTag = try #require(updated.header("ETag"))
            #expect(newTag != etag && api.call("GET", "/scheme").header("ETag") == newTag)
            Self.expectProblem(api.call("PUT", "/scheme", body: body, headers: [("If-Match", etag)]), 412, code: "precondition-failed")
            #expect(api.call("PUT", "/scheme", body: body, headers: [("If-Match", "*")]).status == 200)
        }
    }

    @Test("payments, two-phase at the till, overdraft and redemption")
    func paymentsAndRedemptions() throws {
        try CoinAPIFixture.run { api in
            #expect(api.call("POST", "/merchants", body: #"{"id":"m-1","name":"Bakkerij Op de Hei"}"#).status == 201)
            Self.expectProblem(api.call("POST", "/merchants", body: #"{"id":"m-1","name":"Again"}"#), 409, code: "merchant-exists")
            api.call("POST", "/transfers", idempotencyKey: CoinAPIFixture.uuid(),
                     body: #"{"debitAccount":"issuance","creditAccount":"resident:r-1","amountCents":1000,"code":"reward"}"#)
            let overdraft = api.call("POST", "/payments", key: "pay", idempotencyKey: CoinAPIFixture.uuid(),
                                     body: #"{"resident":"r-1","merchant":"m-1","amountCents":1001}"#)
            Self.expectProblem(overdraft, 409, code: "insufficient-funds")
            #expect((overdraft.json["detail"] as? String)?.contains("resident:r-1") == true)

            let till = CoinAPIFixture.uuid()
            let pending = api.call("POST", "/payments", key: "pay", idempotencyKey: till,
                                   body: #"{"resident":"r-1","merchant":"m-1","amountCents":700,"pending":true,"timeoutSeconds":120}"#)
            #expect(pending.status == 201 && pending.json["state"] as? String == "pending")
            #expect(pending.header("Location") == "/api/coin/v1/transfers/\(till)")
            #expect(api.call("GET", "/accounts/resident:r-1", key: "pay").json["availableCents"] as? Int == 300)
            #expect(api.call("POST", "/transfers/\(till)/post", key: "pay").json["state"] as? String == "posted")
            #expect(api.call("POST", "/transfers/\(till)/post", key: "pay").status == 200)
            Self.expectProblem(api.call("POST", "/transfers/\(till)/void", key: "pay"), 409, code: "transfer-posted")

            let redemption = CoinAPIFixture.uuid()
            let redeemed = api.call("POST", "/redemptions", key: "merchant", idempotencyKey: redemption,
                                    body: #"{"merchant":"m-1","amountCents":500,"payoutReference":"FIN-2026-0042"}"#)
            #expect(redeemed.status == 201)
            #expect(redeemed.json["payoutReference"] as? String == "FIN-2026-0042")
            #expect(api.call("GET", "/redemptions/\(redemption)", key: "merchant").json["amountCents"] as? Int == 500)
            #expect(api.call("GET", "/redemptions?merchant=m-1", key: "admin").json["count"] as? Int == 1)
            #expect(api.call("GET", "/accounts/treasury", key: "admin").json["balanceCents"] as? Int == 500)
            let personal = api.call("POST", "/redemptions", key: "merchant", idempotencyKey: CoinAPIFixture.uuid(),
                                    body: #"{"merchant":"m-1","amountCents":1,"payoutReference":"to NL91ABNA0417164300"}"#)
            Self.expectProblem(personal, 400)
            #expect(personal.invalidNames == ["payoutReference"])
        }
    }

    @Test("staff's redemption through /transfers carries its payout reference and is single-phase, so /redemptions can show it")
    func redemptionThroughTransfers() throws {
        try CoinAPIFixture.run { api in
            #expect(api.call("POST", "/merchants", body: #"{"id":"m-1","name":"Bakkerij Op de Hei"}"#).status == 201)
            api.call("POST", "/transfers", idempotencyKey: CoinAPIFixture.uuid(),
                     body: #"{"debitAccount":"issuance","creditAccount":"resident:r-1","amountCents":1000,"code":"reward"}"#)
            #expect(api.call("POST", "/payments", key: "pay", idempotencyKey: CoinAPIFixture.uuid(),
                             body: #"{"resident":"r-1","merchant":"m-1","amountCents":600}"#).status == 201)

            let unreferenced = api.call("POST", "/transfers", idempotencyKey: CoinAPIFixture.uuid(),
                                        body: #"{"debitAccount":"merchant:m-1","creditAccount":"treasury","amountCents":100,"code":"redemption"}"#)
            Self.expectProblem(unreferenced, 400)
            #expect(unreferenced.invalidNames == ["reference"])
            let reserved = api.call("POST", "/transfers", idempotencyKey: CoinAPIFixture.uuid(), body: """
                {"debitAccount":"merchant:m-1","creditAccount":"treasury","amountCents":100,"code":"redemption","reference":"FIN-1","pending":true}
                """)
            Self.expectProblem(reserved, 400)
            #expect(reserved.invalidNames == ["pending"])

            let id = CoinAPIFixture.uuid()
            #expect(api.call("POST", "/transfers", idempotencyKey: id, body: """
                {"debitAccount":"merchant:m-1","creditAccount":"treasury","amountCents":100,"code":"redemption","reference":"FIN-2"}
                """).status == 201)
            let listed = api.call("GET", "/redemptions", key: "admin")
            #expect(listed.status == 200 && listed.json["count"] as? Int == 1)
            let shown = api.call("GET", "/redemptions/\(id)", key: "merchant")
            #expect(shown.status == 200 && shown.json["payoutReference"] as? String == "FIN-2")
            #expect(api.call("GET", "/accounts/merchant:m-1", key: "admin").json["balanceCents"] as? Int == 500)
        }
    }

    @Test("holder references that look like personal data are refused naming the field")
    func personalDataOverHTTP() throws {
        try CoinAPIFixture.run { api in
            let answer = api.call("POST", "/payments", key: "pay", idempotencyKey: CoinAPIFixture.uuid(),
                                  body: #"{"resident":"111222333","merchant":"Jan Jansen","amountCents":1,"reference":"06-12345678"}"#)
            Self.expectProblem(answer, 400)
            let params = answer.json["invalidParams"] as? [[String: String]] ?? []
            #expect(params.map { $0["name"] } == ["resident", "merchant", "reference"])
            #expect(params.first?["reason"]?.contains("BSN") == true)
            Self.expectProblem(api.call("GET", "/accounts/resident:jan@example.nl"), 400)
        }
    }

    @Test("lists have count, next, previous and results; pageSize above 100 and unknown keys are 400")
    func paging() throws {
        try CoinAPIFixture.run { api in
            for index in 0..<3 {
                api.call("POST", "/transfers", idempotencyKey: CoinAPIFixture.uuid(),
                         body: #"{"debitAccount":"issuance","creditAccount":"resident:r-\#(index)","amountCents":5,"code":"reward"}"#)
            }
            let first = api.call("GET", "/accounts/issuance/transfers?pageSize=2")
            #expect(first.json["count"] as? Int == 3)
            #expect((first.json["results"] as? [Any])?.count == 2)
            #expect(first.json["next"] as? String == "/api/coin/v1/accounts/issuance/transfers?pageSize=2&page=2")
            #expect(first.json.keys.contains("previous") && first.json["previous"] is NSNull)
            #expect(first.header("Link")?.contains("rel=\"next\"") == true)
            Self.expectProblem(api.call("GET", "/journal?pageSize=101"), 400)
            Self.expectProblem(api.call("GET", "/accounts?colour=red"), 400)
            #expect((api.call("GET", "/journal?pageSize=2").json["results"] as? [Any])?.count == 2)
            let journal = api.call("GET", "/journal?page=2&pageSize=2")
            let entry = (journal.json["results"] as? [[String: Any]])?.first
            #expect(entry?["sequence"] as? Int == 3)
            #expect((entry?["previousHash"] as? String)?.count == 64)
        }
    }

    @Test("tasks and claims end to end: submit, approve once, the reward arrives")
    func tasksAndClaims() throws {
        try CoinAPIFixture.run { api in
            let today = String(RFC3339.string(from: Date()).prefix(10))
            let task = api.call("POST", "/tasks", body: """
                {"title":"Adopt and weed a green strip","description":"For a month.","rewardCents":1500,"capacity":1,
                 "periodStart":"2026-01-01","periodEnd":"\(today.prefix(4))-12-31","location":"Schinveld"}
                """)
            #expect(task.status == 201)
            let taskID = try #require(task.json["id"] as? String)
            let badTask = api.call("POST", "/tasks", body: #"{"title":"","rewardCents":0,"capacity":1,"periodStart":"2026-02-30","periodEnd":"2026-01-01"}"#)
            Self.expectProblem(badTask, 400)
            #expect(Set(badTask.invalidNames) == ["title", "description", "rewardCents", "periodStart"])
            let claim = api.call("POST", "/claims", key: "resident", body: #"{"taskId":"\#(taskID)","resident":"resident-hrl-001"}"#)
            #expect(claim.status == 201)
            let claimID = try #require(claim.json["id"] as? String)
            let approved = api.call("POST", "/claims/\(claimID)/approve")
            #expect(approved.status == 200 && approved.json["status"] as? String == "approved")
            #expect(api.call("POST", "/claims/\(claimID)/approve").response.body == approved.response.body)
            Self.expectProblem(api.call("POST", "/claims/\(claimID)/reject", body: #"{"reason":"late"}"#), 409, code: "claim-decided")
            #expect(api.call("GET", "/accounts/resident:resident-hrl-001", key: "resident").json["balanceCents"] as? Int == 1500)
            let second = api.call("POST", "/claims", key: "resident", body: #"{"taskId":"\#(taskID)","resident":"resident-hrl-002"}"#)
            Self.expectProblem(second, 409, code: "task-not-open")
            Self.expectProblem(api.call("GET", "/claims/\(CoinAPIFixture.uuid())"), 404)
        }
    }
}

/// The hand-written transfer JSON must stay byte for byte what JSONEncoder would write.
@Suite("Transfer JSON")
struct TransferJSONTests {
    @Test(arguments: [
        Transfer(id: "8e03978e-40d5-43e8-bc93-6894a57f9324", debitAccount: "resident:r-1", creditAccount: "merchant:m-1",
                 amountCents: 1250, code: .payment, reference: "Zoë's \"koffie\" \\ €", state: .voided,
                 timeoutAt: "2026-03-01T12:10:00.000Z", createdAt: "2026-03-01T12:00:00.000Z", postedAt: nil,
                 voidedAt: "2026-03-01T12:05:00.000Z", voidReason: .requested, createdPending: true, requestHash: []),
        Transfer(id: "0b6f2d8e-0a43-4c55-9d3b-3a2f9f7d2a10", debitAccount: "issuance", creditAccount: "resident:r-1",
                 amountCents: 1, code: .reward, reference: nil, state: .posted, timeoutAt: nil,
                 createdAt: "2026-03-01T12:00:00.000Z", postedAt: "2026-03-01T12:00:00.000Z", voidedAt: nil, voidReason: nil,
                 createdPending: false, requestHash: []),
    ])
    func handWrittenEqualsEncoder(transfer: Transfer) {
        #expect(CoinHTTP.transferResponse(transfer).body == Response.json(transfer).body)
    }

    @Test(arguments: [("8E03978E-40D5-43E8-BC93-6894A57F9324", "8e03978e-40d5-43e8-bc93-6894a57f9324" as String?),
                      ("\"8e03978e-40d5-43e8-bc93-6894a57f9324\"", nil), ("8e03978e40d543e8bc936894a57f9324", nil),
                      ("8e03978e-40d5-43e8-bc93-6894a57f932g", nil), ("", nil)])
    func uuids(text: String, expected: String?) {
        #expect(CoinHTTP.canonicalUUID(text) == expected)
        #expect(CoinHTTP.canonicalUUID("\"\(text)\"", quoted: true) == expected)
    }
}
