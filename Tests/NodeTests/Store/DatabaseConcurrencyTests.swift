import Dispatch
import Foundation
import Synchronization
import Testing
@testable import Node

/// These tests start their own threads: store bodies block, so they never run in a Task.
@Suite("Database concurrency")
struct DatabaseConcurrencyTests {
    private static let migrations = Database.baseMigrations + [
        Migration(
            version: 2,
            name: "create balances",
            sql: """
                CREATE TABLE balances(account TEXT PRIMARY KEY, cents INTEGER NOT NULL);
                INSERT INTO balances(account, cents) VALUES ('issuance', 0), ('resident', 0);
                CREATE TABLE transfers(id INTEGER PRIMARY KEY, cents INTEGER NOT NULL);
                """
        ),
    ]

    /// Runs each job on a thread of its own, all at once, and waits for all of them (bounded,
    /// so a deadlock fails the test instead of hanging it). Errors are collected, not lost.
    private static func runOnThreads(_ jobs: [@Sendable () throws -> Void]) -> [String] {
        let failures = Mutex<[String]>([])
        let group = DispatchGroup()
        for job in jobs {
            group.enter()
            Thread {
                do {
                    try job()
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
                group.leave()
            }.start()
        }
        guard group.wait(timeout: .now() + .seconds(120)) == .success else {
            return ["threads did not finish within 120 s"]
        }
        return failures.withLock { $0 }
    }

    @Test("readers running beside a writer always see a whole transfer, never half of one")
    func snapshotsAreConsistent() throws {
        let transferCount = 150
        let readsPerReader = 150
        try withStoreTestDirectory { directory in
            let database = try Database(path: storeDatabasePath(in: directory), migrations: Self.migrations)
            defer { database.close() }

            let writer: @Sendable () throws -> Void = {
                for number in 1...transferCount {
                    try database.write { connection in
                        // Debit and credit in two statements: a reader between them would see
                        // the balances not summing to zero.
                        try connection.run("UPDATE balances SET cents = cents - ? WHERE account = 'issuance'", [.integer(Int64(number))])
                        try connection.run("INSERT INTO transfers(cents) VALUES (?)", [.integer(Int64(number))])
                        try connection.run("UPDATE balances SET cents = cents + ? WHERE account = 'resident'", [.integer(Int64(number))])
                    }
                }
            }
            let reader: @Sendable () throws -> Void = {
                var lastSeenTransfers: Int64 = 0
                for _ in 0..<readsPerReader {
                    let (issuance, resident, transfers, transferred) = try database.read { connection in
                        (
                            try connection.queryOne("SELECT cents FROM balances WHERE account = 'issuance'")?.required("cents", as: Int64.self),
                            try connection.queryOne("SELECT cents FROM balances WHERE account = 'resident'")?.required("cents", as: Int64.self),
                            try connection.queryOne("SELECT count(*) AS n FROM transfers")?.required("n", as: Int64.self),
                            try connection.queryOne("SELECT coalesce(sum(cents), 0) AS total FROM transfers")?.required("total", as: Int64.self)
                        )
                    }
                    guard let issuance, let resident, let transfers, let transferred else {
                        throw InconsistentRead(description: "a row was missing")
                    }
                    guard issuance + resident == 0, resident == transferred else {
                        throw InconsistentRead(description: "saw issuance \(issuance), resident \(resident), transfers \(transferred)")
                    }
                    guard transfers >= lastSeenTransfers else {
                        throw InconsistentRead(description: "went back from \(lastSeenTransfers) to \(transfers) transfers")
                    }
                    lastSeenTransfers = transfers
                }
            }

            let failures = Self.runOnThreads([writer, reader, reader, reader, reader])
            #expect(failures == [])
            let final = try database.read { try $0.queryOne("SELECT cents FROM balances WHERE account = 'resident'") }
            #expect(final?.int64("cents") == Int64(transferCount * (transferCount + 1) / 2))
        }
    }

    @Test("a pooled connection is never lent to two threads at once, and waiters get one in turn")
    func connectionsAreExclusive() throws {
        try withStoreTestDirectory { directory in
            let database = try Database(path: storeDatabasePath(in: directory), migrations: Self.migrations, readerCount: 2)
            defer { database.close() }
            let inUse = Mutex<Set<ObjectIdentifier>>([])
            let completed = Atomic<Int>(0)
            let borrow: @Sendable (SQLiteConnection) throws -> Void = { connection in
                let identity = ObjectIdentifier(connection)
                let isFirstUser = inUse.withLock { $0.insert(identity).inserted }
                guard isFirstUser else {
                    throw InconsistentRead(description: "a connection was lent to two threads")
                }
                _ = try connection.query("SELECT * FROM balances")
                inUse.withLock { _ = $0.remove(identity) }
            }
            let job: @Sendable () throws -> Void = {
                for round in 0..<100 {
                    if round % 10 == 0 {
                        try database.write { connection in
                            try borrow(connection)
                            try connection.run("INSERT INTO transfers(cents) VALUES (1)")
                        }
                    } else {
                        try database.read(borrow)
                    }
                    completed.add(1, ordering: .relaxed)
                }
            }

            let failures = Self.runOnThreads(Array(repeating: job, count: 6))
            #expect(failures == [])
            #expect(completed.load(ordering: .relaxed) == 600)
            let writes = try database.read { try $0.queryOne("SELECT count(*) AS n FROM transfers") }
            #expect(writes?.int64("n") == 60)
        }
    }
}

private struct InconsistentRead: Error, CustomStringConvertible {
    let description: String
}
