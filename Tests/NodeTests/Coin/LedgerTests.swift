import Foundation
import Schemas
import Testing
@testable import Node

/// The double-entry core through `CoinService`: rules, overdraft, idempotency, two-phase
/// transfers and their timeouts, the budget. Each scenario ends with the verifier.
@Suite("Ledger")
struct LedgerTests {
    @Test("a reward moves coins from issuance to a new resident account; balances sum to zero")
    func rewardCreatesTheResidentAccount() throws {
        try CoinFixture.run { fixture in
            let transfer = try fixture.reward("r-1", 500)
            #expect(transfer.state == .posted)
            #expect(transfer.postedAt == transfer.createdAt)
            #expect(try fixture.balance(.resident("r-1")) == 500)
            #expect(try fixture.balance(.issuance) == -500)
            #expect(try fixture.verify().problems == [])
        }
    }

    @Test("an overdraft of a resident or merchant is refused naming the account, and leaves no trace")
    func overdraftIsRefused() throws {
        try CoinFixture.run { fixture in
            try fixture.reward("r-1", 300)
            _ = try fixture.service.registerMerchant(id: "m-1", name: "Bakkerij Op de Hei", audit: CoinFixture.audit)
            let error = ledgerError { try fixture.transfer(.resident("r-1"), .merchant("m-1"), 301, code: .payment) }
            #expect(error == .insufficientFunds(account: "resident:r-1", availableCents: 300, amountCents: 301))
            #expect(error?.problem.status == .conflict)
            #expect(error?.problem.code == "insufficient-funds")
            #expect(error?.problem.detail.contains("resident:r-1") == true)
            // A resident without an account has nothing to spend.
            #expect(ledgerError { try fixture.transfer(.resident("nobody"), .merchant("m-1"), 1, code: .payment) }
                == .insufficientFunds(account: "resident:nobody", availableCents: 0, amountCents: 1))
            // A merchant cannot redeem more than it holds.
            #expect(ledgerError { try fixture.transfer(.merchant("m-1"), .treasury, 1, code: .redemption, reference: "FIN-1") }
                == .insufficientFunds(account: "merchant:m-1", availableCents: 0, amountCents: 1))
            try fixture.transfer(.resident("r-1"), .merchant("m-1"), 300, code: .payment)
            #expect(try fixture.balance(.resident("r-1")) == 0)
            let report = try fixture.verify()
            #expect(report.problems == [])
            #expect(report.entryCount == 2)
        }
    }

    @Test("issuance, treasury and clearing accounts may go negative")
    func bookkeepingAccountsGoNegative() throws {
        try CoinFixture.run { fixture in
            let peer = AccountID.clearing(try #require(OINValue.zoetermeer))
            try fixture.reward("r-1", 1000)
            try fixture.transfer(.resident("r-1"), peer, 400, code: .clearing)
            try fixture.transfer(peer, .treasury, 900, code: .clearing)
            try fixture.transfer(.treasury, .issuance, 50, code: .correction)
            #expect(try fixture.balance(peer) == -500)
            #expect(try fixture.balance(.treasury) == 850)
            #expect(try fixture.balance(.issuance) == -950)
            #expect(try fixture.verify().problems == [])
        }
    }

    @Test("each code allows only its accounts; problems name the fields")
    func codesConstrainAccounts() throws {
        try CoinFixture.run { fixture in
            try fixture.reward("r-1", 100)
            let printing = ledgerError { try fixture.transfer(.issuance, .resident("r-1"), 100, code: .payment) }
            #expect(printing == .invalid([InvalidParam(name: "debitAccount", code: "invalid-account",
                                                       reason: "a payment transfer's debit account must be resident"),
                                          InvalidParam(name: "creditAccount", code: "invalid-account",
                                                       reason: "a payment transfer's credit account must be merchant")]))
            #expect(ledgerError { try fixture.transfer(.resident("r-1"), .merchant("ghost"), 10, code: .payment) }
                == .unknownMerchant(id: "ghost", field: "creditAccount"))
            _ = try fixture.service.registerMerchant(id: "m-1", name: "Fietsenmaker", audit: CoinFixture.audit)
            _ = try fixture.service.updateMerchant(id: "m-1", name: nil, active: false, audit: CoinFixture.audit)
            #expect(ledgerError { try fixture.transfer(.resident("r-1"), .merchant("m-1"), 10, code: .payment) } == .merchantInactive(id: "m-1"))
            #expect(try fixture.verify().problems == [])
        }
    }

    @Test("the same id and content replays the original result; other content is refused; in flight is refused")
    func idempotency() throws {
        try CoinFixture.run { fixture in
            let id = CoinFixture.uuid()
            let request = TransferRequest(id: id, debit: .issuance, credit: .resident("r-1"), amountCents: 250, code: .reward,
                                          reference: "task 1", pendingTimeoutSeconds: 60, operation: "transfers")
            let first = try fixture.service.createTransfer(request)
            guard case .created(let created) = first else { Issue.record("expected a new transfer"); return }
            _ = try fixture.service.postTransfer(id)
            let replay = try fixture.service.createTransfer(request)
            // The original answer (pending), though the transfer has been posted since.
            #expect(replay == .replayed(created))
            #expect(try fixture.service.transfer(id).state == .posted)

            let other = TransferRequest(id: id, debit: .issuance, credit: .resident("r-1"), amountCents: 251, code: .reward,
                                        reference: "task 1", pendingTimeoutSeconds: 60, operation: "transfers")
            let conflict = ledgerError { _ = try fixture.service.createTransfer(other) }
            #expect(conflict == .idempotencyConflict(id: id))
            #expect(conflict?.problem.status == .unprocessableContent)
            // The same id through another operation is other content too.
            let asPayment = TransferRequest(id: id, debit: .issuance, credit: .resident("r-1"), amountCents: 250, code: .reward,
                                            reference: "task 1", pendingTimeoutSeconds: 60, operation: "payments")
            #expect(ledgerError { _ = try fixture.service.createTransfer(asPayment) } == .idempotencyConflict(id: id))

            let busyID = CoinFixture.uuid()
            let release = try #require(fixture.service.inFlight.hold("transfer:\(busyID)"))
            let inFlight = ledgerError { try fixture.transfer(.issuance, .resident("r-1"), 1, code: .reward, id: busyID) }
            #expect(inFlight == .requestInFlight(id: busyID))
            #expect(inFlight?.problem.status == .conflict)
            release()
            try fixture.transfer(.issuance, .resident("r-1"), 1, code: .reward, id: busyID)
            #expect(try fixture.balance(.resident("r-1")) == 251)
            #expect(try fixture.verify().problems == [])
        }
    }

    @Test("a pending transfer reserves; post and void happen once each; repeats answer as the first did")
    func twoPhase() throws {
        try CoinFixture.run { fixture in
            try fixture.reward("r-1", 1000)
            _ = try fixture.service.registerMerchant(id: "m-1", name: "Boekhandel", audit: CoinFixture.audit)
            let pending = try fixture.transfer(.resident("r-1"), .merchant("m-1"), 600, code: .payment, pendingSeconds: 60)
            #expect(pending.state == .pending)
            let resident = try fixture.service.account(.resident("r-1"))
            #expect(resident.balanceCents == 1000)
            #expect(resident.pendingDebitsCents == 600)
            #expect(resident.availableCents == 400)
            #expect(try fixture.service.account(.merchant("m-1")).pendingCreditsCents == 600)
            // The reservation counts: 500 more would overdraw.
            #expect(ledgerError { try fixture.transfer(.resident("r-1"), .merchant("m-1"), 500, code: .payment) }
                == .insufficientFunds(account: "resident:r-1", availableCents: 400, amountCents: 500))

            let posted = try fixture.service.postTransfer(pending.id)
            #expect(posted.state == .posted)
            #expect(try fixture.service.postTransfer(pending.id) == posted)
            let voidAfterPost = ledgerError { _ = try fixture.service.voidTransfer(pending.id) }
            #expect(voidAfterPost == .alreadyResolved(id: pending.id, state: .posted, voidReason: nil))
            #expect(voidAfterPost?.problem.code == "transfer-posted")
            #expect(try fixture.balance(.resident("r-1")) == 400)
            #expect(try fixture.balance(.merchant("m-1")) == 600)

            let second = try fixture.transfer(.resident("r-1"), .merchant("m-1"), 100, code: .payment, pendingSeconds: 60)
            let voided = try fixture.service.voidTransfer(second.id)
            #expect(voided.state == .voided && voided.voidReason == .requested)
            #expect(try fixture.service.voidTransfer(second.id) == voided)
            let postAfterVoid = ledgerError { _ = try fixture.service.postTransfer(second.id) }
            #expect(postAfterVoid?.problem.status == .conflict)
            #expect(postAfterVoid?.problem.code == "transfer-voided")
            #expect(try fixture.service.account(.resident("r-1")).availableCents == 400)

            let single = try fixture.transfer(.resident("r-1"), .merchant("m-1"), 1, code: .payment)
            #expect(ledgerError { _ = try fixture.service.postTransfer(single.id) } == .notTwoPhase(id: single.id))
            #expect(ledgerError { _ = try fixture.service.postTransfer(CoinFixture.uuid()) } != nil)
            #expect(try fixture.verify().problems == [])
        }
    }

    @Test("a payment integrator may resolve payments only")
    func permittedCodes() throws {
        try CoinFixture.run { fixture in
            let reward = try fixture.transfer(.issuance, .resident("r-1"), 10, code: .reward, pendingSeconds: 60)
            let error = ledgerError { _ = try fixture.service.postTransfer(reward.id, permittedCodes: [.payment]) }
            #expect(error == .codeNotPermitted(id: reward.id, code: .reward))
            #expect(error?.problem.status == .forbidden)
        }
    }

    @Test("an expired reservation voids itself, lazily on reads and writes; a late post is refused")
    func timeouts() throws {
        try CoinFixture.run { fixture in
            try fixture.reward("r-1", 1000)
            _ = try fixture.service.registerMerchant(id: "m-1", name: "Koffiebar", audit: CoinFixture.audit)
            let held = try fixture.transfer(.resident("r-1"), .merchant("m-1"), 900, code: .payment, pendingSeconds: 30)
            let other = try fixture.transfer(.resident("r-1"), .merchant("m-1"), 50, code: .payment, pendingSeconds: 300)
            fixture.clock.advance(seconds: 31)
            // A read of the account voids what has expired before answering.
            let account = try fixture.service.account(.resident("r-1"))
            #expect(account.pendingDebitsCents == 50)
            #expect(account.availableCents == 950)
            let expired = try fixture.service.transfer(held.id)
            #expect(expired.state == .voided && expired.voidReason == .expired)
            let late = ledgerError { _ = try fixture.service.postTransfer(held.id) }
            #expect(late?.problem.code == "transfer-expired")
            // Voiding an expired transfer is what the caller wanted: it answers with the voided transfer.
            #expect(try fixture.service.voidTransfer(held.id).voidReason == .expired)

            // A write expires first too: the 50 reserved above lapses, so 1000 is available again.
            fixture.clock.advance(seconds: 300)
            try fixture.transfer(.resident("r-1"), .merchant("m-1"), 1000, code: .payment)
            #expect(try fixture.service.transfer(other.id).voidReason == .expired)
            let events = try fixture.database.read { try $0.query("SELECT event FROM coin_journal ORDER BY sequence").compactMap { $0.string("event") } }
            #expect(events == ["create-posted", "create-pending", "create-pending", "expire-pending", "expire-pending", "create-posted"])
            #expect(try fixture.verify().problems == [])
        }
    }

    @Test("the sweeper voids expired reservations nobody touches")
    func sweeper() throws {
        try CoinFixture.run { fixture in
            let pending = try fixture.transfer(.issuance, .resident("r-1"), 10, code: .reward, pendingSeconds: 5)
            let sweeper = PendingTransferSweeper(service: fixture.service, interval: .milliseconds(20),
                                                 logger: Logger(label: "test", sink: CapturingSink()))
            sweeper.start()
            defer { sweeper.stop() }
            fixture.clock.advance(seconds: 6)
            // Poll the table directly: reading through the service would expire it lazily.
            let giveUp = ContinuousClock.now + .seconds(10)
            var state: String?
            repeat {
                state = try fixture.database.read { try $0.queryOne("SELECT state FROM coin_transfers WHERE id = ?", [.text(pending.id)])?.string("state") }
                if state != "voided" { Thread.sleep(forTimeInterval: 0.01) }
            } while state != "voided" && ContinuousClock.now < giveUp
            #expect(state == "voided")
        }
    }

    @Test("rewards are capped by the yearly budget; a voided pending reward gives its amount back")
    func budget() throws {
        try CoinFixture.run(budgetCents: 1000) { fixture in
            try fixture.reward("r-1", 600)
            let pending = try fixture.transfer(.issuance, .resident("r-2"), 400, code: .reward, pendingSeconds: 60)
            let error = ledgerError { try fixture.reward("r-3", 1) }
            #expect(error?.problem.code == "budget-exhausted")
            if case .budgetExhausted(_, let remaining, let amount) = error {
                #expect(remaining == 0 && amount == 1)
            } else {
                Issue.record("expected budgetExhausted, got \(String(describing: error))")
            }
            // Corrections from issuance are staff's fixes, outside the budget.
            try fixture.transfer(.issuance, .resident("r-3"), 5, code: .correction)
            _ = try fixture.service.voidTransfer(pending.id)
            try fixture.reward("r-3", 400)
            let scheme = try fixture.service.scheme()
            #expect(scheme.rewardedThisYearCents == 1000 && scheme.remainingThisYearCents == 0)
            #expect(try fixture.verify().problems == [])
        }
    }
}

/// A peer's OIN for clearing accounts.
enum OINValue {
    static let zoetermeer = OIN("00000001000000637000")
}
