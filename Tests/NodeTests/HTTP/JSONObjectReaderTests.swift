import Testing
@testable import Node

/// Strict field reading: what Foundation's bridging would let through (1.0 for 1, true for 1,
/// 1 for true) is refused with the field's name, and every bad field is listed at once.
@Suite("JSONObjectReader")
struct JSONObjectReaderTests {
    static func reader(_ json: String) throws -> JSONObjectReader {
        try JSONObjectReader(body: Array(json.utf8))
    }

    @Test(arguments: [
        (#"{"n":1250}"#, Int64(1250) as Int64?),
        (#"{"n":12.5}"#, nil), (#"{"n":12.0}"#, nil), (#"{"n":1e3}"#, nil), (#"{"n":true}"#, nil),
        (#"{"n":"12"}"#, nil), (#"{"n":0}"#, nil), (#"{"n":99999999999999999999}"#, nil),
        (#"{"n":18446744073709551615}"#, nil), (#"{"n":-5}"#, nil),
    ])
    func integers(json: String, expected: Int64?) throws {
        var reader = try Self.reader(json)
        #expect(reader.integer("n", required: true, in: 1...1_000_000) == expected)
        #expect(reader.issues.isEmpty == (expected != nil))
        #expect(reader.issues.allSatisfy { $0.name == "n" })
    }

    @Test(arguments: [(#"{"b":true}"#, true as Bool?), (#"{"b":false}"#, false), (#"{"b":1}"#, nil), (#"{"b":"true"}"#, nil)])
    func booleans(json: String, expected: Bool?) throws {
        var reader = try Self.reader(json)
        #expect(reader.boolean("b", required: true) == expected)
        #expect(reader.issues.isEmpty == (expected != nil))
    }

    @Test func everyBadFieldIsListed() throws {
        var reader = try Self.reader(#"{"amount":5,"code":7,"reference":"a\u0007b","extra":null}"#)
        _ = reader.integer("amountCents", required: true, in: 1...10)
        _ = reader.string("code", required: true, maxLength: 20)
        _ = reader.string("reference", required: false, maxLength: 20)
        _ = reader.string("note", required: false, maxLength: 20)
        reader.rejectUnknownFields()
        #expect(reader.issues.map(\.name) == ["amountCents", "code", "reference", "amount", "extra"])
        #expect(reader.issues.map(\.code) == ["required", "invalid-type", "invalid", "unknown-field", "unknown-field"])
        #expect(throws: Problem.self) { try reader.throwIfInvalid() }
    }

    @Test func nullIsNotAbsence() throws {
        var reader = try Self.reader(#"{"note":null,"amountCents":null}"#)
        #expect(reader.string("note", required: false, maxLength: 10) == nil)
        #expect(reader.integer("amountCents", required: true, in: 1...10) == nil)
        #expect(reader.issues.map(\.code) == ["invalid-type", "required"])
    }

    @Test func clearableStringsTellNullFromAbsence() throws {
        var reader = try Self.reader(#"{"location":null,"title":"Park","note":""}"#)
        #expect(reader.clearableString("location", maxLength: 10) == .some(nil))
        #expect(reader.clearableString("title", maxLength: 10) == .some("Park"))
        #expect(reader.clearableString("absent", maxLength: 10) == nil)
        #expect(reader.clearableString("note", maxLength: 10) == nil)
        reader.rejectUnknownFields()
        #expect(reader.issues.map(\.name) == ["note"])
    }

    @Test func refusedFieldsGiveTheirReasonNotUnknown() throws {
        var reader = try Self.reader(#"{"rewardCents":5,"colour":"red"}"#)
        reader.refuse("rewardCents", code: "read-only", reason: "is fixed")
        reader.refuse("absent", code: "read-only", reason: "is fixed")
        _ = reader.string("title", required: false, maxLength: 10)
        reader.rejectUnknownFields()
        #expect(reader.issues.map(\.code) == ["read-only", "unknown-field"])
        #expect(reader.issues.last?.reason == "unknown field; known: title")
    }

    @Test(arguments: ["", "[1]", "{", "\"text\"", "{\"a\":1}x"])
    func bodiesThatAreNotOneObjectAre400(body: String) {
        let problem = #expect(throws: Problem.self) { try Self.reader(body) }
        #expect(problem?.status == .badRequest)
    }
}
