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

    // MARK: The page's JSON, byte by byte

    @Test func anEmptyPageRoundTrips() throws {
        let page = ChangeFeedPage(origin: heerlenOIN.value, epoch: "0b7d6c1e-epoch", latestSequence: 0, changes: [])
        #expect(try ChangeFeedPage.decode(page.encoded) == page)
        #expect(String(decoding: page.encoded, as: UTF8.self)
            == #"{"changes":[],"epoch":"0b7d6c1e-epoch","latestSequence":0,"origin":"00000001001589623000"}"#)
    }

    @Test func aFullPageOfRandomChangesRoundTrips() throws {
        var generator = SeededGenerator(seed: 0xFEED)
        let changes = (1...SyncLimits.maxPageSize).map { position in
            RecordChange(origin: heerlenOIN.value, sequence: position == SyncLimits.maxPageSize ? .max : Int64(position),
                         kind: position % 3 == 0 ? "knowledge-entry" : "solution", id: "0f8fad5b-d9cb-469f-a165-\(position)",
                         version: Int.random(in: 1...Int.max, using: &generator), isDeleted: position % 7 == 0,
                         content: Self.randomBytes(count: Int.random(in: 0...300, using: &generator), using: &generator),
                         signature: Self.randomBytes(count: Int.random(in: 0...72, using: &generator), using: &generator))
        }
        let page = ChangeFeedPage(origin: heerlenOIN.value, epoch: "epoch", latestSequence: .max, changes: changes)
        #expect(try ChangeFeedPage.decode(page.encoded) == page)
    }

    @Test func contentWithEveryByteValueAndSignaturesUpToTheLimitRoundTrip() throws {
        var generator = SeededGenerator(seed: 0xB17E)
        let everyByte = (0...255).map(UInt8.init)
        let changes = (0..<3).map { shift in
            RecordChange(origin: heerlenOIN.value, sequence: Int64(shift + 1), kind: "note", id: "n\(shift)", version: 1,
                         isDeleted: false, content: Array(everyByte.dropFirst(shift)) + everyByte.reversed(),
                         signature: Self.randomBytes(count: SyncLimits.maxSignatureBytes - shift, using: &generator))
        }
        let page = ChangeFeedPage(origin: heerlenOIN.value, epoch: "e", latestSequence: 3, changes: changes)
        #expect(try ChangeFeedPage.decode(page.encoded) == page)
    }

    /// The wire format did not change when the Foundation coder was replaced: same bytes as
    /// `JSONEncoder` wrote.
    @Test func theBytesAreThoseJSONEncoderWrote() {
        struct Document: Encodable { let origin, epoch: String; let latestSequence: Int64; let changes: [Entry] }
        struct Entry: Encodable {
            let origin: String; let sequence: Int64; let kind, id: String; let version: Int; let deleted: Bool
            let content, signature: String
        }
        let changes = [
            RecordChange(origin: heerlenOIN.value, sequence: 17, kind: "knowledge-entry", id: "0f8fad5b-d9cb-469f-a165-70867728950e",
                         version: 2, isDeleted: false, content: Array(#"{"text":"a/b+c"}"#.utf8), signature: [0xFB, 0xFF, 0x3F]),
            RecordChange(origin: heerlenOIN.value, sequence: .max, kind: "solution", id: "x", version: .max, isDeleted: true,
                         content: [], signature: [0]),
        ]
        let page = ChangeFeedPage(origin: heerlenOIN.value, epoch: "epoch", latestSequence: .max, changes: changes)
        let entries = changes.map {
            Entry(origin: $0.origin, sequence: $0.sequence, kind: $0.kind, id: $0.id, version: $0.version, deleted: $0.isDeleted,
                  content: Data($0.content).base64EncodedString(), signature: Data($0.signature).base64EncodedString())
        }
        let document = Document(origin: page.origin, epoch: page.epoch, latestSequence: page.latestSequence, changes: entries)
        #expect(String(decoding: page.encoded, as: UTF8.self) == String(decoding: JSONCoding.encode(document), as: UTF8.self))
    }

    /// A database row that is not a token still makes valid JSON (escaped), which the puller then
    /// refuses by its token check rather than by a syntax error.
    @Test func stringsThatAreNotTokensAreEscapedAndThenRefusedByThePuller() throws {
        let odd = "a \"quoted\" \\ back\nslash €"
        let change = RecordChange(origin: heerlenOIN.value, sequence: 1, kind: odd, id: "a", version: 1, isDeleted: false,
                                  content: [1], signature: [2])
        let page = ChangeFeedPage(origin: heerlenOIN.value, epoch: odd, latestSequence: 1, changes: [change])
        let tree = try JSONParser.parse(page.encoded)
        #expect(tree["epoch"] == .string(odd))
        guard case .array(let entries)? = tree["changes"] else { Issue.record("no changes array"); return }
        #expect(entries.first?["kind"] == .string(odd))
        #expect(Self.refusal(page.encoded)?.contains("has a field out of range") == true)
    }

    @Test func keysInAnyOrderWhitespaceEscapesAndUnknownFieldsAreRead() throws {
        let body = """
             \t{ "changes" : [ {
              "signature" : "AQID" , "version" :2, "future" : {"nested": [1, -2.5e-3, "x\\"y\\u00e9", null, true, {}]},
              "deleted"\r\n: true, "id" : "0f8f\\u0061", "sequence": 9007199254740993, "kind":"no\\u0074e",
              "content":"aGk\\/", "origin": "00000001001589623000" } ] ,
             "latestSequence" : 9007199254740993, "addedLater": "by a newer peer", "epoch":"e",
             "origin" : "00000001001589623000"
            }\r\n
            """
        let page = try ChangeFeedPage.decode(Array(body.utf8))
        let expected = RecordChange(origin: heerlenOIN.value, sequence: 9_007_199_254_740_993, kind: "note", id: "0f8fa",
                                    version: 2, isDeleted: true, content: [UInt8](Data(base64Encoded: "aGk/")!),
                                    signature: [1, 2, 3])
        #expect(page == ChangeFeedPage(origin: heerlenOIN.value, epoch: "e", latestSequence: 9_007_199_254_740_993,
                                       changes: [expected]))
    }

    /// The reader passes over plain string text eight bytes at a time; an escape, a control
    /// character, a non-ASCII byte and the closing quote are each found at every place in a word.
    @Test func everyByteThatEndsPlainTextIsFoundWhereverItFallsInAWord() throws {
        for position in 0..<20 {
            let plain = String(repeating: "a", count: position)
            let escaped = try ChangeFeedPage.decode(Array(Self.pageOfOneChange("id", "\"\(plain)\\u0062c\"").utf8))
            #expect(escaped.changes[0].id == plain + "bc")
            let closed = try ChangeFeedPage.decode(Array(Self.pageOfOneChange("id", "\"\(plain)z\"").utf8))
            #expect(closed.changes[0].id == plain + "z")
            let control = Self.refusal(Array(Self.pageOfOneChange("id", "\"\(plain)\u{7}c\"").utf8))
            #expect(control?.contains("a control character must be escaped") == true, "\(position): \(control ?? "accepted")")
            let nonASCII = Self.refusal(Array(Self.pageOfOneChange("id", "\"\(plain)\u{E9}c\"").utf8))
            #expect(nonASCII?.contains("has a field out of range") == true, "\(position): \(nonASCII ?? "accepted")")
        }
    }

    @Test(arguments: [
        // Base64 that is not strict.
        (pageOfOneChange("content", #""AA*A""#), "not base64"),
        (pageOfOneChange("content", #""AA=""#), "not base64"),
        (pageOfOneChange("content", #""A===""#), "not base64"),
        (pageOfOneChange("content", #""AB==""#), "not base64"),
        (pageOfOneChange("signature", #""AA AA==""#), "not base64"),
        (pageOfOneChange("signature", #""AAAA\n""#), "not base64"),
        // Missing fields.
        (pageJSON("epoch", nil), "the page lacks epoch"),
        (pageJSON("changes", nil), "the page lacks changes"),
        (pageOfOneChange("signature", nil), "changes.0 lacks signature"),
        (pageOfOneChange("deleted", nil), "changes.0 lacks deleted"),
        // Wrong types.
        ("[]", "the page: expected an object, found an array"),
        (pageJSON("changes", "{}"), "changes: expected an array, found an object"),
        (pageJSON("origin", "1"), "origin: expected a string, found a number"),
        (pageOfOneChange("sequence", #""1""#), "changes.0.sequence: expected a whole number, found a string"),
        (pageOfOneChange("deleted", "0"), "changes.0.deleted: expected a boolean, found a number"),
        (pageOfOneChange("version", "true"), "changes.0.version: expected a whole number, found a boolean"),
        (pageOfOneChange("content", "null"), "changes.0.content: expected a string, found null"),
        (pageOfOneChange("id", "[]"), "changes.0.id: expected a string, found an array"),
        // Numbers that are not exact integers.
        (pageOfOneChange("sequence", "1.5"), "found a fraction or an exponent"),
        (pageOfOneChange("sequence", "1.0"), "found a fraction or an exponent"),
        (pageOfOneChange("version", "1e3"), "found a fraction or an exponent"),
        (pageOfOneChange("version", "1e400"), "found a fraction or an exponent"),
        (pageOfOneChange("sequence", "9223372036854775808"), "beyond the range of a 64-bit integer"),
        (pageJSON("latestSequence", "-9223372036854775809"), "beyond the range of a 64-bit integer"),
        (pageJSON("latestSequence", "99999999999999999999"), "beyond the range of a 64-bit integer"),
        (pageOfOneChange("sequence", "01"), "leading zeros"),
        (pageOfOneChange("sequence", "-"), "a number needs digits"),
        // Values out of range.
        (pageJSON("latestSequence", "-1"), "origin, epoch or latestSequence is out of range"),
        (pageJSON("epoch", #""""#), "origin, epoch or latestSequence is out of range"),
        (pageJSON("origin", #""0000 0001""#), "origin, epoch or latestSequence is out of range"),
        (pageOfOneChange("sequence", "0"), "has a field out of range"),
        (pageOfOneChange("version", "0"), "has a field out of range"),
        (pageOfOneChange("kind", #""no te""#), "has a field out of range"),
        (pageOfOneChange("kind", #""no\u0020te""#), "has a field out of range"),
        (pageOfOneChange("id", "\"" + String(repeating: "a", count: SyncLimits.maxTokenBytes + 1) + "\""), "has a field out of range"),
        // A known field twice.
        (pageOfOneChange("id", #""a","id":"b""#), "changes.0.id is given twice"),
        (pageJSON("origin", #""00000001000000917000","origin":"00000001000000917000""#), "origin is given twice"),
        // Not JSON, in the page or in a field the reader passes over.
        ("not json", "not a change feed page"),
        (pageJSON() + " x", "unexpected data after the JSON value"),
        ("\u{FEFF}" + pageJSON(), "not a change feed page"),
        (String(pageJSON().dropLast()), "not a change feed page"),
        (pageOfOneChange("extra", "tru"), "not a change feed page"),
        (pageOfOneChange("extra", #""\x""#), "invalid escape"),
        (pageOfOneChange("extra", "[1,]"), "not a change feed page"),
        (pageOfOneChange("extra", #"{"a":1,"a":2}"#), "duplicate key"),
        (pageJSON("extra", String(repeating: "[", count: 40) + String(repeating: "]", count: 40)), "nesting deeper"),
        (pageOfOneChange("id", #""\q""#), "invalid escape"),
        (pageOfOneChange("id", "\"a\u{1}\""), "a control character must be escaped"),
    ])
    func malformedPagesAreRefusedByTheCheckThatNamesTheirFault(body: String, reason: String) {
        let refusal = Self.refusal(Array(body.utf8))
        #expect(refusal?.contains(reason) == true, "\(body): \(refusal ?? "accepted")")
    }

    @Test func contentAndSignaturesAreBoundedExactlyAtTheirLimits() throws {
        func page(content: Int, signature: Int) -> [UInt8] {
            let change = RecordChange(origin: heerlenOIN.value, sequence: 1, kind: "note", id: "a", version: 1, isDeleted: false,
                                      content: [UInt8](repeating: 0xA5, count: content),
                                      signature: [UInt8](repeating: 0x5A, count: signature))
            return ChangeFeedPage(origin: heerlenOIN.value, epoch: "e", latestSequence: 1, changes: [change]).encoded
        }
        let (maxContent, maxSignature) = (SyncLimits.maxContentBytes, SyncLimits.maxSignatureBytes)
        let largest = try ChangeFeedPage.decode(page(content: maxContent, signature: maxSignature))
        #expect(largest.changes[0].content.count == maxContent)
        #expect(largest.changes[0].signature.count == maxSignature)
        #expect(Self.refusal(page(content: maxContent + 1, signature: 1))?.contains("over the size limit") == true)
        #expect(Self.refusal(page(content: 1, signature: maxSignature + 1))?.contains("over the size limit") == true)
    }

    /// Content past the limit is refused from its length, without decoding: this one is not even
    /// base64 at its end, and the refusal names its size.
    @Test func oversizeContentIsRefusedBeforeItsBase64IsDecoded() {
        let text = String(repeating: "A", count: Base64.encodedCount(SyncLimits.maxContentBytes)) + "AA*A"
        let refusal = Self.refusal(Array(Self.pageOfOneChange("content", "\"\(text)\"").utf8))
        #expect(refusal?.contains("over the size limit") == true, "\(refusal ?? "accepted")")
    }

    /// What a fuzzer does, in the suite: mutated pages are read or refused, never crash; what is
    /// read is JSON by `JSONParser` too (which also refuses repeated keys the page reader passes
    /// over), and encodes to a page that reads the same.
    @Test func randomMutationsOfAPageAreReadOrRefused() throws {
        var generator = SeededGenerator(seed: 0xF022)
        let seed = Array(Self.pageJSON(changes: [Self.changeJSON(), Self.changeJSON("sequence", "2")]).utf8)
        let fragments = ["\"", "\\", "{", "}", "[", "]", ",", ":", "-", "0", "1e9", ".5", "null", "true", "\\u00", "=", " ",
                         "\"x\":1,"].map { Array($0.utf8) }
        var accepted = 0
        for _ in 0..<3_000 {
            var bytes = seed
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let position = Int.random(in: 0...bytes.count, using: &generator)
                switch Int.random(in: 0..<4, using: &generator) {
                case 0 where position < bytes.count: bytes[position] = UInt8.random(in: .min ... .max, using: &generator)
                case 1: bytes.insert(contentsOf: fragments.randomElement(using: &generator)!, at: position)
                case 2: bytes.removeSubrange(position..<min(bytes.count, position + Int.random(in: 1...8, using: &generator)))
                default: bytes = Array(bytes.prefix(position))
                }
            }
            guard let page = try? ChangeFeedPage.decode(bytes) else { continue }
            accepted += 1
            do {
                _ = try JSONParser.parse(bytes)
            } catch {
                #expect(error.message.contains("duplicate key"), "\(String(decoding: bytes, as: UTF8.self)): \(error)")
            }
            #expect(try ChangeFeedPage.decode(page.encoded) == page, "\(String(decoding: bytes, as: UTF8.self))")
        }
        #expect(accepted > 0, "no mutation was read; the harness only tests refusals")
    }

    private static func refusal(_ bytes: [UInt8]) -> String? {
        do {
            _ = try ChangeFeedPage.decode(bytes)
            return nil
        } catch {
            return error.description
        }
    }

    private static func randomBytes(count: Int, using generator: inout SeededGenerator) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    private static let validChangeMembers = [
        ("origin", #""00000001000000917000""#), ("sequence", "1"), ("kind", #""note""#), ("id", #""a""#), ("version", "1"),
        ("deleted", "false"), ("content", #""AA==""#), ("signature", #""AA==""#),
    ]

    /// The JSON of a valid change with the member `field` given as the raw JSON `value`, or left
    /// out when `value` is nil; a field it does not know is added.
    static func changeJSON(_ field: String = "", _ value: String? = nil) -> String {
        Self.object(validChangeMembers, field, value)
    }

    static func pageOfOneChange(_ field: String, _ value: String?) -> String {
        pageJSON(changes: [changeJSON(field, value)])
    }

    /// The JSON of a valid page of `changes`, with the member `field` as `changeJSON` treats it.
    static func pageJSON(_ field: String = "", _ value: String? = nil, changes: [String] = [changeJSON()]) -> String {
        let members = [("origin", #""00000001000000917000""#), ("epoch", #""e""#), ("latestSequence", "1"),
                       ("changes", "[" + changes.joined(separator: ",") + "]")]
        return Self.object(members, field, value)
    }

    private static func object(_ members: [(String, String)], _ field: String, _ value: String?) -> String {
        var replaced = members.compactMap { name, json in name == field ? value.map { (name, $0) } : (name, json) }
        if !field.isEmpty, !members.contains(where: { $0.0 == field }), let value { replaced.append((field, value)) }
        return "{" + replaced.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
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
