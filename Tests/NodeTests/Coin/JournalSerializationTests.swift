import Schemas
import Testing
@testable import Node

/// The exact bytes a journal hash covers. If any of these fail, old journals stop verifying:
/// the serialization must never change. The expected values were computed independently with
/// Python (`json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False)` and
/// hashlib), which is the RFC 8785 form for these value types.
@Suite("Journal serialization")
struct JournalSerializationTests {
    static let first = JournalEntry(
        sequence: 1, at: "2026-03-01T12:00:00.000Z", event: .createPosted, transferID: "8e03978e-40d5-43e8-bc93-6894a57f9324",
        code: .reward, debitAccount: "issuance", creditAccount: "resident:r-1", amountCents: 1250,
        reference: "Aambos \"park\"\n€ tab\t\u{01}", timeoutAt: nil)
    static let second = JournalEntry(
        sequence: 2, at: "2026-03-01T12:00:01.250Z", event: .createPending, transferID: "0b6f2d8e-0a43-4c55-9d3b-3a2f9f7d2a10",
        code: .payment, debitAccount: "resident:r-1", creditAccount: "merchant:m-7", amountCents: 300, reference: nil,
        timeoutAt: "2026-03-01T12:10:01.250Z")

    @Test func entryBytesArePinned() {
        let expected = #"{"amountCents":1250,"at":"2026-03-01T12:00:00.000Z","code":"reward","creditAccount":"resident:r-1","#
            + #""debitAccount":"issuance","event":"create-posted","reference":"Aambos \"park\"\n€ tab\t\u0001","sequence":1,"#
            + #""timeoutAt":null,"transferId":"8e03978e-40d5-43e8-bc93-6894a57f9324"}"#
        #expect(Self.first.canonicalBytes == Array(expected.utf8))
        let expectedSecond = #"{"amountCents":300,"at":"2026-03-01T12:00:01.250Z","code":"payment","creditAccount":"merchant:m-7","#
            + #""debitAccount":"resident:r-1","event":"create-pending","reference":null,"sequence":2,"#
            + #""timeoutAt":"2026-03-01T12:10:01.250Z","transferId":"0b6f2d8e-0a43-4c55-9d3b-3a2f9f7d2a10"}"#
        #expect(Self.second.canonicalBytes == Array(expectedSecond.utf8))
    }

    @Test func chainHashesArePinned() {
        let firstHash = Self.first.hash(after: JournalEntry.genesisHash)
        #expect(Digest.hex(firstHash) == "5958f8d3500a774dde9f2e9409c7e240bd90fb29b299e3aa1f9e709b032c7712")
        #expect(Digest.hex(Self.second.hash(after: firstHash)) == "cf753fd4689fd3728463275d3ca6ce6137e9a209aa694bcc95d62d11da56d1bc")
    }

    @Test(arguments: [
        ("\u{08}\u{0C}\u{1F}", #""\b\f\u001f""#),
        ("back\\slash /", #""back\\slash /""#),
        ("Zoë 💶", "\"Zoë 💶\""),
    ])
    func stringsAreEscapedAsJCS(text: String, expected: String) {
        var output: [UInt8] = []
        CanonicalJSONWriter.appendString(text, to: &output)
        #expect(output == Array(expected.utf8))
    }

    @Test func changingAnyFieldChangesTheHash() {
        let base = Self.second.hash(after: JournalEntry.genesisHash)
        let altered = JournalEntry(
            sequence: 2, at: Self.second.at, event: .createPending, transferID: Self.second.transferID, code: .payment,
            debitAccount: Self.second.debitAccount, creditAccount: Self.second.creditAccount, amountCents: 301, reference: nil,
            timeoutAt: Self.second.timeoutAt)
        #expect(altered.hash(after: JournalEntry.genesisHash) != base)
        #expect(Self.second.hash(after: Self.first.hash(after: JournalEntry.genesisHash)) != base)
    }
}
