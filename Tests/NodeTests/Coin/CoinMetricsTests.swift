import Dispatch
import Foundation
import Synchronization
import Testing
@testable import Node

extension CoinFixture {
    /// The value of one sample as `/metrics` renders it, e.g.
    /// `knooppunt_coin_transfers_total{code="payment",outcome="created"}`; nil when it is absent.
    func metric(_ sample: String) -> Int? {
        metrics.render().split(separator: "\n").first { $0.hasPrefix(sample + " ") }.flatMap { Int($0.dropFirst(sample.count + 1)) }
    }

    func transfers(_ code: TransferCode, _ outcome: String) -> Int? {
        metric("knooppunt_coin_transfers_total{code=\"\(code.rawValue)\",outcome=\"\(outcome)\"}")
    }

    func moved(_ code: TransferCode) -> Int? {
        metric("knooppunt_coin_moved_cents_total{code=\"\(code.rawValue)\"}")
    }

    func resolved(_ state: String) -> Int? {
        metric("knooppunt_coin_transfers_resolved_total{state=\"\(state)\"}")
    }
}

/// The ledger's metrics after real transfers through `CoinService` on a real database: what is
/// counted, and that it is counted once, after the write returned.
@Suite("Coin metrics")
struct CoinMetricsTests {
    @Test("every series reads zero before the first transfer")
    func seriesStartAtZero() throws {
        try CoinFixture.run { fixture in
            for code in TransferCode.allCases {
                for outcome in ["created", "replayed", "refused"] {
                    #expect(fixture.transfers(code, outcome) == 0, "\(code) \(outcome)")
                }
                #expect(fixture.moved(code) == 0, "\(code)")
            }
            for state in ["posted", "voided", "expired"] {
                #expect(fixture.resolved(state) == 0, "\(state)")
            }
        }
    }

    @Test("creations count by code and outcome: created, replayed with the same id, refused by the ledger")
    func creationOutcomes() throws {
        try CoinFixture.run { fixture in
            let rewardID = CoinFixture.uuid()
            try fixture.transfer(.issuance, .resident("r-1"), 1000, code: .reward, id: rewardID)
            try fixture.transfer(.issuance, .resident("r-1"), 1000, code: .reward, id: rewardID)
            #expect(ledgerError { try fixture.transfer(.issuance, .resident("r-1"), 999, code: .reward, id: rewardID) }
                == .idempotencyConflict(id: rewardID))
            #expect(fixture.transfers(.reward, "created") == 1)
            #expect(fixture.transfers(.reward, "replayed") == 1)
            #expect(fixture.transfers(.reward, "refused") == 1)
            #expect(fixture.moved(.reward) == 1000, "a replay moves nothing")

            _ = try fixture.service.registerMerchant(id: "m-1", name: "Bakkerij Op de Hei", audit: CoinFixture.audit)
            #expect(ledgerError { try fixture.transfer(.resident("r-1"), .merchant("m-1"), 1001, code: .payment) }
                == .insufficientFunds(account: "resident:r-1", availableCents: 1000, amountCents: 1001))
            #expect(ledgerError { try fixture.transfer(.resident("r-1"), .merchant("ghost"), 5, code: .payment) }
                == .unknownMerchant(id: "ghost", field: "creditAccount"))
            try fixture.transfer(.resident("r-1"), .merchant("m-1"), 400, code: .payment)
            try fixture.transfer(.merchant("m-1"), .treasury, 150, code: .redemption, reference: "FIN-1")
            #expect(fixture.transfers(.payment, "created") == 1)
            #expect(fixture.transfers(.payment, "refused") == 2)
            #expect(fixture.transfers(.payment, "replayed") == 0)
            #expect(fixture.moved(.payment) == 400)
            #expect(fixture.transfers(.redemption, "created") == 1)
            #expect(fixture.moved(.redemption) == 150)
            #expect(fixture.transfers(.correction, "created") == 0 && fixture.moved(.correction) == 0)
        }
    }

    @Test("posting, voiding and expiry count once each; a pending transfer moves cents only when posted")
    func resolutions() throws {
        try CoinFixture.run { fixture in
            try fixture.reward("r-1", 1000)
            _ = try fixture.service.registerMerchant(id: "m-1", name: "Fietsenmaker", audit: CoinFixture.audit)
            let held = try fixture.transfer(.resident("r-1"), .merchant("m-1"), 300, code: .payment, pendingSeconds: 60)
            #expect(fixture.transfers(.payment, "created") == 1)
            #expect(fixture.moved(.payment) == 0, "a reservation moves nothing yet")
            _ = try fixture.service.postTransfer(held.id)
            _ = try fixture.service.postTransfer(held.id)
            #expect(fixture.resolved("posted") == 1, "a repeated post answers as the first and counts nothing")
            #expect(fixture.moved(.payment) == 300)

            let cancelled = try fixture.transfer(.resident("r-1"), .merchant("m-1"), 100, code: .payment, pendingSeconds: 60)
            _ = try fixture.service.voidTransfer(cancelled.id)
            _ = try fixture.service.voidTransfer(cancelled.id)
            #expect(fixture.resolved("voided") == 1)

            try fixture.transfer(.resident("r-1"), .merchant("m-1"), 50, code: .payment, pendingSeconds: 30)
            fixture.clock.advance(seconds: 31)
            #expect(try fixture.service.expireDueTransfers() == 1)
            #expect(fixture.resolved("expired") == 1)
            // A write expires due reservations first: this payment voids the lapsed one on its way.
            try fixture.transfer(.resident("r-1"), .merchant("m-1"), 20, code: .payment, pendingSeconds: 5)
            fixture.clock.advance(seconds: 6)
            try fixture.transfer(.resident("r-1"), .merchant("m-1"), 10, code: .payment)
            #expect(fixture.resolved("expired") == 2)
            #expect(fixture.resolved("voided") == 1, "an expiry is not a void on request")
            #expect(fixture.resolved("posted") == 1)
            #expect(fixture.moved(.payment) == 310)
            #expect(fixture.transfers(.payment, "created") == 5)
            #expect(try fixture.verify().problems == [])
        }
    }

    @Test("a claim's approval counts its reward; the budget's refusal counts, a full task is no transfer refusal")
    func claimRewards() throws {
        try CoinFixture.run(budgetCents: 600) { fixture in
            let task = try SchemeRulesTests.openTask(fixture, reward: 500, capacity: 3)
            let claims = try ["r-1", "r-2"].map { try SchemeRulesTests.submit(fixture, task, $0) }
            _ = try fixture.service.approveClaim(claims[0].id, audit: CoinFixture.audit)
            _ = try fixture.service.approveClaim(claims[0].id, audit: CoinFixture.audit)
            #expect(fixture.transfers(.reward, "created") == 1, "approving again creates nothing")
            #expect(fixture.moved(.reward) == 500)
            #expect(ledgerError { _ = try fixture.service.approveClaim(claims[1].id, audit: CoinFixture.audit) }
                == .budgetExhausted(year: 2026, remainingCents: 100, amountCents: 500))
            #expect(fixture.transfers(.reward, "refused") == 1)

            let small = try SchemeRulesTests.openTask(fixture, reward: 50, capacity: 1)
            let smallClaims = try ["r-3", "r-4"].map { try SchemeRulesTests.submit(fixture, small, $0) }
            _ = try fixture.service.approveClaim(smallClaims[0].id, audit: CoinFixture.audit)
            #expect(ledgerError { _ = try fixture.service.approveClaim(smallClaims[1].id, audit: CoinFixture.audit) }
                == .taskFull(id: small.id, capacity: 1))
            #expect(fixture.transfers(.reward, "created") == 2)
            #expect(fixture.transfers(.reward, "refused") == 1)
            #expect(fixture.moved(.reward) == 550)
        }
    }

    @Test("concurrent payments are each counted once, and so are their group commits")
    func concurrentPayments() throws {
        try CoinFixture.run { fixture in
            let threadCount = 8
            let paymentsPerThread = 25
            _ = try fixture.service.registerMerchant(id: "m-1", name: "Markt", audit: CoinFixture.audit)
            for thread in 0..<threadCount {
                try fixture.reward("r-\(thread)", Int64(paymentsPerThread))
            }
            let jobsBefore = fixture.writer.statistics.jobs
            let failures = Atomic<Int>(0)
            let finished = onThreads(threadCount) { thread in
                for _ in 0..<paymentsPerThread {
                    do {
                        try fixture.transfer(.resident("r-\(thread)"), .merchant("m-1"), 1, code: .payment)
                    } catch {
                        failures.add(1, ordering: .relaxed)
                    }
                }
            }
            #expect(finished())
            #expect(failures.load(ordering: .relaxed) == 0)
            let payments = threadCount * paymentsPerThread
            #expect(fixture.transfers(.payment, "created") == payments)
            #expect(fixture.moved(.payment) == payments)
            let statistics = fixture.writer.statistics
            #expect(statistics.jobs - jobsBefore == payments)
            #expect(fixture.metric("knooppunt_group_commit_jobs_total") == statistics.jobs)
            #expect(fixture.metric("knooppunt_group_commit_batches_total") == statistics.batches)
            #expect(fixture.metric("knooppunt_group_commit_duration_seconds_count") == statistics.batches)
        }
    }
}
