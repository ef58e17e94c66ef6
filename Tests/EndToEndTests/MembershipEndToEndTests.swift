import Foundation
import Testing

/// Membership across real processes: a registry and municipalities admitted by CSR, mutual TLS
/// between them, revocation at the registry and at the members, the cached directory while the
/// registry is down, and the client's member check.
@Suite struct MembershipEndToEndTests {
    static let heerlen = ("Heerlen", "00000001000000917000", "0917")
    static let zoetermeer = ("Zoetermeer", "00000001000000637000", "0637")
    static let veldhoven = ("Veldhoven", "00000001000000861000", "0861")

    /// Starts a federation with the given members and waits until each accepts every other.
    static func federation(_ members: [(String, String, String)]) throws -> (TestFederation, [TestFederation.Member]) {
        let federation = try TestFederation()
        let admitted = try members.map { try federation.admit($0.0, oin: $0.1, cbs: $0.2) }
        for caller in admitted {
            for callee in admitted where callee !== caller {
                let accepted = try TestFederation.waitUntil {
                    try TestFederation.peerStatus(callee.node, as: caller.certificate) == 200
                }
                #expect(accepted != nil, "\(callee.name) never accepted \(caller.name)")
            }
        }
        return (federation, admitted)
    }

    @Test func admissionByCSRGivesMutualTLSBetweenMembers() throws {
        let (federation, members) = try Self.federation([Self.heerlen, Self.zoetermeer])
        let (heerlen, zoetermeer) = (members[0], members[1])

        let peer = try Curl.request(zoetermeer.node, "/api/federation/v1/peer", certificate: heerlen.certificate)
        #expect(peer.status == 200)
        #expect(peer.json?["oin"] as? String == heerlen.oin)
        #expect(peer.json?["commonName"] as? String == "Heerlen")

        let directory = try Curl.request(federation.registry, "/api/registry/v1/members", certificate: heerlen.certificate)
        #expect(directory.status == 200)
        let entityTag = try #require(directory.headers["etag"])
        let body = try #require(directory.json)
        #expect(body["signerOin"] as? String == TestFederation.registryOIN)
        #expect(body["signature"] is String && body["signerCertificate"] is String)
        let listed = (body["members"] as? [[String: Any]] ?? []).compactMap { $0["oin"] as? String }
        #expect(listed == [TestFederation.registryOIN, zoetermeer.oin, heerlen.oin], "ordered by OIN, the registry included")
        let unchanged = try Curl.request(federation.registry, "/api/registry/v1/members", headers: ["If-None-Match: \(entityTag)"],
                                         certificate: heerlen.certificate)
        #expect(unchanged.status == 304 && unchanged.body.isEmpty && unchanged.headers["etag"] == entityTag)
        ServerTests.expectProblem(try Curl.request(federation.registry, "/api/registry/v1/members"), status: 403)

        // The node's own libcurl client, through the CLI: the directory's URL, OIN check, mTLS. The
        // member learns Zoetermeer's real URL (set after it started) at its next directory refresh.
        var call = try Run.knooppunt(["federation", "call", "--data", heerlen.dataDirectory.path, "--peer", zoetermeer.oin])
        _ = try TestFederation.waitUntil {
            call = try Run.knooppunt(["federation", "call", "--data", heerlen.dataDirectory.path, "--peer", zoetermeer.oin])
            return call.status == 0
        }
        #expect(call.status == 0, "\(call.errors)")
        #expect(call.output.contains("HTTP 200 from Zoetermeer") && call.output.contains(heerlen.oin))

        let metrics = try MetricsScrape.text(zoetermeer.node)
        #expect(metrics.contains("knooppunt_directory_members{status=\"active\"} 3"))
        #expect(metrics.contains("knooppunt_directory_last_success_timestamp_seconds "))
        let info = try Curl.request(federation.registry, "/api/node/v1/info").json
        let components = (info?["components"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        #expect(components.contains("registry"))
        #expect(try Curl.request(federation.registry, "/api/registry/v1/openapi.json").status == 200)
        #expect(try Curl.request(heerlen.node, "/api/registry/v1/openapi.json").status == 404, "only the registry serves it")
    }

    @Test func aRevokedMemberIsRefusedByTheRegistryAtOnceAndByMembersWithinOneRefresh() throws {
        let (federation, members) = try Self.federation([Self.heerlen, Self.zoetermeer])
        let (heerlen, zoetermeer) = (members[0], members[1])
        try federation.revoke(heerlen)
        ServerTests.expectProblem(try Curl.request(federation.registry, "/api/registry/v1/members", certificate: heerlen.certificate),
                                  status: 403)
        let took = try TestFederation.waitUntil(timeout: .seconds(10)) {
            try TestFederation.peerStatus(zoetermeer.node, as: heerlen.certificate) == 403
        }
        let elapsed = try #require(took, "Zoetermeer never refused the revoked Heerlen")
        // One refresh interval (1 s) plus the fetch, with slack for a loaded machine.
        #expect(elapsed < .seconds(5), "took \(elapsed)")
        ServerTests.expectProblem(try Curl.request(zoetermeer.node, "/api/federation/v1/peer", certificate: heerlen.certificate),
                                  status: 403)
        #expect(try TestFederation.peerStatus(heerlen.node, as: zoetermeer.certificate) == 200, "the others are unaffected")
        #expect(zoetermeer.node.logLines.contains { $0.contains("member no longer active") && $0.contains(heerlen.oin) })
        let listing = try Run.knooppunt(["registry", "members", "--data", federation.registryData.path])
        #expect(listing.output.split(separator: "\n").contains { $0.hasPrefix(heerlen.oin) && $0.contains("revoked") })
    }

    @Test func membersKeepAcceptingEachOtherFromTheCachedDirectoryWhileTheRegistryIsDown() throws {
        let (federation, members) = try Self.federation([Self.heerlen, Self.zoetermeer])
        let (heerlen, zoetermeer) = (members[0], members[1])
        #expect(federation.registry.stop() == 0)
        #expect(try TestFederation.peerStatus(zoetermeer.node, as: heerlen.certificate) == 200)
        // A refresh fails within about two seconds (retries with backoff, then the interval);
        // the generous bound is for a CI machine running every suite at once.
        let failed = TestFederation.waitUntil(timeout: .seconds(45)) {
            zoetermeer.node.logLines.contains { $0.contains("member directory refresh failed") }
        }
        #expect(failed != nil, "the refresher noticed the registry is gone")
        #expect(try TestFederation.peerStatus(zoetermeer.node, as: heerlen.certificate) == 200, "still accepted after a failed refresh")

        try zoetermeer.restart()
        #expect(zoetermeer.node.logLines.contains { $0.contains("member directory loaded from disk") })
        #expect(try TestFederation.peerStatus(zoetermeer.node, as: heerlen.certificate) == 200, "accepted after a restart")
        // The client side works from the cached directory too (Zoetermeer's new port is not in
        // it, so Zoetermeer calls Heerlen, whose URL is unchanged).
        let call = try Run.knooppunt(["federation", "call", "--data", zoetermeer.dataDirectory.path, "--peer", heerlen.oin])
        #expect(call.status == 0, "\(call.errors)")
    }

    @Test func certificatesThatAreNotAnAdmittedMembersAreRefused() throws {
        let (_, members) = try Self.federation([Self.heerlen, Self.zoetermeer])
        let heerlen = members[0]
        let pki = try TestPKI.shared()
        // Another CA's certificate naming Zoetermeer's OIN fails the handshake.
        let foreign = try Run.tool("curl", ["-sS", "--max-time", "10", "--cacert", pki.trustAnchor, "--cert", pki.foreignCertificate,
                                            "--key", pki.foreignKey, heerlen.node.baseURL + "/api/federation/v1/peer"])
        #expect(foreign.status != 0, "the handshake must fail")
        // The federation CA's own certificate for Zoetermeer's OIN, over a key the directory does
        // not list (issued outside admission), gets through TLS but not the member check.
        #expect(TestPKI.memberOIN == Self.zoetermeer.1)
        ServerTests.expectProblem(try Curl.request(heerlen.node, "/api/federation/v1/peer", certificate: .member), status: 403)
        // No certificate at all.
        ServerTests.expectProblem(try Curl.request(heerlen.node, "/api/federation/v1/peer"), status: 403)
    }

    @Test func aPeerPresentingAnotherMembersCertificateIsRefusedByTheClient() throws {
        let (federation, members) = try Self.federation([Self.heerlen, Self.zoetermeer, Self.veldhoven])
        let (heerlen, zoetermeer, veldhoven) = (members[0], members[1], members[2])
        // Veldhoven's entry now points at Zoetermeer's node, which presents Zoetermeer's certificate.
        try TestFederation.check(Run.knooppunt(["registry", "update", "--data", federation.registryData.path, "--oin", veldhoven.oin,
                                                "--base-url", zoetermeer.node.baseURL]))
        let moved = try TestFederation.waitUntil {
            let listing = try Run.knooppunt(["directory", "show", "--data", heerlen.dataDirectory.path]).output
            return listing.split(separator: "\n").contains { $0.hasPrefix(veldhoven.oin) && $0.contains(zoetermeer.node.baseURL) }
        }
        #expect(moved != nil, "Heerlen's directory never showed the move")
        // Only the route `federation call` uses: Heerlen's sync puller calls Zoetermeer's feed on its own.
        let fromHeerlen = {
            zoetermeer.node.logLines.filter {
                $0.contains(#""peerOin":"\#(heerlen.oin)""#) && $0.contains(#""route":"/api/federation/v1/peer""#)
            }.count
        }
        let before = fromHeerlen()
        let call = try Run.knooppunt(["federation", "call", "--data", heerlen.dataDirectory.path, "--peer", veldhoven.oin])
        #expect(call.status == 1)
        #expect(call.errors.contains("presented the certificate of OIN \(zoetermeer.oin)"), "\(call.errors)")
        #expect(call.errors.contains("refused before sending anything"))
        // A marker request, logged after anything the call could have caused, bounds the wait.
        let marker = UUID().uuidString.lowercased()
        _ = try Curl.request(zoetermeer.node, "/api/node/v1/health", headers: ["X-Request-Id: \(marker)"])
        #expect(TestFederation.waitUntil { zoetermeer.node.logLines.contains { $0.contains(marker) } } != nil)
        #expect(fromHeerlen() == before, "no request from Heerlen reached Zoetermeer")
        // Zoetermeer itself, at the same URL, is still reachable as Zoetermeer.
        let direct = try Run.knooppunt(["federation", "call", "--data", heerlen.dataDirectory.path, "--peer", zoetermeer.oin])
        #expect(direct.status == 0, "\(direct.errors)")
    }
}
