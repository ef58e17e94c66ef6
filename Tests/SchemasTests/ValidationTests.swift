import Foundation
import Testing
@testable import Schemas

/// Builds a draft body from a valid base: `changes` is a JSON object whose members replace the
/// base's (a `null` member removes the field).
private func body(_ base: String, _ changes: String) throws -> JSONValue {
    guard case .object(var members) = try JSONParser.parse(Array(base.utf8)),
          case .object(let replacements) = try JSONParser.parse(Array(changes.utf8)) else {
        throw ValidationFailure(issues: [])
    }
    for (key, value) in replacements {
        members[key] = value == .null ? nil : value
    }
    return .object(members)
}

private func issues<T: RecordContent>(_ type: T.Type, _ json: JSONValue) -> [String] {
    switch T.decodeDraft(from: json) {
    case .success: []
    case .failure(let failure): failure.issues.map { "\($0.name) \($0.code)" }
    }
}

private let longName = String(repeating: "a", count: SchemaLimits.maxNameLength + 1)
private let longSummary = String(repeating: "b", count: SchemaLimits.maxSummaryLength + 1)
private let longDescription = String(repeating: "c", count: SchemaLimits.maxDescriptionLength + 1)
private let longBody = String(repeating: "d", count: SchemaLimits.maxBodyLength + 1)
private let longURL = "https://example.nl/" + String(repeating: "e", count: SchemaLimits.maxURLLength)
private let manyThemes = "[" + (0...SchemaLimits.maxThemeCount).map { "\"theme-\($0)\"" }.joined(separator: ",") + "]"
private let manyIds = "[" + (0...SchemaLimits.maxLinkedSolutionCount).map { _ in "\"\(UUID().uuidString)\"" }.joined(separator: ",") + "]"
private let manyPartners = "[" + (0...SchemaLimits.maxPartnerCount).map { "{\"name\":\"p\($0)\"}" }.joined(separator: ",") + "]"

@Suite struct SolutionValidationTests {
    static let valid = #"""
        {"name": {"nl": "Meldingen openbare ruimte", "en": "Public space reports"},
         "summary": {"en": "Residents report problems in public space."},
         "description": {"nl": "Een lange beschrijving.\nMet regels."},
         "url": "https://signalen.org/", "repository": "https://github.com/Amsterdam/signals-frontend",
         "license": "EUPL-1.2 OR (MIT AND Apache-2.0)", "developmentStatus": "production", "commonGroundLayer": "interaction",
         "themes": ["public-space", "participation"], "standards": ["Common Ground", "NL GOV API Design Rules"],
         "contact": {"name": "Team Signalen", "email": "signalen@amsterdam.example", "phone": "+31 20 123 4567"},
         "organisation": {"oin": "00000001000000917000", "name": "Gemeente Heerlen"}}
        """#

    @Test func aCompleteDraftIsValid() throws {
        let draft = try SolutionDraft.decodeDraft(from: body(Self.valid, "{}")).get()
        #expect(draft.name.nl == "Meldingen openbare ruimte")
        #expect(draft.developmentStatus == .production)
        #expect(draft.themes == ["public-space", "participation"])
        #expect(draft.validate() == [])
    }

    @Test func onlyTheRequiredFieldsAreNeeded() throws {
        let minimal = #"{"name": "Tool", "summary": "Does things.", "license": "MIT", "developmentStatus": "concept"}"#
        let draft = try SolutionDraft.decodeDraft(from: Array(minimal.utf8)).get()
        #expect(draft == SolutionDraft(name: LocalizedText(en: "Tool"), summary: LocalizedText(en: "Does things."),
                                       license: "MIT", developmentStatus: .concept))
    }

    /// One failing case per rule; each must produce exactly its own issue.
    @Test(arguments: [
        (#"{"name": null}"#, "name required"),
        (#"{"name": {}}"#, "name required"),
        (#"{"name": 12}"#, "name invalid-type"),
        (#"{"name": {"nl": "  "}}"#, "name.nl required"),
        (#"{"name": {"en": "\#(longName)"}}"#, "name.en too-long"),
        (#"{"name": {"en": "two\nlines"}}"#, "name.en invalid"),
        (#"{"name": {"en": "x", "de": "y"}}"#, "name.de unknown-field"),
        (#"{"name": {"en": ["x"]}}"#, "name.en invalid-type"),
        (#"{"summary": null}"#, "summary required"),
        (#"{"summary": "\#(longSummary)"}"#, "summary too-long"),
        (#"{"description": {"nl": "\#(longDescription)"}}"#, "description.nl too-long"),
        (#"{"description": {"nl": "bell \u0007"}}"#, "description.nl invalid"),
        (#"{"url": "http://signalen.org/"}"#, "url invalid"),
        (#"{"url": "https://signalen.org/a b"}"#, "url invalid"),
        (#"{"url": "https://user:pw@signalen.org/"}"#, "url invalid"),
        (#"{"url": "https://signalen.org:99999/"}"#, "url invalid"),
        (#"{"url": "https://-bad-.org/"}"#, "url invalid"),
        (#"{"url": "\#(longURL)"}"#, "url too-long"),
        (#"{"repository": "github.com/Amsterdam/signals"}"#, "repository invalid"),
        (#"{"license": null}"#, "license required"),
        (#"{"license": "Proprietary"}"#, "license unknown-value"),
        (#"{"license": "mit"}"#, "license unknown-value"),
        (#"{"license": "MIT OR"}"#, "license invalid"),
        (#"{"license": "GPL-2.0-or-later WITH Classpath-exception-2.0"}"#, "license invalid"),
        (#"{"license": "(MIT"}"#, "license invalid"),
        (#"{"developmentStatus": "alpha"}"#, "developmentStatus unknown-value"),
        (#"{"developmentStatus": 3}"#, "developmentStatus invalid-type"),
        (#"{"commonGroundLayer": "presentation"}"#, "commonGroundLayer unknown-value"),
        (#"{"themes": "sensors"}"#, "themes invalid-type"),
        (#"{"themes": ["sensors", "Air Quality"]}"#, "themes.1 invalid"),
        (#"{"themes": ["sensors", "noise", "sensors"]}"#, "themes.2 duplicate"),
        (#"{"themes": \#(manyThemes)}"#, "themes too-many"),
        (#"{"themes": [7]}"#, "themes.0 invalid-type"),
        (#"{"themes": ["a-very-long-theme-that-goes-on-and-on-and-on-beyond-fifty"]}"#, "themes.0 too-long"),
        (#"{"standards": [""]}"#, "standards.0 required"),
        (#"{"standards": ["Common Ground", "Common Ground"]}"#, "standards.1 duplicate"),
        (#"{"contact": {"email": "a@b.nl"}}"#, "contact.name required"),
        (#"{"contact": {"name": "A", "email": "not-an-address"}}"#, "contact.email invalid"),
        (#"{"contact": {"name": "A", "phone": "call us"}}"#, "contact.phone invalid"),
        (#"{"contact": {"name": "A", "fax": "0201234567"}}"#, "contact.fax unknown-field"),
        (#"{"contact": "Team Signalen"}"#, "contact invalid-type"),
        (#"{"organisation": {"oin": "123"}}"#, "organisation.oin invalid"),
        (#"{"organisation": {"oin": 1000000917000}}"#, "organisation.oin invalid-type"),
        (#"{"colour": "blue"}"#, "colour unknown-field"),
    ])
    func eachRuleReportsItsField(changes: String, expected: String) throws {
        #expect(issues(SolutionDraft.self, try body(Self.valid, changes)) == [expected])
    }

    @Test func everyProblemIsReportedAtOnce() throws {
        let json = try body(Self.valid, #"""
            {"name": null, "summary": {"nl": ""}, "url": "ftp://x", "license": "Proprietary", "developmentStatus": 1,
             "themes": ["ok", "Not-OK", "ok"], "contact": {"name": "A", "email": "x"}, "organisation": {"oin": "1"},
             "extra": true}
            """#)
        #expect(issues(SolutionDraft.self, json) == [
            "extra unknown-field", "name required", "summary.nl required", "url invalid", "license unknown-value",
            "developmentStatus invalid-type", "themes.1 invalid", "themes.2 duplicate", "contact.email invalid",
            "organisation.oin invalid",
        ])
    }

    @Test func validateAppliesTheSameRulesToAValueBuiltInSwift() {
        var draft = SolutionDraft(name: LocalizedText(), summary: LocalizedText(nl: "Goed."), license: "MIT AND",
                                  developmentStatus: .pilot, themes: ["ok", "ok"])
        draft.contact = Contact(name: "A", email: "a@@b")
        #expect(draft.validate().map { "\($0.name) \($0.code)" } == [
            "name required", "license invalid", "themes.1 duplicate", "contact.email invalid",
        ])
        draft.name = LocalizedText(nl: "Naam")
        draft.license = "MIT"
        draft.themes = ["ok"]
        draft.contact = nil
        #expect(draft.validate() == [])
    }

    @Test func readOnlyMetadataInABodyIsIgnored() throws {
        let json = try body(Self.valid, #"""
            {"id": "5f0c6d1e-8a4b-4c1e-9f3a-2b7d8e9f0a1b", "origin": "00000001000000917000", "version": 3,
             "createdAt": "2026-01-01T00:00:00.000Z", "updatedAt": "2026-01-02T00:00:00.000Z", "deleted": false}
            """#)
        #expect(issues(SolutionDraft.self, json) == [])
    }

    @Test func aBareStringIsEnglishText() throws {
        let draft = try SolutionDraft.decodeDraft(from: body(Self.valid, #"{"name": "Signalen", "summary": "Reports."}"#)).get()
        #expect(draft.name == LocalizedText(en: "Signalen"))
        #expect(draft.summary == LocalizedText(en: "Reports."))
        let bytes = String(decoding: try CanonicalJSON.encode(draft.name), as: UTF8.self)
        #expect(bytes == #"{"en":"Signalen"}"#)
    }

    /// ASCII text is counted and checked byte by byte, other text scalar by scalar: both must
    /// give the same answers at the length limit and for control characters.
    @Test(arguments: [
        (String(repeating: "a", count: SchemaLimits.maxNameLength), nil),
        (String(repeating: "é", count: SchemaLimits.maxNameLength), nil),
        (String(repeating: "a", count: SchemaLimits.maxNameLength + 1), "name.en too-long"),
        (String(repeating: "é", count: SchemaLimits.maxNameLength + 1), "name.en too-long"),
        ("tab\tinside", "name.en invalid"),
        ("café\u{07}", "name.en invalid"),
        ("delete \u{7F}", "name.en invalid"),
        ("zwei\u{2028}Zeilen", "name.en invalid"),
        ("C1 \u{85} control", "name.en invalid"),
    ] as [(String, String?)])
    func textLimitsHoldForASCIIAndOtherText(name: String, expected: String?) throws {
        let escaped = String(decoding: try CanonicalJSON.encode(JSONValue.string(name)), as: UTF8.self)
        #expect(issues(SolutionDraft.self, try body(Self.valid, "{\"name\": {\"en\": \(escaped)}}")) == (expected.map { [$0] } ?? []))
    }

    @Test func textIsNormalizedToNFC() throws {
        let draft = try SolutionDraft.decodeDraft(from: body(Self.valid, "{\"name\": {\"nl\": \"Caf\\u0065\\u0301\"}}")).get()
        #expect(draft.name.nl?.unicodeScalars.map(\.value) == [0x43, 0x61, 0x66, 0xE9])
    }

    @Test(arguments: [
        ("{", "body invalid-json", "line 1, column 2: expected a string key"),
        ("[]", "body invalid-type", "expected an object, found an array"),
        ("{\"name\": \"a\",\n \"name\": \"b\"}", "body invalid-json", "line 2, column 2: duplicate key \"name\""),
    ])
    func aBodyThatIsNotAnObjectIsOneIssue(text: String, expected: String, reason: String) {
        guard case .failure(let failure) = SolutionDraft.decodeDraft(from: Array(text.utf8)) else {
            Issue.record("accepted \(text)")
            return
        }
        #expect(failure.issues.map { "\($0.name) \($0.code)" } == [expected])
        #expect(failure.issues.first?.reason == reason)
    }

    /// Found by the draft-decoder fuzz target: an empty key gave an issue with an empty name.
    @Test func anEmptyKeyIsNamedVisibly() {
        let input = #"{"creatddAt":"2026-026-1{-23T","dnullelet":"","":33}"#
        guard case .failure(let failure) = SolutionDraft.decodeDraft(from: Array(input.utf8)) else {
            Issue.record("accepted")
            return
        }
        #expect(failure.issues.allSatisfy { !$0.name.isEmpty })
        #expect(failure.issues.prefix(3).map { "\($0.name) \($0.code)" } == [
            "\"\" unknown-field", "creatddAt unknown-field", "dnullelet unknown-field",
        ])
    }

    @Test func aHostileBodyGetsABoundedList() throws {
        let members = (0..<1_000).map { "\"unknown\($0)\": 1" }.joined(separator: ",")
        guard case .failure(let failure) = SolutionDraft.decodeDraft(from: Array("{\(members)}".utf8)) else {
            Issue.record("accepted")
            return
        }
        #expect(failure.issues.count == SchemaLimits.maxIssueCount)
    }

    @Test func licenseSuggestionsNameTheRightSpelling() throws {
        guard case .failure(let failure) = SolutionDraft.decodeDraft(from: try body(Self.valid, #"{"license": "eupl-1.2"}"#)) else {
            Issue.record("accepted")
            return
        }
        #expect(failure.issues.first?.reason == "\"eupl-1.2\" is not a known SPDX license id (did you mean EUPL-1.2?)")
    }

    @Test(arguments: ["MIT", "EUPL-1.2", "MIT OR Apache-2.0", "GPL-3.0-or-later AND CC-BY-4.0", "(MIT OR ISC) AND CC0-1.0",
                      "((MIT))", "AGPL-3.0", "LGPL-2.1-only OR LGPL-3.0-or-later"])
    func acceptsLicenseExpressions(expression: String) {
        #expect(SPDXLicense.problem(in: expression) == nil)
    }

    @Test func developmentStatusKeepsItsOwnValuesAndMapsToPubliccode() {
        #expect(DevelopmentStatus.allCases.map(\.rawValue) == ["concept", "development", "pilot", "beta", "stable", "production", "obsolete"])
        #expect(DevelopmentStatus.allCases.map(\.publiccodeValue) == ["concept", "development", "beta", "beta", "stable", "stable", "obsolete"])
    }
}

@Suite struct AdoptionValidationTests {
    static let valid = #"""
        {"solutionId": "5f0c6d1e-8a4b-4c1e-9f3a-2b7d8e9f0a1b", "solutionOrigin": "00000001000000917000",
         "municipality": {"oin": "00000001000000637000", "name": "Zoetermeer", "cbsCode": "0637"},
         "since": "2026-03-01", "status": "in-production", "notes": "Live in two districts.\nMore follow."}
        """#

    @Test func aCompleteDraftIsValid() throws {
        let draft = try AdoptionDraft.decodeDraft(from: body(Self.valid, "{}")).get()
        #expect(draft.status == .inProduction)
        #expect(draft.municipality.cbsCode == CBSCode("0637"))
        #expect(draft.since == CalendarDate(year: 2026, month: 3, day: 1))
        #expect(draft.validate() == [])
    }

    @Test(arguments: [
        (#"{"solutionId": null}"#, "solutionId required"),
        (#"{"solutionId": "not-a-uuid"}"#, "solutionId invalid"),
        (#"{"solutionOrigin": "0917"}"#, "solutionOrigin invalid"),
        (#"{"municipality": null}"#, "municipality required"),
        (#"{"municipality": {"name": "Zoetermeer"}}"#, "municipality.oin required"),
        (#"{"municipality": {"oin": "00000001000000637000", "cbsCode": "637"}}"#, "municipality.cbsCode invalid"),
        (#"{"municipality": {"oin": "00000001000000637000", "name": "\#(longName)"}}"#, "municipality.name too-long"),
        (#"{"since": "2026-02-30"}"#, "since invalid"),
        (#"{"since": "01-03-2026"}"#, "since invalid"),
        (#"{"status": "production"}"#, "status unknown-value"),
        (#"{"status": null}"#, "status required"),
        (#"{"notes": "\#(String(repeating: "n", count: SchemaLimits.maxNotesLength + 1))"}"#, "notes too-long"),
        (#"{"notes": "nul \u0000"}"#, "notes invalid"),
        (#"{"adopter": "0637"}"#, "adopter unknown-field"),
    ])
    func eachRuleReportsItsField(changes: String, expected: String) throws {
        #expect(issues(AdoptionDraft.self, try body(Self.valid, changes)) == [expected])
    }

    @Test func statusValuesAreKebabCase() {
        #expect(AdoptionStatus.allCases.map(\.rawValue) == ["considering", "piloting", "in-production", "stopped"])
    }
}

@Suite struct KnowledgeEntryValidationTests {
    static let valid = #"""
        {"kind": "funding-scheme", "title": "EU Urban Innovative Actions", "summary": "EU funding for urban pilots.",
         "body": "EU programme funding innovative urban projects.", "language": "en", "themes": ["funding", "eu"],
         "solutionIds": ["5f0c6d1e-8a4b-4c1e-9f3a-2b7d8e9f0a1b"],
         "partners": [{"name": "Gemeente Heerlen", "oin": "00000001000000917000"}, {"name": "Maastricht University"}],
         "funding": {"funder": "European Union (ERDF)", "programme": "Urban Innovative Actions", "maxAmountCents": 500000000,
                     "ownContributionPercent": 20, "opensOn": "2026-01-15", "deadline": "2026-03-31"}}
        """#

    @Test func aCompleteDraftIsValid() throws {
        let draft = try KnowledgeEntryDraft.decodeDraft(from: body(Self.valid, "{}")).get()
        #expect(draft.funding?.maxAmountCents == 500_000_000)
        #expect(draft.partners.count == 2)
        #expect(draft.validate() == [])
    }

    @Test(arguments: [
        (#"{"kind": "anecdote"}"#, "kind unknown-value"),
        (#"{"title": null}"#, "title required"),
        (#"{"title": "\#(longName)"}"#, "title too-long"),
        (#"{"summary": "\#(longSummary)"}"#, "summary too-long"),
        (#"{"body": null}"#, "body required"),
        (#"{"body": "\#(longBody)"}"#, "body too-long"),
        (#"{"language": "de"}"#, "language unknown-value"),
        (#"{"themes": ["EU"]}"#, "themes.0 invalid"),
        (#"{"solutionIds": ["x"]}"#, "solutionIds.0 invalid"),
        (#"{"solutionIds": ["5f0c6d1e-8a4b-4c1e-9f3a-2b7d8e9f0a1b", "5F0C6D1E-8A4B-4C1E-9F3A-2B7D8E9F0A1B"]}"#, "solutionIds.1 duplicate"),
        (#"{"solutionIds": \#(manyIds)}"#, "solutionIds too-many"),
        (#"{"partners": [{"oin": "00000001000000917000"}]}"#, "partners.0.name required"),
        (#"{"partners": [{"name": "A"}, {"name": "B", "oin": "917"}]}"#, "partners.1.oin invalid"),
        (#"{"partners": \#(manyPartners)}"#, "partners too-many"),
        (#"{"funding": null}"#, "funding required"),
        (#"{"kind": "lesson-learned"}"#, "funding not-allowed"),
        (#"{"funding": {"programme": "P", "maxAmountCents": 1, "ownContributionPercent": 0}}"#, "funding.funder required"),
        (#"{"funding": {"funder": "F", "programme": "P", "maxAmountCents": 0, "ownContributionPercent": 0}}"#, "funding.maxAmountCents out-of-range"),
        (#"{"funding": {"funder": "F", "programme": "P", "maxAmountCents": 2500.5, "ownContributionPercent": 0}}"#, "funding.maxAmountCents invalid-type"),
        (#"{"funding": {"funder": "F", "programme": "P", "maxAmountCents": "2500", "ownContributionPercent": 0}}"#, "funding.maxAmountCents invalid-type"),
        (#"{"funding": {"funder": "F", "programme": "P", "maxAmountCents": 9007199254740992, "ownContributionPercent": 0}}"#, "funding.maxAmountCents out-of-range"),
        (#"{"funding": {"funder": "F", "programme": "P", "maxAmountCents": 1, "ownContributionPercent": 101}}"#, "funding.ownContributionPercent out-of-range"),
        (#"{"funding": {"funder": "F", "programme": "P", "maxAmountCents": 1, "ownContributionPercent": -1}}"#, "funding.ownContributionPercent out-of-range"),
        (#"{"funding": {"funder": "F", "programme": "P", "maxAmountCents": 1, "ownContributionPercent": 0, "opensOn": "2026-04-01", "deadline": "2026-03-31"}}"#, "funding.deadline out-of-range"),
        (#"{"funding": {"funder": "F", "programme": "P", "maxAmountCents": 1, "ownContributionPercent": 0, "opensOn": "2026-02-29"}}"#, "funding.opensOn invalid"),
        (#"{"funding": {"funder": "F", "programme": "P", "maxAmountCents": 1, "ownContributionPercent": 0, "currency": "EUR"}}"#, "funding.currency unknown-field"),
    ])
    func eachRuleReportsItsField(changes: String, expected: String) throws {
        #expect(issues(KnowledgeEntryDraft.self, try body(Self.valid, changes)) == [expected])
    }

    @Test func aWholeNumberWrittenWithAFractionIsAnInteger() throws {
        let json = try body(Self.valid, #"{"funding": {"funder": "F", "programme": "P", "maxAmountCents": 2.5e3, "ownContributionPercent": 20.0}}"#)
        #expect(try KnowledgeEntryDraft.decodeDraft(from: json).get().funding?.maxAmountCents == 2_500)
    }

    @Test func validateReportsAnAmountBeyondTheSafeRange() {
        let draft = KnowledgeEntryDraft(
            kind: .fundingScheme, title: "T", body: "B", language: .nl,
            funding: Funding(funder: "F", programme: "P", maxAmountCents: Int.max, ownContributionPercent: 150))
        #expect(draft.validate().map { "\($0.name) \($0.code)" } == [
            "funding.maxAmountCents out-of-range", "funding.ownContributionPercent out-of-range",
        ])
    }

    @Test(arguments: [
        ("2026-01-14", false), ("2026-01-15", true), ("2026-02-20", true), ("2026-03-31", true), ("2026-04-01", false),
    ])
    func aSchemeIsOpenFromItsOpeningThroughItsDeadline(day: String, isOpen: Bool) throws {
        let funding = Funding(funder: "F", programme: "P", maxAmountCents: 1, ownContributionPercent: 0,
                              opensOn: CalendarDate("2026-01-15"), deadline: CalendarDate("2026-03-31"))
        #expect(funding.isOpen(on: try #require(CalendarDate(day))) == isOpen)
        let rolling = Funding(funder: "F", programme: "P", maxAmountCents: 1, ownContributionPercent: 0)
        #expect(rolling.isOpen(on: try #require(CalendarDate(day))))
    }
}
