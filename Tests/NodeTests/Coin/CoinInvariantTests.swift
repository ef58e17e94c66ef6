import Foundation
import Synchronization
import Testing
@testable import Node

/// SplitMix64: a small seeded generator, so a failing run can be repeated from its seed.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}

/// The design's invariants under load: 10,000 random operations from 32 client threads through
/// the API layer (rewards, payments, pending payments posted or voided, redemptions, overdrafts,
/// replays, conflicting and simultaneous reuse of ids). Afterwards the ledger verifies, an
/// independent replay of the journal (read through the API) never sees a resident or merchant
/// below zero in any committed state, the balances sum to zero, and every acknowledged transfer
/// is there exactly as acknowledged.
@Suite("Coin invariants under concurrency")
struct CoinInvariantTests {
    static let operationCount = 10_000
    static let threadCount = 32
    static let residents = (0..<40).map { "r-\($0)" }
    static let merchants = (0..<8).map { "m-\($0)" }

    /// What the clients saw, shared between their threads.
    struct Observations {
        /// Every request that got 201 first: its id, path, key and body, to replay or reuse.
        var acknowledged: [(id: String, path: String, key: String, body: String, response: [UInt8])] = []
        var pending: [String] = []
        var statusCounts: [String: Int] = [:]
        var unexpected: [String] = []
    }

    /// The observations behind a lock, shared by reference between the client threads.
    final class SharedObservations: Sendable {
        let state = Mutex(Observations())

        func withLock<T>(_ body: (inout Observations) -> T) -> T {
            state.withLock { body(&$0) }
        }
    }

    @Test func tenThousandRandomOperationsKeepTheInvariants() throws {
        let seed = UInt64.random(in: 1...UInt64.max)
        try CoinAPIFixture.run { api in
            for merchant in Self.merchants {
                #expect(api.call("POST", "/merchants", body: #"{"id":"\#(merchant)","name":"Shop \#(merchant)"}"#).status == 201)
            }
            let observations = SharedObservations()
            let remaining = Atomic<Int>(Self.operationCount)
            let group = DispatchGroup()
            for thread in 0..<Self.threadCount {
                group.enter()
                Thread {
                    var random = SeededGenerator(seed: seed &+ UInt64(thread))
                    while remaining.subtract(1, ordering: .relaxed).newValue >= 0 {
                        Self.randomOperation(api, &random, observations)
                    }
                    group.leave()
                }.start()
            }
            #expect(group.wait(timeout: .now() + .seconds(300)) == .success, "clients finished (seed \(seed))")
            let seen = observations.withLock { $0 }
            #expect(seen.unexpected == [], "seed \(seed)")
            // The mix really exercised the paths it is meant to.
            for outcome in ["payment 201", "payment 409 insufficient-funds", "replay 201", "conflict 422", "resolve 200", "redemption 201"] {
                #expect(seen.statusCounts[outcome, default: 0] > 0, "no \(outcome) in the run (seed \(seed))")
            }

            let report = try api.database.read { try LedgerVerifier().verify($0) }
            #expect(report.problems == [], "seed \(seed)")
            for acknowledged in seen.acknowledged {
                let answer = api.call("GET", "/transfers/\(acknowledged.id)")
                #expect(answer.status == 200, "acknowledged transfer \(acknowledged.id) is missing (seed \(seed))")
            }
            try Self.replayJournal(api, seed: seed)
        }
    }

    /// One client operation, chosen at random, with the statuses it may get.
    static func randomOperation(_ api: CoinAPIFixture, _ random: inout SeededGenerator, _ observations: SharedObservations) {
        let resident = residents.randomElement(using: &random)!
        let merchant = merchants.randomElement(using: &random)!
        let id = CoinAPIFixture.uuid()
        let dice = Int.random(in: 0..<100, using: &random)
        switch dice {
        case 0..<25:
            send(api, "reward", "POST", "/transfers", key: "admin", id: id,
                 body: #"{"debitAccount":"issuance","creditAccount":"resident:\#(resident)","amountCents":\#(Int.random(in: 1...500, using: &random)),"code":"reward"}"#,
                 allowed: [201], observations)
        case 25..<55:
            send(api, "payment", "POST", "/payments", key: "pay", id: id,
                 body: #"{"resident":"\#(resident)","merchant":"\#(merchant)","amountCents":\#(Int.random(in: 1...400, using: &random))}"#,
                 allowed: [201, 409], observations)
        case 55..<65:
            let answer = send(api, "pending", "POST", "/payments", key: "pay", id: id,
                              body: #"{"resident":"\#(resident)","merchant":"\#(merchant)","amountCents":\#(Int.random(in: 1...300, using: &random)),"pending":true,"timeoutSeconds":600}"#,
                              allowed: [201, 409], observations)
            if answer.status == 201 { observations.withLock { $0.pending.append(id) } }
        case 65..<77:
            guard let target = observations.withLock({ $0.pending.randomElement() }) else { return }
            let action = Bool.random(using: &random) ? "post" : "void"
            send(api, "resolve", "POST", "/transfers/\(target)/\(action)", key: "pay", id: String?.none, body: String?.none,
                 allowed: [200, 409], observations)
        case 77..<84:
            send(api, "redemption", "POST", "/redemptions", key: "merchant", id: id,
                 body: #"{"merchant":"\#(merchant)","amountCents":\#(Int.random(in: 1...300, using: &random)),"payoutReference":"payout batch \#(merchant)"}"#,
                 allowed: [201, 409], observations)
        case 84..<92:
            // A retry: the same key and content answer as the first time, byte for byte.
            guard let earlier = observations.withLock({ $0.acknowledged.randomElement() }) else { return }
            let answer = send(api, "replay", "POST", earlier.path, key: earlier.key, id: earlier.id, body: earlier.body, allowed: [201, 409], observations)
            if answer.status == 201 && answer.response.body != earlier.response {
                observations.withLock { $0.unexpected.append("replay of \(earlier.id) answered differently") }
            }
        case 92..<96:
            guard let earlier = observations.withLock({ $0.acknowledged.randomElement() }) else { return }
            send(api, "conflict", "POST", earlier.path, key: earlier.key, id: earlier.id,
                 body: earlier.body.replacingOccurrences(of: "\"amountCents\":", with: "\"amountCents\":1"), allowed: [422, 409], observations)
        default:
            // The same new request twice at once: one is applied, the other replays it or finds it in flight.
            let body = #"{"debitAccount":"issuance","creditAccount":"resident:\#(resident)","amountCents":7,"code":"reward"}"#
            let twin = DispatchSemaphore(value: 0)
            Thread {
                send(api, "simultaneous", "POST", "/transfers", key: "admin", id: id, body: body, allowed: [201, 409], observations)
                twin.signal()
            }.start()
            send(api, "simultaneous", "POST", "/transfers", key: "admin", id: id, body: body, allowed: [201, 409], observations)
            twin.wait()
        }
    }

    @discardableResult
    static func send(_ api: CoinAPIFixture, _ kind: String, _ method: String, _ path: String, key: String, id: String?, body: String?,
                     allowed: Set<Int>, _ observations: SharedObservations) -> APIAnswer {
        let answer = api.call(method, path, key: key, idempotencyKey: id, body: body)
        observations.withLock { seen in
            let outcome = "\(kind) \(answer.status)" + (answer.status == 409 && kind == "payment" ? " \(answer.problemCode ?? "")" : "")
            seen.statusCounts[outcome, default: 0] += 1
            if !allowed.contains(answer.status) {
                seen.unexpected.append("\(kind) \(method) \(path) got \(answer.status): \(String(decoding: answer.response.body, as: UTF8.self))")
            }
            if answer.status == 409, kind == "payment" || kind == "redemption" || kind == "pending",
               answer.problemCode != "insufficient-funds" {
                seen.unexpected.append("\(kind) got 409 \(answer.problemCode ?? "-")")
            }
            if answer.status == 201, let id, let body, kind != "replay", kind != "conflict",
               !seen.acknowledged.contains(where: { $0.id == id }) {
                seen.acknowledged.append((id, path, key, body, answer.response.body))
            }
        }
        return answer
    }

    /// Reads the whole journal through the API and replays it independently of the verifier:
    /// after every entry no resident or merchant is below zero (counting reservations), at the
    /// end the balances sum to zero and match what the API reports for every account.
    static func replayJournal(_ api: CoinAPIFixture, seed: UInt64) throws {
        var balances: [String: Int] = [:]
        var reserved: [String: Int] = [:]
        var page = 1
        var entries = 0
        while true {
            let answer = api.call("GET", "/journal?pageSize=100&page=\(page)")
            let results = answer.json["results"] as? [[String: Any]] ?? []
            for entry in results {
                entries += 1
                #expect(entry["sequence"] as? Int == entries, "the journal pages follow each other without gap or overlap")
                let debit = entry["debitAccount"] as? String ?? ""
                let credit = entry["creditAccount"] as? String ?? ""
                let amount = entry["amountCents"] as? Int ?? 0
                #expect(amount > 0)
                switch entry["event"] as? String {
                case "create-posted":
                    balances[debit, default: 0] -= amount
                    balances[credit, default: 0] += amount
                case "create-pending":
                    reserved[debit, default: 0] += amount
                case "post-pending":
                    reserved[debit, default: 0] -= amount
                    balances[debit, default: 0] -= amount
                    balances[credit, default: 0] += amount
                default:
                    reserved[debit, default: 0] -= amount
                }
                for account in [debit, credit] where account.hasPrefix("resident:") || account.hasPrefix("merchant:") {
                    let available = balances[account, default: 0] - reserved[account, default: 0]
                    if available < 0 {
                        Issue.record("entry \(entry["sequence"] ?? "?") leaves \(account) at \(available) (seed \(seed))")
                    }
                }
            }
            guard answer.json["next"] is String else { break }
            page += 1
        }
        #expect(entries > operationCount / 2)
        var storedTotal = 0
        for (account, balance) in balances {
            let stored = api.call("GET", "/accounts/\(account)").json
            storedTotal += stored["balanceCents"] as? Int ?? 0
            #expect(stored["balanceCents"] as? Int == balance, "\(account) (seed \(seed))")
            #expect(stored["pendingDebitsCents"] as? Int == reserved[account, default: 0], "\(account) (seed \(seed))")
        }
        // Invariant 1 as the API reports it: the balances it serves sum to zero.
        #expect(storedTotal == 0, "the served balances sum to zero (seed \(seed))")
    }
}
