import Foundation
import Testing
@testable import Node

/// Tasks, claims and their decisions: approval pays once, capacity and period hold, decisions
/// are final, and staff's changes are in the audit trail.
@Suite("Scheme rules")
struct SchemeRulesTests {
    /// A task open on the fixture clock's day (2026-05-28).
    static func openTask(_ fixture: CoinFixture, reward: Int64 = 500, capacity: Int64 = 2) throws -> ParticipationTask {
        try fixture.service.createTask(title: "Clear litter from the Aambos park paths", description: "Bring gloves.", rewardCents: reward,
                                       capacity: capacity, periodStart: "2026-05-01", periodEnd: "2026-06-30", location: "Aambos, Heerlen",
                                       audit: CoinFixture.audit)
    }

    static func submit(_ fixture: CoinFixture, _ task: ParticipationTask, _ resident: String) throws -> Claim {
        try fixture.service.submitClaim(id: CoinFixture.uuid(), taskID: task.id, resident: resident, note: nil).claim
    }

    @Test("approval pays the reward from issuance exactly once")
    func approvalPaysOnce() throws {
        try CoinFixture.run { fixture in
            let task = try Self.openTask(fixture)
            let claim = try Self.submit(fixture, task, "resident-hrl-001")
            #expect(claim.status == .submitted)
            let approved = try fixture.service.approveClaim(claim.id, audit: CoinFixture.audit)
            #expect(approved.status == .approved)
            let transferID = try #require(approved.transferId)
            #expect(transferID == Claim.rewardTransferID(claimID: claim.id))
            #expect(try fixture.service.approveClaim(claim.id, audit: CoinFixture.audit) == approved)
            #expect(try fixture.balance(.resident("resident-hrl-001")) == 500)
            let reward = try fixture.service.transfer(transferID)
            #expect(reward.code == .reward && reward.debitAccount == "issuance" && reward.amountCents == 500)
            #expect(try fixture.service.task(task.id).approvedClaims == 1)
            let rejectAfterApproval = ledgerError { _ = try fixture.service.rejectClaim(claim.id, reason: nil, audit: CoinFixture.audit) }
            #expect(rejectAfterApproval == .claimDecided(id: claim.id, status: "approved"))
            #expect(try fixture.verify().problems == [])
        }
    }

    @Test("capacity holds: approvals beyond it are refused, and a full task takes no claims")
    func capacity() throws {
        try CoinFixture.run { fixture in
            let task = try Self.openTask(fixture, capacity: 2)
            let claims = try ["r-1", "r-2", "r-3"].map { try Self.submit(fixture, task, $0) }
            _ = try fixture.service.approveClaim(claims[0].id, audit: CoinFixture.audit)
            _ = try fixture.service.approveClaim(claims[1].id, audit: CoinFixture.audit)
            let full = ledgerError { _ = try fixture.service.approveClaim(claims[2].id, audit: CoinFixture.audit) }
            #expect(full == .taskFull(id: task.id, capacity: 2))
            #expect(try fixture.service.claim(claims[2].id).status == .submitted)
            #expect(ledgerError { _ = try Self.submit(fixture, task, "r-4") } == .taskNotOpen(id: task.id, reason: "all 2 places are taken"))
            #expect(try fixture.balance(.issuance) == -1000)
        }
    }

    @Test("claims are taken within the period, once per resident; rejections are final")
    func periodDuplicatesAndRejection() throws {
        try CoinFixture.run { fixture in
            let task = try Self.openTask(fixture)
            let claim = try Self.submit(fixture, task, "r-1")
            #expect(ledgerError { _ = try Self.submit(fixture, task, "r-1") } == .alreadyClaimed(taskID: task.id, resident: "r-1"))
            let rejected = try fixture.service.rejectClaim(claim.id, reason: "no photo of the result", audit: CoinFixture.audit)
            #expect(rejected.status == .rejected && rejected.rejectionReason == "no photo of the result")
            #expect(ledgerError { _ = try fixture.service.approveClaim(claim.id, audit: CoinFixture.audit) }
                == .claimDecided(id: claim.id, status: "rejected"))
            #expect(try fixture.service.rejectClaim(claim.id, reason: "again", audit: CoinFixture.audit) == rejected)

            let future = try fixture.service.createTask(title: "Later", description: "-", rewardCents: 100, capacity: 1,
                                                        periodStart: "2026-07-01", periodEnd: "2026-07-31", location: nil,
                                                        audit: CoinFixture.audit)
            #expect(ledgerError { _ = try Self.submit(fixture, future, "r-1") } == .taskNotOpen(id: future.id, reason: "its period starts on 2026-07-01"))
            #expect(ledgerError { _ = try fixture.service.submitClaim(id: CoinFixture.uuid(), taskID: CoinFixture.uuid(), resident: "r-1", note: nil) }?
                .problem.code == "unknown-task")
        }
    }

    @Test("a replayed claim submission answers as the first; other content under its id is refused")
    func claimIdempotency() throws {
        try CoinFixture.run { fixture in
            let task = try Self.openTask(fixture)
            let id = CoinFixture.uuid()
            let first = try fixture.service.submitClaim(id: id, taskID: task.id, resident: "r-1", note: "done")
            _ = try fixture.service.approveClaim(id, audit: CoinFixture.audit)
            #expect(try fixture.service.submitClaim(id: id, taskID: task.id, resident: "r-1", note: "done") == .replayed(first.claim))
            #expect(ledgerError { _ = try fixture.service.submitClaim(id: id, taskID: task.id, resident: "r-2", note: "done") }
                == .idempotencyConflict(id: id))
        }
    }

    @Test("approval respects the yearly budget, and the claim stays submitted")
    func budgetCapsApprovals() throws {
        try CoinFixture.run(budgetCents: 700) { fixture in
            let task = try Self.openTask(fixture, reward: 500)
            let first = try Self.submit(fixture, task, "r-1")
            let second = try Self.submit(fixture, task, "r-2")
            _ = try fixture.service.approveClaim(first.id, audit: CoinFixture.audit)
            #expect(ledgerError { _ = try fixture.service.approveClaim(second.id, audit: CoinFixture.audit) }?.problem.code == "budget-exhausted")
            #expect(try fixture.service.claim(second.id).status == .submitted)
            #expect(try fixture.service.task(task.id).approvedClaims == 1)
        }
    }

    @Test("tasks, merchants, claim decisions and the scheme are in the audit trail")
    func adminWritesAreAudited() throws {
        try CoinFixture.run { fixture in
            let task = try Self.openTask(fixture)
            let claim = try Self.submit(fixture, task, "r-1")
            _ = try fixture.service.approveClaim(claim.id, audit: AuditContext(actor: "apikey:staff", requestID: "req-1"))
            _ = try fixture.service.registerMerchant(id: "m-1", name: "Bakkerij", audit: CoinFixture.audit)
            _ = try fixture.service.updateMerchant(id: "m-1", name: nil, active: false, audit: CoinFixture.audit)
            let entries = try fixture.database.read { try AuditLog.page(in: $0, resource: nil, request: PageRequest(size: 100)) }.entries
            let actions = entries.reversed().map { "\($0.action) \($0.resource)" }
            #expect(actions == ["update coin-scheme", "create coin-task", "approve coin-claim", "create coin-merchant", "update coin-merchant"])
            let approval = try #require(entries.first { $0.action == "approve" })
            #expect(approval.actor == "apikey:staff" && approval.requestId == "req-1" && approval.resourceId == claim.id)
            #expect(approval.oldHash != nil && approval.newHash != nil && approval.oldHash != approval.newHash)
        }
    }
}
