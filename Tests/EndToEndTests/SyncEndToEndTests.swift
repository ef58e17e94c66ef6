import Foundation
import Testing

/// Pull sync across real processes: a registry and three municipalities admitted by CSR, each
/// pulling the others every second. Records are knowledge entries written through the API.
@Suite struct SyncEndToEndTests {
    typealias Member = TestFederation.Member

    static func federation(_ count: Int = 3) throws -> (TestFederation, [Member]) {
        let all = [MembershipEndToEndTests.heerlen, MembershipEndToEndTests.zoetermeer, MembershipEndToEndTests.veldhoven]
        return try MembershipEndToEndTests.federation(Array(all.prefix(count)))
    }

    @Test func everyNodePullsEveryOtherMemberAndTheRegistryPullsThemAll() throws {
        let (federation, members) = try Self.federation(2)
        let (heerlen, zoetermeer) = (members[0], members[1])
        let pairs = [(heerlen.node, zoetermeer.oin), (heerlen.node, TestFederation.registryOIN), (zoetermeer.node, heerlen.oin),
                     (federation.registry, heerlen.oin), (federation.registry, zoetermeer.oin)]
        for (node, peer) in pairs {
            let sample = #"knooppunt_sync_rounds_total{peer="\#(peer)",result="ok"}"#
            #expect(try TestFederation.waitUntil { try SyncProbe.metric(node, sample) ?? 0 >= 1 } != nil, "\(node.baseURL) never pulled \(peer)")
        }
        #expect(try SyncProbe.metric(heerlen.node, #"knooppunt_sync_rounds_total{peer="\#(heerlen.oin)",result="ok"}"#) == nil,
                "a node never pulls itself")
    }

    @Test func createsUpdatesAndDeletesReachEveryMemberAndTheRegistry() throws {
        let (federation, members) = try Self.federation()
        let (heerlen, zoetermeer, veldhoven) = (members[0], members[1], members[2])
        let heerlenKey = try SyncProbe.apiKey(heerlen, scopes: "knowledge:write")
        let zoetermeerKey = try SyncProbe.apiKey(zoetermeer, scopes: "knowledge:write")

        let kept = try SyncProbe.createEntry(heerlen.node, key: heerlenKey, title: "Heerlens Heitje")
        let removed = try SyncProbe.createEntry(heerlen.node, key: heerlenKey, title: "Tijdelijke pilot")
        let fromZoetermeer = try SyncProbe.createEntry(zoetermeer.node, key: zoetermeerKey, title: "Geluidsmonitor")
        for node in [zoetermeer.node, veldhoven.node, federation.registry] {
            let arrived = try TestFederation.waitUntil { try SyncProbe.entry(node, kept.id).status == 200 }
            #expect(arrived != nil, "Heerlen's entry never reached \(node.baseURL)")
        }
        let replica = try SyncProbe.entry(veldhoven.node, kept.id)
        #expect(replica.json?["origin"] as? String == heerlen.oin)
        #expect(replica.body == (try SyncProbe.entry(heerlen.node, kept.id)).body, "the replica is the origin's record, byte for byte")
        #expect(try TestFederation.waitUntil { try SyncProbe.entry(heerlen.node, fromZoetermeer.id).status == 200 } != nil)
        // Veldhoven may have pulled Heerlen between the two creates: wait for every entry to be there.
        for id in [removed.id, fromZoetermeer.id] {
            #expect(try TestFederation.waitUntil { try SyncProbe.entry(veldhoven.node, id).status == 200 } != nil)
        }
        let listed = try SyncProbe.send(veldhoven.node, "GET", "/api/knowledge/v1/entries?origin=\(heerlen.oin)")
        #expect(listed.json?["count"] as? Int == 2, "filterable by origin")

        // An update and a delete at the origin replace the replicas.
        let updated = try SyncProbe.send(heerlen.node, "PUT", "/api/knowledge/v1/entries/\(kept.id)", key: heerlenKey,
                                         json: SyncProbe.entryJSON("Heerlens Heitje, tweede ronde"), headers: ["If-Match: \(kept.etag)"])
        #expect(updated.status == 200)
        #expect(try SyncProbe.send(heerlen.node, "DELETE", "/api/knowledge/v1/entries/\(removed.id)", key: heerlenKey).status == 204)
        for node in [zoetermeer.node, veldhoven.node] {
            let updatedThere = try TestFederation.waitUntil { try SyncProbe.entry(node, kept.id).json?["version"] as? Int == 2 }
            #expect(updatedThere != nil)
            let deletedThere = try TestFederation.waitUntil { try SyncProbe.entry(node, removed.id).status == 404 }
            #expect(deletedThere != nil)
            #expect(try SyncProbe.entry(node, removed.id).json?["code"] as? String == "deleted")
        }
        #expect(try SyncProbe.entry(zoetermeer.node, kept.id).json?["title"] as? String == "Heerlens Heitje, tweede ronde")

        // Every node holds the same state of every origin (invariant 6).
        for origin in [heerlen, zoetermeer] {
            let others = members.filter { $0 !== origin }.map(\.node) + [federation.registry]
            #expect(try SyncProbe.waitForConvergence(origin: origin, at: others, as: veldhoven), "\(origin.name) did not converge")
        }
        let digest = try SyncProbe.digest(veldhoven.node, origin: heerlen.oin, as: zoetermeer)
        #expect(digest["origin"] as? String == heerlen.oin && digest["count"] as? Int == 2 && (digest["hash"] as? String)?.count == 64)

        // A replica is read-only where it is held.
        let replicaETag = try #require(try SyncProbe.entry(zoetermeer.node, kept.id).headers["etag"])
        let refused = try SyncProbe.send(zoetermeer.node, "PUT", "/api/knowledge/v1/entries/\(kept.id)", key: zoetermeerKey,
                                         json: SyncProbe.entryJSON("Overgenomen"), headers: ["If-Match: \(replicaETag)"])
        ServerTests.expectProblem(refused, status: 409)

        // The feed itself, as a member reads it.
        let feed = try Curl.request(heerlen.node, "/api/federation/v1/changes?since=0&limit=1", certificate: zoetermeer.certificate)
        #expect(feed.status == 200)
        let page = try #require(feed.json)
        #expect(page["origin"] as? String == heerlen.oin && (page["changes"] as? [Any])?.count == 1)
        #expect(page["latestSequence"] as? Int == 4, "two creates, an update and a delete; the log keeps the latest per record")
        ServerTests.expectProblem(try Curl.request(heerlen.node, "/api/federation/v1/changes?limit=2001", certificate: zoetermeer.certificate),
                                  status: 400)
        ServerTests.expectProblem(try Curl.request(heerlen.node, "/api/federation/v1/changes"), status: 403)

        let peer = #"{peer="\#(heerlen.oin)"}"#
        #expect(try SyncProbe.metric(zoetermeer.node, "knooppunt_sync_records_applied_total\(peer)") ?? 0 >= 2)
        #expect(try SyncProbe.metric(zoetermeer.node, "knooppunt_sync_lag_sequences\(peer)") == 0)
        #expect(try SyncProbe.metric(zoetermeer.node, "knooppunt_sync_last_success_timestamp_seconds\(peer)") ?? 0 > 1_700_000_000)
    }

    /// A solution published at Heerlen and Zoetermeer's adoption of it, each at its origin,
    /// are found together at Veldhoven: the catalogue replicates both kinds.
    @Test func aSolutionAndAnotherTownsAdoptionOfItReachTheThirdMember() throws {
        let (_, members) = try Self.federation()
        let (heerlen, zoetermeer, veldhoven) = (members[0], members[1], members[2])
        let solution = try SyncProbe.send(heerlen.node, "POST", "/api/solutions/v1/solutions",
                                          key: try SyncProbe.apiKey(heerlen, scopes: "solutions:write"), json: """
            {"name":{"nl":"Heerlens Heitje","en":"Heerlen's coin"},"summary":"Residents earn a coin for tasks in public space.",
             "license":"EUPL-1.2","developmentStatus":"production","themes":["participation"]}
            """)
        #expect(solution.status == 201, "\(solution.text)")
        let solutionID = try #require(solution.json?["id"] as? String)
        let adoption = try SyncProbe.send(zoetermeer.node, "POST", "/api/solutions/v1/adoptions",
                                          key: try SyncProbe.apiKey(zoetermeer, scopes: "solutions:write"), json: """
            {"solutionId":"\(solutionID)","solutionOrigin":"\(heerlen.oin)",
             "municipality":{"oin":"\(zoetermeer.oin)","name":"Zoetermeer","cbsCode":"0637"},"status":"piloting"}
            """)
        #expect(adoption.status == 201, "\(adoption.text)")
        let adoptionID = try #require(adoption.json?["id"] as? String)

        let adoptionsAtVeldhoven = { try SyncProbe.send(veldhoven.node, "GET", "/api/solutions/v1/solutions/\(solutionID)/adoptions") }
        #expect(try TestFederation.waitUntil { try adoptionsAtVeldhoven().json?["count"] as? Int == 1 } != nil,
                "Zoetermeer's adoption of Heerlen's solution never reached Veldhoven")
        let listed = try #require((try adoptionsAtVeldhoven().json?["results"] as? [[String: Any]])?.first)
        #expect(listed["id"] as? String == adoptionID && listed["origin"] as? String == zoetermeer.oin && listed["status"] as? String == "piloting")
        let solutionAtVeldhoven = try TestFederation.waitUntil {
            try SyncProbe.send(veldhoven.node, "GET", "/api/solutions/v1/solutions/\(solutionID)").json?["origin"] as? String == heerlen.oin
        }
        #expect(solutionAtVeldhoven != nil, "Heerlen's solution never reached Veldhoven")
        // Heerlen, the solution's origin, learns who adopted it.
        #expect(try TestFederation.waitUntil {
            try SyncProbe.send(heerlen.node, "GET", "/api/solutions/v1/adoptions?origin=\(zoetermeer.oin)").json?["count"] as? Int == 1
        } != nil)
    }

    @Test func aNodeThatWasDownCatchesUp() throws {
        let (federation, members) = try Self.federation()
        let (heerlen, zoetermeer, veldhoven) = (members[0], members[1], members[2])
        let key = try SyncProbe.apiKey(heerlen, scopes: "knowledge:write")
        #expect(veldhoven.node.stop() == 0)
        var ids: [String] = []
        for index in 1...30 { ids.append(try SyncProbe.createEntry(heerlen.node, key: key, title: "Terwijl Veldhoven sliep \(index)").id) }
        #expect(try SyncProbe.waitForConvergence(origin: heerlen, at: [zoetermeer.node], as: zoetermeer))
        try federation.start(veldhoven)
        #expect(try SyncProbe.waitForConvergence(origin: heerlen, at: [veldhoven.node], as: zoetermeer))
        #expect(try SyncProbe.entry(veldhoven.node, ids[29]).status == 200)
    }

    /// The checkpoint is written in the page's transaction: however often the puller dies in the
    /// middle of applying, it ends with exactly the origin's state, each change applied once.
    @Test func killNineInTheMiddleOfApplyingNeitherSkipsNorDoubles() throws {
        let (_, members) = try Self.federation(2)
        let (heerlen, zoetermeer) = (members[0], members[1])
        // Eight pages of 2,000: a round may see two pages applied before its kill lands, and
        // each of the three kills must still find a next page being applied.
        let count = 16_000
        // Zoetermeer is down while Heerlen publishes, so that it meets all eight pages at once
        // instead of pulling most of them while the generator still writes.
        #expect(zoetermeer.node.stop() == 0)
        let generated = try Run.knooppunt(["knowledge", "generate", "--data", heerlen.dataDirectory.path, "--count", String(count)])
        try TestFederation.check(generated)
        zoetermeer.node = try NodeProcess(dataDirectory: zoetermeer.dataDirectory)
        let applied = { zoetermeer.node.logLines.filter { $0.contains("applied peer changes") }.count }
        for round in 1...3 {
            // Let at least one more page commit, then kill while the next one is being applied:
            // the puller starts the next page at once (it was fetched during this one), and a
            // debug build takes far longer to apply 2,000 entries than this poll takes to notice.
            let before = applied()
            #expect(TestFederation.waitUntil(timeout: .seconds(60)) { applied() > before } != nil, "round \(round): no page applied")
            #expect(zoetermeer.node.stop(signal: SIGKILL) != nil)
            // What survived the kill is whole pages and their checkpoint, never part of a page.
            let held = try Run.tool("sqlite3", [zoetermeer.dataDirectory.appendingPathComponent("knooppunt.db").path, """
                SELECT (SELECT sequence FROM sync_checkpoints WHERE peer = '\(heerlen.oin)'),
                       (SELECT count(*) FROM change_log WHERE origin = '\(heerlen.oin)'),
                       (SELECT count(*) FROM audit_log WHERE action = 'replicate');
                """])
            let figures = held.output.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "|").compactMap { Int($0) }
            #expect(figures.count == 3 && figures[0] > 0 && figures[0] < count && figures[0] % 2_000 == 0
                && figures[1] == figures[0] && figures[2] == figures[0], "round \(round): checkpoint, held, audited: \(held.output)")
            zoetermeer.node = try NodeProcess(dataDirectory: zoetermeer.dataDirectory)
        }
        #expect(try SyncProbe.waitForConvergence(origin: heerlen, at: [zoetermeer.node], as: zoetermeer, timeout: .seconds(120)))
        let digest = try SyncProbe.digest(zoetermeer.node, origin: heerlen.oin, as: heerlen)
        #expect(digest["count"] as? Int == count)
        // Each entry was applied exactly once: the applier audits every record it applies.
        let audited = try Run.tool("python3", ["-c", """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1], timeout=10)
            print(*db.execute("SELECT count(*), count(DISTINCT resource_id) FROM audit_log WHERE action = 'replicate'").fetchone())
            """, zoetermeer.dataDirectory.appendingPathComponent("knooppunt.db").path])
        #expect(audited.output.trimmingCharacters(in: .whitespacesAndNewlines) == "\(count) \(count)", "\(audited.errors)")
        #expect(try SyncProbe.send(zoetermeer.node, "GET", "/api/knowledge/v1/entries?origin=\(heerlen.oin)&pageSize=1")
            .json?["count"] as? Int == count)
    }

    @Test func aRecordWhoseSignatureWasAlteredAtTheServingNodeIsRejected() throws {
        let (federation, members) = try Self.federation(2)
        let (heerlen, zoetermeer) = (members[0], members[1])
        let key = try SyncProbe.apiKey(heerlen, scopes: "knowledge:write")
        let before = try SyncProbe.createEntry(heerlen.node, key: key, title: "Voor de vervalsing")
        #expect(try TestFederation.waitUntil { try SyncProbe.entry(zoetermeer.node, before.id).status == 200 } != nil)
        #expect(zoetermeer.node.stop() == 0)
        let forged = try SyncProbe.createEntry(heerlen.node, key: key, title: "Origineel")
        let honest = try SyncProbe.createEntry(heerlen.node, key: key, title: "Eerlijk")
        // Someone with access to Heerlen's database rewrites the signed content while it runs.
        let edit = try Run.tool("python3", ["-c", """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1], timeout=10)
            (content,) = db.execute("SELECT content FROM change_log WHERE record_id = ?", (sys.argv[2],)).fetchone()
            db.execute("UPDATE change_log SET content = ? WHERE record_id = ?", (content.replace(b"Origineel", b"Vervalst!"), sys.argv[2]))
            db.commit()
            print(db.total_changes)
            """, heerlen.dataDirectory.appendingPathComponent("knooppunt.db").path, forged.id])
        #expect(edit.status == 0 && edit.output.trimmingCharacters(in: .whitespacesAndNewlines) == "1", "\(edit.errors)")
        try federation.start(zoetermeer)
        #expect(try TestFederation.waitUntil { try SyncProbe.entry(zoetermeer.node, honest.id).status == 200 } != nil)
        #expect(try SyncProbe.entry(zoetermeer.node, forged.id).status == 404, "the altered record is not applied")
        let peer = #"{peer="\#(heerlen.oin)"}"#
        #expect(try SyncProbe.metric(zoetermeer.node, "knooppunt_sync_signature_failures_total\(peer)") == 1)
        #expect(zoetermeer.node.logLines.contains {
            $0.contains("peer change not applied") && $0.contains(forged.id) && $0.contains(#""reason":"signature""#)
                && $0.contains(heerlen.oin)
        })
        #expect(try SyncProbe.digestLine(zoetermeer.node, origin: heerlen.oin, as: heerlen)
            != (try SyncProbe.digestLine(heerlen.node, origin: heerlen.oin, as: heerlen)), "the digests show the difference")
        // Heerlen writes the record again: the new version is signed afresh and arrives.
        let current = try #require(try SyncProbe.entry(heerlen.node, forged.id).headers["etag"])
        let rewritten = try SyncProbe.send(heerlen.node, "PUT", "/api/knowledge/v1/entries/\(forged.id)", key: key,
                                           json: SyncProbe.entryJSON("Hersteld"), headers: ["If-Match: \(current)"])
        #expect(rewritten.status == 200)
        #expect(try SyncProbe.waitForConvergence(origin: heerlen, at: [zoetermeer.node], as: zoetermeer))
    }

    @Test func aRevokedMemberIsRefusedTheFeedAfterOneRefresh() throws {
        let (federation, members) = try Self.federation(2)
        let (heerlen, zoetermeer) = (members[0], members[1])
        let feed = { try Curl.request(zoetermeer.node, "/api/federation/v1/changes", certificate: heerlen.certificate) }
        #expect(try feed().status == 200)
        // While Heerlen is a member, what it writes reaches Zoetermeer within a few intervals.
        let key = try SyncProbe.apiKey(heerlen, scopes: "knowledge:write")
        let early = try SyncProbe.createEntry(heerlen.node, key: key, title: "Voor de intrekking")
        #expect(try TestFederation.waitUntil(timeout: .seconds(10)) { try SyncProbe.entry(zoetermeer.node, early.id).status == 200 } != nil,
                "Zoetermeer pulls Heerlen while it is a member")
        try federation.revoke(heerlen)
        let refused = try TestFederation.waitUntil(timeout: .seconds(10)) { try feed().status == 403 }
        #expect(refused != nil, "Zoetermeer still serves its feed to the revoked Heerlen")
        ServerTests.expectProblem(try feed(), status: 403)
        ServerTests.expectProblem(try Curl.request(zoetermeer.node, "/api/federation/v1/digest?origin=\(zoetermeer.oin)",
                                                   certificate: heerlen.certificate), status: 403)
        // And Zoetermeer no longer pulls Heerlen: what Heerlen writes now stays there.
        let late = try SyncProbe.createEntry(heerlen.node, key: key, title: "Na de intrekking")
        #expect(try TestFederation.waitUntil(timeout: .seconds(5)) { try SyncProbe.entry(zoetermeer.node, late.id).status == 200 } == nil,
                "five sync intervals passed without Zoetermeer pulling the revoked member")
        let onDemand = try Run.knooppunt(["sync", "--data", zoetermeer.dataDirectory.path, "--peer", heerlen.oin])
        #expect(onDemand.status == 1 && onDemand.errors.contains("not an active member"), "\(onDemand.errors)")
    }

    @Test func membersKeepSyncingWithEachOtherWhileTheRegistryIsDown() throws {
        let (federation, members) = try Self.federation(2)
        let (heerlen, zoetermeer) = (members[0], members[1])
        #expect(federation.registry.stop() == 0)
        #expect(TestFederation.waitUntil { zoetermeer.node.logLines.contains { $0.contains("member directory refresh failed") } } != nil,
                "Zoetermeer noticed the registry is gone")
        let key = try SyncProbe.apiKey(heerlen, scopes: "knowledge:write")
        let created = try SyncProbe.createEntry(heerlen.node, key: key, title: "Zonder register")
        #expect(try TestFederation.waitUntil { try SyncProbe.entry(zoetermeer.node, created.id).status == 200 } != nil)
        // `knooppunt sync` works from the cached directory too.
        let onDemand = try Run.knooppunt(["sync", "--data", zoetermeer.dataDirectory.path, "--peer", heerlen.oin])
        #expect(onDemand.status == 0, "\(onDemand.errors)")
        #expect(onDemand.output.contains("Heerlen (\(heerlen.oin)): applied 0, rejected 0"), "\(onDemand.output)")
    }
}
