import Dispatch
import Foundation
import Glibc
import Synchronization
import Testing
@testable import Node

/// The writer commits with synchronous=NORMAL and the WAL is synced behind it: nothing that
/// depends on a commit (the writer's caller, a group-commit job's completion, a reader's answer)
/// happens before a sync that covers it, the writer runs on meanwhile, and a failed sync stops
/// all writes. The sync is held back or failed through `Database`'s `walSync` seam; every other
/// part is the real file and the real SQLite.
@Suite("WALSyncer")
struct WALSyncerTests {
    private static let migrations = GroupCommitWriterTests.migrations

    /// A sync the test opens and closes: while held, every sync call waits.
    private final class HeldSync: Sendable {
        private let isHeld = Mutex(true)
        private let released = DispatchSemaphore(value: 0)
        let calls = Atomic<Int>(0)
        let failing = Atomic<Bool>(false)

        func call(_ descriptor: Int32) -> Int32 {
            calls.add(1, ordering: .relaxed)
            if isHeld.withLock({ $0 }) {
                released.wait()
                released.signal()
            }
            if failing.load(ordering: .relaxed) {
                errno = EIO
                return -1
            }
            return fdatasync(descriptor)
        }

        func release() {
            isHeld.withLock { $0 = false }
            released.signal()
        }
    }

    /// A value threads share in a test.
    private final class Shared<Value: Sendable>: Sendable {
        private let value: Mutex<Value>
        init(_ value: Value) { self.value = Mutex(value) }
        var current: Value { value.withLock { $0 } }
        func set(_ newValue: Value) { value.withLock { $0 = newValue } }
    }

    private static func withDatabase(_ sync: HeldSync, _ body: (Database) throws -> Void) throws {
        try withStoreTestDirectory { directory in
            let database = try Database(path: storeDatabasePath(in: directory), migrations: migrations,
                                        walSync: { sync.call($0) })
            defer {
                sync.release()
                database.close()
            }
            try body(database)
        }
    }

    private static func waitUntil(_ condition: () -> Bool) {
        let giveUp = ContinuousClock.now + .seconds(10)
        while !condition() && ContinuousClock.now < giveUp {
            Thread.sleep(forTimeInterval: 0.001)
        }
    }

    private static func count(_ database: Database) throws -> Int64 {
        try #require(try database.readOne("SELECT count(*) AS n FROM entries")?.int64("n"))
    }

    @Test("write returns only after the sync; readers wait for it, the API key lookup does not")
    func writeAndReadWaitForTheSync() throws {
        let sync = HeldSync()
        try Self.withDatabase(sync) { database in
            let wrote = Shared(false)
            let read = Shared<Int64>(-1)
            let writing = onThreads(1) { _ in
                let committed: Void? = try? database.write { try $0.run("INSERT INTO entries(label) VALUES ('a')") }
                wrote.set(committed != nil)
            }
            Self.waitUntil { sync.calls.load(ordering: .relaxed) > 0 }
            // Committed (a single statement sees it) but not synced: neither answer is given yet.
            let committed = try Self.count(database)
            #expect(committed == 1)
            let reading = onThreads(1) { _ in
                let rows = try? database.read { try $0.queryOne("SELECT count(*) AS n FROM entries")?.int64("n") }
                read.set((rows ?? nil) ?? -2)
            }
            Thread.sleep(forTimeInterval: 0.1)
            #expect(!wrote.current, "write returned before its commit was synced")
            #expect(read.current == -1, "a reader answered with a commit not yet synced")
            sync.release()
            Self.waitUntil { writing() && reading() }
            #expect(wrote.current)
            #expect(read.current == 1)
        }
    }

    @Test("group commit runs the next batch while the last one syncs, and answers both after")
    func groupCommitPipelinesTheSync() throws {
        let sync = HeldSync()
        try Self.withDatabase(sync) { database in
            let writer = GroupCommitWriter(database: database, logger: Logger(label: "test", sink: CapturingSink()))
            defer { writer.stop() }
            let answered = Mutex<[String]>([])
            for label in ["first", "second"] {
                try writer.submit({ connection in
                    try connection.run("INSERT INTO entries(label) VALUES (?)", [.text(label)])
                }, completion: { result in
                    if case .success = result { answered.withLock { $0.append(label) } }
                })
                // Each job is committed while the sync of the first is still held.
                Self.waitUntil { (try? Self.count(database)) == (label == "first" ? 1 : 2) }
            }
            let committed = try Self.count(database)
            #expect(committed == 2, "the second batch waited for the first one's sync")
            #expect(answered.withLock { $0 }.isEmpty, "a job was answered before its commit was synced")
            sync.release()
            Self.waitUntil { answered.withLock { $0.count } == 2 }
            #expect(answered.withLock { $0 } == ["first", "second"])
        }
    }

    @Test("a failed sync fails its callers and every later write; the database reports unhealthy")
    func failedSyncIsFinal() throws {
        let sync = HeldSync()
        sync.failing.store(true, ordering: .relaxed)
        sync.release()
        try Self.withDatabase(sync) { database in
            #expect(throws: StoreError.self) { try database.write { try $0.run("INSERT INTO entries(label) VALUES ('a')") } }
            sync.failing.store(false, ordering: .relaxed)
            let later = #expect(throws: StoreError.self) {
                try database.write { try $0.run("INSERT INTO entries(label) VALUES ('b')") }
            }
            guard case .fileSystem(_, let code, _)? = later else {
                Issue.record("expected the sync failure, got \(String(describing: later))")
                return
            }
            #expect(code == EIO)
            let rows = try Self.count(database)
            #expect(rows == 1, "the write after the failure was not refused")
            #expect(throws: StoreError.self) { try database.checkHealth() }
            #expect(throws: StoreError.self) { try database.read { _ in 1 } }
        }
    }
}
