import Foundation
import Node
import Schemas
import Testing

@testable import Federation

/// The change feed's wire format and query: a signed change survives the trip byte for byte,
/// and anything out of bounds is refused before it reaches the verifier or the database.
@Suite struct ChangeFeedTests {
    @Test func aSignedChangeRoundTripsThroughThePageAndVerifiesUnderTheListedKey() throws {
        try withTemporaryDirectory { directory in
            let node = try SyncNode(heerlenOIN, directory: directory, name: "heerlen")
            // Canonical JSON with characters that need escaping, signed by the node key as a write signs it.
            try node.write(id: "0f8fad5b-d9cb-469f-a165-70867728950e", version: 1, text: "Luchtkwaliteit \"Zoetermeer\"\n€ / ü")
            let stored = try node.database.read { try ChangeLog.changes(in: $0, origin: heerlenOIN.value, since: 0, limit: 10) }
            let page = ChangeFeedPage(origin: heerlenOIN.value, epoch: node.database.epoch, latestSequence: 1, changes: stored)
            let decoded = try ChangeFeedPage.decode(page.encoded)
            #expect(decoded == page)
            let listed = node.member().keys[0]
            let key = try PublicKey(spkiDER: listed.spkiDER)
            #expect(key.spkiSHA256Hex == listed.sha256)
            #expect(key.verify(signature: decoded.changes[0].signature, of: decoded.changes[0].content))
            var altered = decoded.changes[0].content
            altered[altered.count / 2] ^= 0x01
            #expect(!key.verify(signature: decoded.changes[0].signature, of: altered))
            #expect(OriginKeys(member: node.member()).verifies(decoded.changes[0]))
            // The document names what a puller needs, and carries content as base64.
            let json = try #require(try JSONSerialization.jsonObject(with: Data(page.encoded)) as? [String: Any])
            #expect(Set(json.keys) == ["origin", "epoch", "latestSequence", "changes"])
            let change = try #require((json["changes"] as? [[String: Any]])?.first)
            #expect(Set(change.keys) == ["origin", "sequence", "kind", "id", "version", "deleted", "content", "signature"])
            #expect(change["content"] as? String == Data(stored[0].content).base64EncodedString())
        }
    }

    @Test(arguments: [
        #"not json"#,
        #"{"origin":"00000001000000917000","epoch":"e","latestSequence":-1,"changes":[]}"#,
        #"{"origin":"","epoch":"e","latestSequence":0,"changes":[]}"#,
        #"{"origin":"00000001000000917000","epoch":"e","latestSequence":1,"changes":[{"origin":"00000001000000917000","sequence":1,"kind":"note","id":"a","version":1,"deleted":false,"content":"%%%","signature":"AA=="}]}"#,
        #"{"origin":"00000001000000917000","epoch":"e","latestSequence":1,"changes":[{"origin":"00000001000000917000","sequence":0,"kind":"note","id":"a","version":1,"deleted":false,"content":"AA==","signature":"AA=="}]}"#,
        #"{"origin":"00000001000000917000","epoch":"e","latestSequence":1,"changes":[{"origin":"00000001000000917000","sequence":1,"kind":"no te","id":"a","version":1,"deleted":false,"content":"AA==","signature":"AA=="}]}"#,
    ])
    func malformedPagesAreRefused(body: String) {
        #expect(throws: SyncError.self) { _ = try ChangeFeedPage.decode(Array(body.utf8)) }
    }

    @Test func aPageWithMoreChangesThanThePageLimitIsRefused() {
        let change = RecordChange(origin: heerlenOIN.value, sequence: 1, kind: "note", id: "a", version: 1, isDeleted: false,
                                  content: [1], signature: [2])
        let changes = (1...(SyncLimits.maxPageSize + 1)).map { change.with(sequence: Int64($0)) }
        let page = ChangeFeedPage(origin: heerlenOIN.value, epoch: "e", latestSequence: Int64(changes.count), changes: changes)
        #expect(throws: SyncError.self) { _ = try ChangeFeedPage.decode(page.encoded) }
    }

    @Test func theServedPageStopsAtTheByteBudgetButAlwaysCarriesOneChange() throws {
        try withTemporaryDirectory { directory in
            let node = try SyncNode(heerlenOIN, directory: directory, name: "heerlen")
            let big = String(repeating: "x", count: 3_000)
            for index in 1...5 { try node.write(id: "n\(index)", version: 1, text: big) }
            let page = try node.database.read { try ChangeLog.changes(in: $0, origin: heerlenOIN.value, since: 0, limit: 5, maxBytes: 7_000) }
            #expect(page.map(\.sequence) == [1, 2])
            let one = try node.database.read { try ChangeLog.changes(in: $0, origin: heerlenOIN.value, since: 0, limit: 5, maxBytes: 10) }
            #expect(one.map(\.sequence) == [1])
        }
    }

    @Test(arguments: [
        ("", 0, SyncLimits.defaultPageSize),
        ("since=0", 0, SyncLimits.defaultPageSize),
        ("since=42&limit=1", 42, 1),
        ("limit=2000", 0, 2000),
        ("since=9223372036854775807", Int.max, SyncLimits.defaultPageSize),
    ])
    func validQueriesAreRead(query: String, since: Int, limit: Int) throws {
        let parsed = try ChangesRoute.parse(QueryParameters.parse(Substring(query))!)
        #expect(parsed.since == Int64(since) && parsed.limit == limit)
    }

    @Test(arguments: [
        ("since=-1", ["since"]), ("since=abc", ["since"]), ("since=1.5", ["since"]), ("since=+1", ["since"]),
        ("since=99999999999999999999", ["since"]), ("limit=0", ["limit"]), ("limit=2001", ["limit"]),
        ("limit=", ["limit"]), ("sinse=1", ["sinse"]), ("since=1&since=2", ["since"]), ("since=x&limit=0&page=2", ["since", "page", "limit"]),
    ])
    func invalidQueriesAreA400NamingEveryBadParameter(query: String, names: [String]) throws {
        do {
            _ = try ChangesRoute.parse(QueryParameters.parse(Substring(query))!)
            Issue.record("\(query) was accepted")
        } catch let problem as Problem {
            #expect(problem.status == .badRequest)
            #expect(Set(problem.invalidParams.map(\.name)) == Set(names))
        }
    }
}
