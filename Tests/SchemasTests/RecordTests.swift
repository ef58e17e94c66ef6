import Foundation
import Testing
@testable import Schemas

@Suite struct RecordTests {
    static let heerlen = OIN("00000001000000917000")!
    static let id = UUID(uuidString: "5f0c6d1e-8a4b-4c1e-9f3a-2b7d8e9f0a1b")!
    static let created = RFC3339Timestamp.date(milliseconds: 1_795_441_512_123)

    static let draft = SolutionDraft(
        name: LocalizedText(nl: "Heerlens Heitje", en: "Heerlens Heitje"), summary: LocalizedText(en: "A coin."),
        license: "EUPL-1.2", developmentStatus: .pilot, commonGroundLayer: .interaction, themes: ["participation"],
        standards: ["Common Ground"], contact: Contact(name: "Innovatieteam", email: "innovatie@heerlen.example"))

    /// Regression (draft-decoder fuzzer): an unknown field inside a content object made decoding
    /// drop every issue and then trip the record's content precondition; a peer could have sent it.
    @Test func unknownFieldInsideContentOfAReplicatedRecordIsAnIssueNotACrash() throws {
        let json = #"{"createdAt":"2026-11-23T13:45:12.123Z","deleted":false,"developmentStatus":"pilot","#
            + #""id":"5f0c6d1e-8a4b-4c1e-9f3a-2b7d8e9f0a1b","license":"EUPL-1.2","name":{"en":"Heerlens Heitje"},"#
            + #""origin":"00000001000000917000","summary":{"en":"A coin","deleted":true},"#
            + #""updatedAt":"2026-11-23T13:45:12.123Z","version":1}"#
        guard case .failure(let failure) = Solution.decode(from: Array(json.utf8)) else {
            Issue.record("a record with an unknown nested field must not decode")
            return
        }
        #expect(failure.issues.contains { $0.name == "summary.deleted" && $0.code == ValidationCode.unknownField })
    }

    @Test func aRecordLaysMetadataAndContentSideBySide() throws {
        let record = Solution.created(Self.draft, id: Self.id, origin: Self.heerlen, at: Self.created)
        let text = String(decoding: try record.canonicalBytes(), as: UTF8.self)
        #expect(text == #"{"commonGroundLayer":"interaction","contact":{"email":"innovatie@heerlen.example","name":"Innovatieteam"},"#
            + #""createdAt":"2026-11-23T13:45:12.123Z","deleted":false,"developmentStatus":"pilot","#
            + #""id":"5f0c6d1e-8a4b-4c1e-9f3a-2b7d8e9f0a1b","license":"EUPL-1.2","#
            + #""name":{"en":"Heerlens Heitje","nl":"Heerlens Heitje"},"origin":"00000001000000917000","#
            + #""standards":["Common Ground"],"summary":{"en":"A coin."},"themes":["participation"],"#
            + #""updatedAt":"2026-11-23T13:45:12.123Z","version":1}"#)
    }

    @Test func bytesSurviveARoundTripUnchanged() throws {
        let record = Solution.created(Self.draft, id: Self.id, origin: Self.heerlen, at: Date(timeIntervalSince1970: 1_795_441_512.123456))
        let bytes = try record.canonicalBytes()
        let decoded = try Solution.decode(from: bytes).get()
        #expect(decoded == record)
        #expect(try decoded.canonicalBytes() == bytes)
        // The Codable path agrees with the strict reader.
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = RFC3339Timestamp.date(from: text) else { throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: text)) }
            return date
        }
        #expect(try decoder.decode(Solution.self, from: Data(bytes)) == record)
    }

    @Test func updatesCountVersionsAndTombstonesDropTheContent() throws {
        let first = Solution.created(Self.draft, id: Self.id, origin: Self.heerlen, at: Self.created)
        var changed = Self.draft
        changed.developmentStatus = .production
        let second = first.updated(with: changed, at: Self.created.addingTimeInterval(60))
        #expect(second.version == 2)
        #expect(second.metadata.createdAt == first.metadata.createdAt)
        let tombstone = second.deleted(at: Self.created.addingTimeInterval(120))
        #expect(tombstone.version == 3)
        #expect(tombstone.isDeleted && tombstone.content == nil)
        let text = String(decoding: try tombstone.canonicalBytes(), as: UTF8.self)
        #expect(text == #"{"createdAt":"2026-11-23T13:45:12.123Z","deleted":true,"id":"5f0c6d1e-8a4b-4c1e-9f3a-2b7d8e9f0a1b","#
            + #""origin":"00000001000000917000","updatedAt":"2026-11-23T13:47:12.123Z","version":3}"#)
        #expect(try Solution.decode(from: Array(text.utf8)).get() == tombstone)
    }

    @Test(arguments: [
        (#"{"version": 0}"#, ["version out-of-range"]),
        (#"{"updatedAt": "2026-11-23T13:45:12.122Z"}"#, ["updatedAt out-of-range"]),
        (#"{"origin": "0917"}"#, ["origin invalid"]),
        (#"{"deleted": "no"}"#, ["deleted invalid-type"]),
        (#"{"createdAt": "2026-11-23 13:45"}"#, ["createdAt invalid"]),
        (#"{"signature": "abc"}"#, ["signature unknown-field"]),
        (#"{"license": "Proprietary", "id": null}"#, ["id required", "license unknown-value"]),
        (#"{"deleted": true}"#, [
            "commonGroundLayer not-allowed", "contact not-allowed", "developmentStatus not-allowed", "license not-allowed",
            "name not-allowed", "standards not-allowed", "summary not-allowed", "themes not-allowed",
        ]),
    ])
    func storedRecordsAreReadStrictly(changes: String, expected: [String]) throws {
        let record = Solution.created(Self.draft, id: Self.id, origin: Self.heerlen, at: Self.created)
        guard case .object(var members) = try JSONParser.parse(try record.canonicalBytes()),
              case .object(let replacements) = try JSONParser.parse(Array(changes.utf8)) else { return }
        for (key, value) in replacements { members[key] = value == .null ? nil : value }
        guard case .failure(let failure) = Solution.decode(from: .object(members)) else {
            Issue.record("accepted \(changes)")
            return
        }
        #expect(failure.issues.map { "\($0.name) \($0.code)" }.sorted() == expected.sorted())
    }

    @Test func metadataRoundsDatesToMilliseconds() {
        let metadata = RecordMetadata(id: Self.id, origin: Self.heerlen, version: 1,
                                      createdAt: Date(timeIntervalSince1970: 1.0004), updatedAt: Date(timeIntervalSince1970: 1.0006))
        #expect(metadata.createdAt == RFC3339Timestamp.date(milliseconds: 1_000))
        #expect(metadata.updatedAt == RFC3339Timestamp.date(milliseconds: 1_001))
    }

    @Test func recordKindsMatchTheChangeLog() {
        #expect([SolutionDraft.recordKind, AdoptionDraft.recordKind, KnowledgeEntryDraft.recordKind]
            == ["solution", "adoption", "knowledge-entry"])
    }
}
