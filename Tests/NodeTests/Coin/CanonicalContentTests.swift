import Testing
@testable import Node

/// The exact bytes behind the audit trail's content hashes and the idempotency fingerprints. A
/// stored fingerprint that no longer matches turns every replay of an old request into a
/// conflict, so these bytes must never change. The expected JSON is written out by hand: sorted
/// keys, no whitespace, `null` for an absent value, JCS escapes.
@Suite("Canonical content")
struct CanonicalContentTests {
    @Test func claimAuditContentIsPinned() {
        let claim = Claim(id: "c-1", taskId: "t-1", resident: "r-\"1\"", note: "not hashed", status: .rejected,
                          submittedAt: "2026-05-28T10:00:00.000Z", decidedAt: "2026-05-28T11:00:00.000Z",
                          rejectionReason: "te laat\n", transferId: nil, requestHash: [])
        let expected = #"{"id":"c-1","rejectionReason":"te laat\n","resident":"r-\"1\"","status":"rejected","taskId":"t-1","#
            + #""transferId":null}"#
        #expect(String(decoding: claim.auditContent, as: UTF8.self) == expected)
    }

    @Test func merchantAuditContentIsPinned() {
        let merchant = Merchant(id: "m-7", name: "Café \\ Zoë", active: false, createdAt: "2026-05-28T10:00:00.000Z",
                                updatedAt: "2026-05-28T10:00:00.000Z")
        #expect(String(decoding: merchant.auditContent, as: UTF8.self) == #"{"active":false,"id":"m-7","name":"Café \\ Zoë"}"#)
    }

    @Test func taskAuditContentIsPinned() {
        let task = ParticipationTask(id: "t-1", title: "Aambos", description: "Bring\tgloves.", rewardCents: 500, capacity: 20,
                                     approvedClaims: 3, periodStart: "2026-05-01", periodEnd: "2026-06-30", location: nil,
                                     createdAt: "2026-05-28T10:00:00.000Z")
        let expected = #"{"capacity":20,"description":"Bring\tgloves.","id":"t-1","location":null,"periodEnd":"2026-06-30","#
            + #""periodStart":"2026-05-01","rewardCents":500,"title":"Aambos"}"#
        #expect(String(decoding: task.auditContent, as: UTF8.self) == expected)
    }

    @Test func schemeAuditContentIsPinned() {
        let scheme = CoinScheme(code: "HEITJE", name: "Heerlens Heitje", yearlyIssuanceBudgetCents: -1,
                                updatedAt: "2026-05-28T10:00:00.000Z")
        #expect(String(decoding: scheme.auditContent, as: UTF8.self)
            == #"{"code":"HEITJE","name":"Heerlens Heitje","yearlyIssuanceBudgetCents":-1}"#)
    }

    @Test func transferFingerprintIsPinned() {
        let pending = TransferRequest(id: "8e03978e-40d5-43e8-bc93-6894a57f9324", debit: .resident("r-1"), credit: .merchant("m-7"),
                                      amountCents: 300, code: .payment, reference: "koffie \u{01}", pendingTimeoutSeconds: 600,
                                      operation: "payments")
        let expectedPending = #"{"amountCents":300,"code":"payment","creditAccount":"merchant:m-7","debitAccount":"resident:r-1","#
            + #""id":"8e03978e-40d5-43e8-bc93-6894a57f9324","operation":"payments","pendingTimeoutSeconds":600,"#
            + #""reference":"koffie \u0001"}"#
        #expect(pending.fingerprint == Digest.sha256(Array(expectedPending.utf8)))
        let posted = TransferRequest(id: "0b6f2d8e-0a43-4c55-9d3b-3a2f9f7d2a10", debit: .issuance, credit: .resident("r-1"),
                                     amountCents: 1, code: .reward, reference: nil, pendingTimeoutSeconds: nil, operation: "transfers")
        let expectedPosted = #"{"amountCents":1,"code":"reward","creditAccount":"resident:r-1","debitAccount":"issuance","#
            + #""id":"0b6f2d8e-0a43-4c55-9d3b-3a2f9f7d2a10","operation":"transfers","pendingTimeoutSeconds":null,"reference":null}"#
        #expect(posted.fingerprint == Digest.sha256(Array(expectedPosted.utf8)))
    }

    @Test func claimFingerprintIsPinned() throws {
        try CoinFixture.run { fixture in
            let task = try SchemeRulesTests.openTask(fixture)
            let withNote = try fixture.service.submitClaim(id: CoinFixture.uuid(), taskID: task.id, resident: "r-1",
                                                           note: "\"klaar\" €").claim
            let expectedWithNote = #"{"note":"\"klaar\" €","resident":"r-1","taskId":""# + task.id + #""}"#
            #expect(withNote.requestHash == Digest.sha256(Array(expectedWithNote.utf8)))
            let withoutNote = try fixture.service.submitClaim(id: CoinFixture.uuid(), taskID: task.id, resident: "r-2", note: nil).claim
            let expectedWithoutNote = #"{"note":null,"resident":"r-2","taskId":""# + task.id + #""}"#
            #expect(withoutNote.requestHash == Digest.sha256(Array(expectedWithoutNote.utf8)))
        }
    }
}
