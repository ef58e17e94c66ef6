import Federation
import Foundation
import Node
import Schemas
import Testing

/// The catalogue and knowledge APIs against a real `knooppunt serve` process: keys and scopes,
/// conditional requests, problems, full-text search, publiccode.yml import, sample data, the
/// audit trail, and durability of a 201 across `kill -9`.
@Suite struct CatalogueTests {
    static let heerlen = "00000001000000917000"
    static let zoetermeer = "00000001000000637000"

    struct Keys {
        let solutions: String
        let knowledge: String
        let admin: String
    }

    static func startNode(name: String = "Heerlen", oin: String = heerlen, cbs: String = "0917") throws -> (NodeProcess, Keys, URL) {
        let data = try TestPKI.shared().initNode(name: name, oin: oin, cbs: cbs)
        func key(_ scopes: String) throws -> String {
            let result = try Run.knooppunt(["apikey", "create", "--data", data.path, "--name", scopes, "--scopes", scopes])
            try TestPKI.check(result)
            return String(result.output.split(separator: "\n").last ?? "")
        }
        let keys = Keys(solutions: try key("solutions:write"), knowledge: try key("knowledge:write"), admin: try key("node:admin"))
        return (try NodeProcess(dataDirectory: data), keys, data)
    }

    static func send(_ node: NodeProcess, _ method: String, _ path: String, key: String? = nil, json: String? = nil,
                     contentType: String = "application/json", headers: [String] = []) throws -> HTTPResult {
        var all = headers
        if let key { all.append("Authorization: Bearer \(key)") }
        if json != nil { all.append("Content-Type: \(contentType)") }
        return try Curl.request(node, path, method: method, headers: all, body: json)
    }

    static let solutionJSON = """
        {"name":{"nl":"Geluidsmonitor","en":"Noise monitor"},"summary":"Sensors measure noise near new housing.",
         "license":"EUPL-1.2","developmentStatus":"pilot","commonGroundLayer":"data","themes":["noise","sensors"]}
        """

    @Test func createReadUpdateDeleteWithKeysScopesAndConditions() throws {
        let (node, keys, _) = try Self.startNode()
        let collection = "/api/solutions/v1/solutions"

        ServerTests.expectProblem(try Self.send(node, "POST", collection, json: Self.solutionJSON), status: 401)
        ServerTests.expectProblem(try Self.send(node, "POST", collection, key: "kp_0000000000000000_nope", json: Self.solutionJSON), status: 401)
        ServerTests.expectProblem(try Self.send(node, "POST", collection, key: keys.knowledge, json: Self.solutionJSON), status: 403)
        ServerTests.expectProblem(try Self.send(node, "POST", collection, key: keys.solutions, json: Self.solutionJSON,
                                                contentType: "text/plain"), status: 415)

        let created = try Self.send(node, "POST", collection, key: keys.solutions, json: Self.solutionJSON)
        #expect(created.status == 201)
        let body = try #require(created.json)
        let id = try #require(body["id"] as? String)
        #expect(created.headers["location"] == "\(collection)/\(id)")
        #expect(body["origin"] as? String == Self.heerlen && body["version"] as? Int == 1)
        let etag = try #require(created.headers["etag"])

        let read = try Self.send(node, "GET", "\(collection)/\(id)")
        #expect(read.status == 200 && read.headers["etag"] == etag && read.body == created.body)
        #expect(try Self.send(node, "GET", "\(collection)/\(id)", headers: ["If-None-Match: \(etag)"]).status == 304)
        #expect(try Self.send(node, "GET", "\(collection)/\(id)", headers: ["If-None-Match: \"other\""]).status == 200)

        let changed = Self.solutionJSON.replacingOccurrences(of: "\"pilot\"", with: "\"production\"")
        ServerTests.expectProblem(try Self.send(node, "PUT", "\(collection)/\(id)", key: keys.solutions, json: changed), status: 428)
        ServerTests.expectProblem(try Self.send(node, "PUT", "\(collection)/\(id)", key: keys.solutions, json: changed,
                                                headers: ["If-Match: \"stale\""]), status: 412)
        let updated = try Self.send(node, "PUT", "\(collection)/\(id)", key: keys.solutions, json: changed, headers: ["If-Match: \(etag)"])
        #expect(updated.status == 200 && updated.json?["version"] as? Int == 2 && updated.headers["etag"] != etag)
        // The first writer's tag is now stale: the lost update is refused.
        ServerTests.expectProblem(try Self.send(node, "PUT", "\(collection)/\(id)", key: keys.solutions, json: Self.solutionJSON,
                                                headers: ["If-Match: \(etag)"]), status: 412)
        #expect(try Self.send(node, "GET", "\(collection)?status=production").json?["count"] as? Int == 1)

        #expect(try Self.send(node, "DELETE", "\(collection)/\(id)", key: keys.solutions).status == 204)
        // A deleted solution's adoptions are gone with it; a solution this node never held (another
        // town's, not yet replicated) may still be adopted here, so that list answers.
        ServerTests.expectProblem(try Self.send(node, "GET", "\(collection)/\(id)/adoptions"), status: 404)
        #expect(try Self.send(node, "GET", "\(collection)/\(UUID().uuidString.lowercased())/adoptions").status == 200)
        let gone = try Self.send(node, "GET", "\(collection)/\(id)")
        ServerTests.expectProblem(gone, status: 404)
        #expect(gone.json?["code"] as? String == "deleted")
        ServerTests.expectProblem(try Self.send(node, "DELETE", "\(collection)/\(id)", key: keys.solutions), status: 404)
        #expect(try Self.send(node, "GET", collection).json?["count"] as? Int == 0)
        ServerTests.expectProblem(try Self.send(node, "GET", "\(collection)/\(UUID().uuidString)"), status: 404)
        ServerTests.expectProblem(try Self.send(node, "GET", "\(collection)/not-a-uuid"), status: 404)
        ServerTests.expectProblem(try Self.send(node, "GET", "\(collection)/"), status: 404)

        // The audit trail holds the three writes with the key that made them, newest first.
        ServerTests.expectProblem(try Self.send(node, "GET", "/api/node/v1/audit?resource=solution", key: keys.solutions), status: 403)
        let audit = try Self.send(node, "GET", "/api/node/v1/audit?resource=solution", key: keys.admin)
        let entries = try #require(audit.json?["results"] as? [[String: Any]])
        #expect(entries.map { $0["action"] as? String } == ["delete", "update", "create"])
        #expect(entries.allSatisfy { $0["resourceId"] as? String == id && ($0["actor"] as? String)?.hasPrefix("apikey:") == true })
        #expect(entries.map { $0["version"] as? Int } == [3, 2, 1])
    }

    @Test func invalidBodiesAndQueriesListEveryProblem() throws {
        let (node, keys, _) = try Self.startNode()
        let bad = """
            {"kind":"funding-scheme","title":"","body":7,"language":"de","themes":["Air Quality","ok","ok"],
             "partners":[{"name":"VNG","oin":"12"}],"colour":"blue"}
            """
        let result = try Self.send(node, "POST", "/api/knowledge/v1/entries", key: keys.knowledge, json: bad)
        ServerTests.expectProblem(result, status: 400)
        let names = Set((result.json?["invalidParams"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String })
        #expect(names == ["colour", "title", "body", "language", "themes.0", "themes.2", "partners.0.oin", "funding"])
        let notJSON = try Self.send(node, "POST", "/api/knowledge/v1/entries", key: keys.knowledge, json: "{\"kind\": ")
        ServerTests.expectProblem(notJSON, status: 400)
        #expect((notJSON.json?["invalidParams"] as? [[String: Any]])?.first?["code"] as? String == "invalid-json")

        let query = try Self.send(node, "GET", "/api/knowledge/v1/entries?kind=blog&openOn=2026-02-30&pageSize=101&colour=blue")
        ServerTests.expectProblem(query, status: 400)
        let queryNames = Set((query.json?["invalidParams"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String })
        #expect(queryNames == ["kind", "openOn", "pageSize", "colour"])
        // FTS5 syntax in q is plain text, never a server error.
        for q in ["air%22", "NOT", "title%3Ax", "(a", "*", "%22%22", "NEAR(a%20b)"] {
            #expect(try Self.send(node, "GET", "/api/knowledge/v1/entries?q=\(q)").status == 200)
        }
    }

    @Test func searchFindsDutchAndEnglishAndOpenOnHasInclusiveBounds() throws {
        let (node, keys, _) = try Self.startNode()
        let entries = [
            #"{"kind":"lesson-learned","language":"nl","title":"Luchtkwaliteit meten in de wijk","body":"Sensoren op lantaarnpalen."}"#,
            #"{"kind":"case-study","language":"en","title":"Air quality near schools","body":"Measuring air quality with residents."}"#,
            #"{"kind":"guide","language":"en","title":"Parking policy","body":"Also mentions the air once."}"#,
            #"{"kind":"funding-scheme","language":"nl","title":"Regeling schone lucht","body":"Subsidie voor luchtkwaliteit.","funding":{"funder":"VNG","programme":"Schone lucht","maxAmountCents":2500000,"ownContributionPercent":50,"opensOn":"2026-01-01","deadline":"2026-03-31"}}"#,
        ]
        for entry in entries {
            #expect(try Self.send(node, "POST", "/api/knowledge/v1/entries", key: keys.knowledge, json: entry).status == 201)
        }
        func titles(_ query: String) throws -> [String] {
            let result = try Self.send(node, "GET", "/api/knowledge/v1/entries?\(query)")
            #expect(result.status == 200)
            return (result.json?["results"] as? [[String: Any]] ?? []).compactMap { $0["title"] as? String }
        }
        #expect(try titles("q=luchtkwaliteit") == ["Luchtkwaliteit meten in de wijk", "Regeling schone lucht"])
        #expect(try titles("q=air+quality") == ["Air quality near schools"])
        #expect(try titles("q=air").first == "Air quality near schools")
        #expect(try titles("q=lucht&kind=funding-scheme") == ["Regeling schone lucht"])
        for (date, isOpen) in [("2025-12-31", false), ("2026-01-01", true), ("2026-03-31", true), ("2026-04-01", false)] {
            #expect(try titles("openOn=\(date)") == (isOpen ? ["Regeling schone lucht"] : []), "openOn=\(date)")
        }
    }

    @Test func publiccodeImportViaAPIAndCLI() throws {
        let (node, keys, data) = try Self.startNode()
        let file = Paths.repository.appendingPathComponent("examples/publiccode/open-zaak.publiccode.yaml")
        let yaml = try String(contentsOf: file, encoding: .utf8)
        let imported = try Self.send(node, "POST", "/api/solutions/v1/solutions", key: keys.solutions, json: yaml,
                                     contentType: "application/yaml")
        #expect(imported.status == 201)
        #expect((imported.json?["name"] as? [String: Any])?["nl"] as? String == "Open Zaak")
        #expect(imported.json?["license"] as? String == "EUPL-1.2")
        #expect((imported.json?["organisation"] as? [String: Any])?["oin"] as? String == Self.heerlen)

        let broken = try Self.send(node, "POST", "/api/solutions/v1/solutions", key: keys.solutions,
                                   json: "publiccodeYmlVersion: \"0.4\"\nname: [Open\n", contentType: "application/yaml")
        ServerTests.expectProblem(broken, status: 400)
        let reason = (broken.json?["invalidParams"] as? [[String: Any]])?.first?["reason"] as? String ?? ""
        #expect(reason.contains("line 2, column"), "\(reason)")

        let cli = try Run.knooppunt(["solutions", "import", "--data", data.path, file.path])
        #expect(cli.status == 0, "\(cli.errors)")
        let cliID = String(cli.output.split(separator: "\n").last ?? "")
        #expect(try Self.send(node, "GET", "/api/solutions/v1/solutions/\(cliID)").status == 200)
        let audit = try Self.send(node, "GET", "/api/node/v1/audit?resource=solution", key: keys.admin)
        let actors = (audit.json?["results"] as? [[String: Any]] ?? []).compactMap { $0["actor"] as? String }
        #expect(actors.first == "cli" && actors.count == 2)
        #expect(try Self.send(node, "GET", "/api/solutions/v1/solutions?q=zaakgericht").json?["count"] as? Int == 2)
    }

    @Test func samplesLoadIdempotentlyAndAdoptionsNameTheirSolution() throws {
        let (node, _, data) = try Self.startNode(name: "Zoetermeer", oin: Self.zoetermeer, cbs: "0637")
        let file = Paths.repository.appendingPathComponent("examples/sample-federation.json").path
        let first = try Run.knooppunt(["catalogue", "load-samples", "--data", data.path, "--file", file])
        #expect(first.status == 0 && first.output.contains("loaded 1 solution(s), 1 adoption(s), 2 knowledge entries"), "\(first.output)\(first.errors)")
        let second = try Run.knooppunt(["catalogue", "load-samples", "--data", data.path, "--file", file])
        #expect(second.status == 0 && second.output.contains("loaded 0 solution(s), 0 adoption(s), 0 knowledge entries; 4 already present"))
        #expect(try Self.send(node, "GET", "/api/solutions/v1/solutions").json?["count"] as? Int == 1)
        #expect(try Self.send(node, "GET", "/api/knowledge/v1/entries").json?["count"] as? Int == 2)

        // Zoetermeer considers Heerlen's Heitje platform: the adoption names the id Heerlen's node gives it.
        let heitje = SampleCatalogue.sampleID(kind: "solution", origin: OIN(Self.heerlen)!, name: "Heerlens Heitje participation platform")
        let id = heitje.uuidString.lowercased()
        let adoptions = try Self.send(node, "GET", "/api/solutions/v1/adoptions?solutionId=\(id)")
        let results = try #require(adoptions.json?["results"] as? [[String: Any]])
        #expect(results.count == 1 && results.first?["status"] as? String == "considering")
        #expect(try Self.send(node, "GET", "/api/solutions/v1/solutions/\(id)/adoptions?municipality=0637").json?["count"] as? Int == 1)
    }

    @Test func replicasAreReadOnlyButSearchable() throws {
        let (node, keys, data) = try Self.startNode()
        let peer = OIN(Self.zoetermeer)!
        let draft = SolutionDraft(name: LocalizedText(en: "Zoetermeer noise sensors"), summary: LocalizedText(en: "Noise."),
                                  license: "EUPL-1.2", developmentStatus: .production)
        let record = Record<SolutionDraft>.created(draft, id: UUID(), origin: peer, at: Date())
        let bytes = try record.canonicalBytes()
        let id = record.id.uuidString.lowercased()
        let change = RecordChange(origin: peer.value, sequence: 1, kind: "solution", id: id, version: 1, isDeleted: false,
                                  content: bytes, signature: [])
        // The same extensions as the CLI's NodeAssembly, so the schema matches the node's.
        let database = try NodeRuntime.openDatabase(dataDirectory: data.path,
                                                    extensions: [CatalogueExtension(), KnowledgeExtension(), CoinExtension(), FederationExtension()])
        try database.write { try SharedRecordReplicaApplier<SolutionKind>(localOrigin: OIN(Self.heerlen)!).apply(change, in: $0) }
        database.close()

        let read = try Self.send(node, "GET", "/api/solutions/v1/solutions/\(id)")
        #expect(read.status == 200 && read.body == Data(bytes))
        #expect(try Self.send(node, "GET", "/api/solutions/v1/solutions?q=noise&origin=\(peer.value)").json?["count"] as? Int == 1)
        let etag = try #require(read.headers["etag"])
        let put = try Self.send(node, "PUT", "/api/solutions/v1/solutions/\(id)", key: keys.solutions, json: Self.solutionJSON,
                                headers: ["If-Match: \(etag)"])
        ServerTests.expectProblem(put, status: 409)
        #expect(put.json?["code"] as? String == "not-origin")
        ServerTests.expectProblem(try Self.send(node, "DELETE", "/api/solutions/v1/solutions/\(id)", key: keys.solutions), status: 409)
    }

    @Test func aCreatedRecordSurvivesKillNine() throws {
        let (node, keys, data) = try Self.startNode()
        let created = try Self.send(node, "POST", "/api/knowledge/v1/entries", key: keys.knowledge,
                                    json: #"{"kind":"guide","language":"en","title":"Durable","body":"Written before the crash."}"#)
        #expect(created.status == 201)
        #expect(node.stop(signal: SIGKILL) != nil)
        let restarted = try NodeProcess(dataDirectory: data)
        let id = try #require(created.json?["id"] as? String)
        let read = try Self.send(restarted, "GET", "/api/knowledge/v1/entries/\(id)")
        #expect(read.status == 200 && read.body == created.body && read.headers["etag"] == created.headers["etag"])
        #expect(try Self.send(restarted, "GET", "/api/knowledge/v1/entries?q=durable").json?["count"] as? Int == 1)
    }
}
