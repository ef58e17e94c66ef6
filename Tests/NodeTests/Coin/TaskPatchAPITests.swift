import Foundation
import Testing
@testable import Node

/// `PATCH /tasks/{id}`: staff correct a task and close it; the reward, a capacity below the
/// approved claims and an end before the start are refused, naming the field.
@Suite("Task corrections API")
struct TaskPatchAPITests {
    /// A task open today on the real clock, with one place taken by an approved claim when asked.
    static func createTask(_ api: CoinAPIFixture, approvedClaims: Int = 0) throws -> String {
        let task = api.call("POST", "/tasks", body: """
            {"title":"Clear litter","description":"Bring gloves.","rewardCents":500,"capacity":3,
             "periodStart":"2020-01-01","periodEnd":"2099-12-31","location":"Aambos, Heerlen"}
            """)
        let id = try #require(task.json["id"] as? String)
        for index in 0..<approvedClaims {
            let claim = api.call("POST", "/claims", key: "resident", body: #"{"taskId":"\#(id)","resident":"r-\#(index)"}"#)
            let claimID = try #require(claim.json["id"] as? String)
            #expect(api.call("POST", "/claims/\(claimID)/approve").status == 200)
        }
        return id
    }

    @Test("every correctable field is written, read back and audited; null clears the location")
    func correctAndReadBack() throws {
        try CoinAPIFixture.run { api in
            let id = try Self.createTask(api)
            let patched = api.call("PATCH", "/tasks/\(id)", body: """
                {"title":"Clear litter from the paths","description":"Gloves are provided.","capacity":5,
                 "periodEnd":"2099-06-30","location":"Aambos park"}
                """)
            #expect(patched.status == 200)
            let read = api.call("GET", "/tasks/\(id)", key: "resident").json
            #expect(read["title"] as? String == "Clear litter from the paths")
            #expect(read["description"] as? String == "Gloves are provided.")
            #expect(read["capacity"] as? Int == 5 && read["periodEnd"] as? String == "2099-06-30")
            #expect(read["location"] as? String == "Aambos park")
            #expect(read["rewardCents"] as? Int == 500 && read["periodStart"] as? String == "2020-01-01")
            #expect(patched.response.body == api.call("GET", "/tasks/\(id)").response.body)

            #expect(api.call("PATCH", "/tasks/\(id)", body: #"{"location":null}"#).status == 200)
            let cleared = api.call("GET", "/tasks/\(id)").json
            #expect(cleared["location"] == nil && cleared["title"] as? String == "Clear litter from the paths")

            let entries = try api.database.read { try AuditLog.page(in: $0, resource: "coin-task", request: PageRequest(size: 10)) }.entries
            #expect(entries.map(\.action) == ["update", "update", "create"])
            #expect(entries.allSatisfy { $0.resourceId == id && $0.actor == "apikey:key-admin" })
            let update = try #require(entries.last { $0.action == "update" })
            #expect(update.oldHash != nil && update.newHash != nil && update.oldHash != update.newHash)
            let create = try #require(entries.last)
            #expect(update.oldHash == create.newHash)
        }
    }

    @Test("the reward, a capacity below the approved claims and an end before the start are refused")
    func refusals() throws {
        try CoinAPIFixture.run { api in
            let id = try Self.createTask(api, approvedClaims: 2)
            let reward = api.call("PATCH", "/tasks/\(id)", body: #"{"title":"Other","rewardCents":700}"#)
            CoinAPITests.expectProblem(reward, 400, code: "invalid-params")
            let rewardParams = reward.json["invalidParams"] as? [[String: String]] ?? []
            #expect(rewardParams.map { $0["name"] } == ["rewardCents"] && rewardParams.first?["code"] == "read-only")
            #expect(rewardParams.first?["reason"]?.contains("reward cannot change") == true)

            let capacity = api.call("PATCH", "/tasks/\(id)", body: #"{"capacity":1}"#)
            CoinAPITests.expectProblem(capacity, 409, code: "capacity-below-approved")
            #expect((capacity.json["detail"] as? String)?.contains("(field capacity)") == true)
            #expect(api.call("PATCH", "/tasks/\(id)", body: #"{"capacity":2}"#).json["capacity"] as? Int == 2)

            let period = api.call("PATCH", "/tasks/\(id)", body: #"{"periodEnd":"2019-12-31"}"#)
            CoinAPITests.expectProblem(period, 400)
            #expect(period.invalidNames == ["periodEnd"])

            let malformed = api.call("PATCH", "/tasks/\(id)",
                                     body: #"{"title":"","capacity":0,"periodEnd":null,"location":"","colour":"red"}"#)
            CoinAPITests.expectProblem(malformed, 400)
            #expect(malformed.invalidNames == ["title", "capacity", "periodEnd", "location", "colour"])
            CoinAPITests.expectProblem(api.call("PATCH", "/tasks/\(id)", body: "{}"), 400, code: "bad-request")
            CoinAPITests.expectProblem(api.call("PATCH", "/tasks/\(CoinAPIFixture.uuid())", body: #"{"title":"x"}"#), 404)

            let unchanged = api.call("GET", "/tasks/\(id)").json
            #expect(unchanged["title"] as? String == "Clear litter" && unchanged["rewardCents"] as? Int == 500)
            #expect(unchanged["periodEnd"] as? String == "2099-12-31" && unchanged["capacity"] as? Int == 2)
        }
    }

    @Test("an end set to a past day closes the task: claims are refused from then on")
    func closing() throws {
        try CoinAPIFixture.run { api in
            let id = try Self.createTask(api)
            let yesterday = String(RFC3339.string(from: Date().addingTimeInterval(-86_400)).prefix(10))
            #expect(api.call("PATCH", "/tasks/\(id)", body: #"{"periodEnd":"\#(yesterday)"}"#).status == 200)
            let claim = api.call("POST", "/claims", key: "resident", body: #"{"taskId":"\#(id)","resident":"r-late"}"#)
            CoinAPITests.expectProblem(claim, 409, code: "task-not-open")
            #expect((claim.json["detail"] as? String)?.contains("its period ended on \(yesterday)") == true)
        }
    }

    @Test("only staff correct tasks", arguments: ["resident", "pay", "merchant", "till-m-1"])
    func scopes(key: String) throws {
        try CoinAPIFixture.run { api in
            let id = try Self.createTask(api)
            CoinAPITests.expectProblem(api.call("PATCH", "/tasks/\(id)", key: key, body: #"{"periodEnd":"2020-01-01"}"#), 403)
            #expect(api.call("GET", "/tasks/\(id)").json["periodEnd"] as? String == "2099-12-31")
        }
    }
}
