import Testing
@testable import Node

/// Holder references and free text that look like personal data are refused, with a reason that
/// says what they look like; pseudonyms pass.
@Suite("Personal data refusal")
struct PersonalDataTests {
    @Test(arguments: [
        ("jan.jansen@example.nl", PersonalDataDetector.Finding.emailAddress),
        ("jan@heerlen", .emailAddress),
        ("111222333", .bsn),
        ("123456782", .bsn),
        ("10000008", .bsn),           // 010000008 with its leading zero dropped passes the eleven-test
        ("r-111222333", .bsn),
        ("0612345678", .phoneNumber),
        ("06-12345678", .phoneNumber),
        ("+31 6 12345678", .phoneNumber),
        ("+44 20 7946 0958", .phoneNumber),
        ("0031612345678", .phoneNumber),
        ("NL91ABNA0417164300", .iban),
        ("NL91 ABNA 0417 1643 00", .iban),
        ("Jan Jansen", .name),
        ("Marie de Vries", .name),
        ("jan.jansen", .name),
        ("Jan_Jansen", .name),
        ("maria-de-vries", .name),
        ("fatima.el-amrani", .name),
        ("PIETER.BAKKER.2", .name),
        ("1985-03-12", .dateOfBirth),
        ("12-03-1985", .dateOfBirth),
        ("6411AB", .postcode),
        ("6411 ab", .postcode),
    ])
    func refusedReferences(value: String, finding: PersonalDataDetector.Finding) {
        #expect(PersonalDataDetector.findInReference(value) == finding)
        #expect(HolderReference.problem(with: value) == finding.reason)
    }

    @Test(arguments: [
        "resident-hrl-001", "r-7f3a9c", "m-bakkerij-op-de-hei", "8e03978e-40d5-43e8-bc93-6894a57f9324", "123456789",
        "HRL.2026.x", "a", "merchant_42",
        // A given name alone, with a number after it, or inside a word, identifies no one.
        "jan", "anna-2", "jan.x", "dejan-7f3a", "bakkerij-jan-linders-x9", "bench-r1",
    ])
    func pseudonymsPass(value: String) {
        #expect(PersonalDataDetector.findInReference(value) == nil)
        #expect(HolderReference.problem(with: value) == nil)
    }

    @Test(arguments: ["", "-starts-with-dash", "has:colon", "slash/inside", "ümlaut", String(repeating: "x", count: 65)])
    func malformedReferences(value: String) {
        #expect(HolderReference.problem(with: value) != nil)
    }

    @Test(arguments: [
        ("paid by jan@example.nl", PersonalDataDetector.Finding.emailAddress as PersonalDataDetector.Finding?),
        ("BSN 111 222 333", .bsn),
        ("call 06 1234 5678", .phoneNumber),
        ("to NL91ABNA0417164300 please", .iban),
        ("invoice 2026-0042 for March", nil),
        ("Aambos park litter, 12 bags", nil),
    ])
    func freeText(text: String, finding: PersonalDataDetector.Finding?) {
        #expect(PersonalDataDetector.findInText(text) == finding)
    }

    @Test func elevenTest() {
        #expect(PersonalDataDetector.isBSN(Array([1, 1, 1, 2, 2, 2, 3, 3, 3])))
        #expect(!PersonalDataDetector.isBSN(Array([1, 1, 1, 2, 2, 2, 3, 3, 4])))
        #expect(!PersonalDataDetector.isBSN(Array(repeating: 0, count: 9)))
    }
}
