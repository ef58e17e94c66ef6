import Foundation
import Synchronization
import Testing
@testable import Node

/// A clock the tests move by hand, so pending transfers expire without waiting.
final class TestClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date = Date(timeIntervalSince1970: 1_780_000_000)) {
        current = Mutex(start)
    }

    var now: Date { current.withLock { $0 } }

    func advance(seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }
}

/// A coin service over a fresh database with every migration the node applies.
struct CoinFixture {
    let database: Database
    let writer: GroupCommitWriter
    let service: CoinService
    let clock: TestClock
    let metrics: Metrics
    let path: String

    static let audit = AuditContext(actor: "apikey:test", requestID: nil)

    static func run(budgetCents: Int64 = 1_000_000, _ body: (CoinFixture) throws -> Void) throws {
        try withStoreTestDirectory { directory in
            try run(at: storeDatabasePath(in: directory), budgetCents: budgetCents, body)
        }
    }

    /// Over the database at `path`, brought up to `migrations`: upgrade tests open one file twice.
    static func run(at path: String, migrations: [Migration] = NodeRuntime.migrations(extensions: [CoinExtension()]),
                    budgetCents: Int64 = 1_000_000, _ body: (CoinFixture) throws -> Void) throws {
        let database = try Database(path: path, migrations: migrations)
        let metrics = Metrics(version: "test")
        let writer = GroupCommitWriter(database: database, logger: Logger(label: "test", sink: CapturingSink()),
                                       metrics: GroupCommitMetrics(metrics: metrics))
        let clock = TestClock()
        let service = CoinService(database: database, writer: writer, ledger: Ledger(clock: { clock.now }),
                                  metrics: CoinMetrics(metrics: metrics))
        defer {
            writer.stop()
            database.close()
        }
        let fixture = CoinFixture(database: database, writer: writer, service: service, clock: clock, metrics: metrics, path: path)
        _ = try service.updateScheme(code: "HEITJE", name: "Heerlens Heitje", yearlyIssuanceBudgetCents: budgetCents, ifMatch: nil, audit: audit)
        try body(fixture)
    }

    static func uuid() -> String { UUID().uuidString.lowercased() }

    @discardableResult
    func transfer(_ debit: AccountID, _ credit: AccountID, _ amountCents: Int64, code: TransferCode, id: String = CoinFixture.uuid(),
                  reference: String? = nil, pendingSeconds: Int64? = nil) throws -> Transfer {
        try service.createTransfer(TransferRequest(id: id, debit: debit, credit: credit, amountCents: amountCents, code: code,
                                                   reference: reference, pendingTimeoutSeconds: pendingSeconds,
                                                   operation: "transfers")).transfer
    }

    @discardableResult
    func reward(_ resident: String, _ amountCents: Int64) throws -> Transfer {
        try transfer(.issuance, .resident(resident), amountCents, code: .reward)
    }

    func balance(_ account: AccountID) throws -> Int64 {
        try service.account(account).balanceCents
    }

    func verify() throws -> LedgerVerifier.Report {
        try database.read { try LedgerVerifier().verify($0) }
    }
}

/// The `LedgerError` a throwing expression threw, for comparing with `#expect(… == …)`.
func ledgerError(_ body: () throws -> Void) -> LedgerError? {
    do {
        try body()
        return nil
    } catch let error as LedgerError {
        return error
    } catch {
        Issue.record("expected a LedgerError, got \(error)")
        return nil
    }
}
