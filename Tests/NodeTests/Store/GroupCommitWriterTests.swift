import Dispatch
import Foundation
import Synchronization
import Testing
@testable import Node

/// Group commit seen from its callers: each `write` returns after the COMMIT that holds it, one
/// failing job leaves its batch-mates committed, a failed COMMIT fails the whole batch, and the
/// queue is bounded. Callers block, so every caller here is a thread of its own, never a Task.
@Suite("GroupCommitWriter")
struct GroupCommitWriterTests {
    /// Also the fixture of `GroupCommitMetricsTests`.
    static let migrations = Database.baseMigrations + [
        Migration(version: 2, name: "entries", sql: """
            CREATE TABLE entries(id INTEGER PRIMARY KEY, label TEXT NOT NULL UNIQUE);
            CREATE TABLE parents(id INTEGER PRIMARY KEY);
            CREATE TABLE children(id INTEGER PRIMARY KEY,
                parent INTEGER NOT NULL REFERENCES parents(id) DEFERRABLE INITIALLY DEFERRED);
            """),
    ]

    private struct PlannedFailure: Error, Equatable {}

    private static func withWriter(limits: GroupCommitWriter.Limits = .init(),
                                   _ body: (Database, GroupCommitWriter) throws -> Void) throws {
        try withStoreTestDirectory { directory in
            let database = try Database(path: storeDatabasePath(in: directory), migrations: migrations)
            let writer = GroupCommitWriter(database: database, limits: limits, logger: Logger(label: "test", sink: CapturingSink()))
            defer {
                writer.stop()
                database.close()
            }
            try body(database, writer)
        }
    }

    /// Starts `count` threads running `job(index)`, returning a way to wait for all of them.
    /// Occupies the writer thread inside a batch until `release` is signalled, so that the jobs
    /// queued meanwhile all land in the next batch together.
    private static func holdWriter(_ writer: GroupCommitWriter) -> (release: DispatchSemaphore, done: @Sendable () -> Bool) {
        let entered = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let done = onThreads(1) { _ in
            _ = try? writer.write { _ in
                entered.signal()
                release.wait()
            }
        }
        entered.wait()
        return (release, done)
    }

    private static func waitUntil(_ condition: () -> Bool) {
        let giveUp = ContinuousClock.now + .seconds(10)
        while !condition() && ContinuousClock.now < giveUp {
            Thread.sleep(forTimeInterval: 0.001)
        }
    }

    @Test("concurrent writers all commit, fewer transactions than writes")
    func concurrentWritesShareCommits() throws {
        try Self.withWriter { database, writer in
            let failures = Atomic<Int>(0)
            let finished = onThreads(64) { index in
                for round in 0..<20 {
                    do {
                        try writer.write { connection in
                            try connection.run("INSERT INTO entries(label) VALUES (?)", [.text("\(index)-\(round)")])
                        }
                    } catch {
                        failures.add(1, ordering: .relaxed)
                    }
                }
            }
            #expect(finished())
            #expect(failures.load(ordering: .relaxed) == 0)
            let count = try database.read { try $0.queryOne("SELECT count(*) AS n FROM entries")?.int("n") }
            #expect(count == 64 * 20)
            let statistics = writer.statistics
            #expect(statistics.jobs == 64 * 20)
            #expect(statistics.batches < statistics.jobs, "some writes must have shared a commit")
        }
    }

    @Test("submit returns at once and its completion gets the result once the batch is committed, or the job's error")
    func submitCompletesAfterTheCommit() throws {
        try Self.withWriter { database, writer in
            let held = Self.holdWriter(writer)
            let results = Mutex<[Result<Int, any Error>]>([])
            let committedAtCompletion = Mutex<[Int?]>([])
            let done = DispatchSemaphore(value: 0)
            for label in ["kept", "refused"] {
                try writer.submit({ connection in
                    try connection.run("INSERT INTO entries(label) VALUES (?)", [.text(label)])
                    if label == "refused" { throw PlannedFailure() }
                    return Int(connection.lastInsertRowID)
                }, completion: { result in
                    // A reader at this moment already sees the committed row.
                    let visible = try? database.read { try $0.queryOne("SELECT count(*) AS n FROM entries")?.int("n") }
                    committedAtCompletion.withLock { $0.append(visible) }
                    results.withLock { $0.append(result) }
                    done.signal()
                })
            }
            // Both are queued behind the held batch: neither has completed, and neither caller waited.
            #expect(results.withLock { $0.isEmpty })
            held.release.signal()
            #expect(done.wait(timeout: .now() + 10) == .success && done.wait(timeout: .now() + 10) == .success)
            #expect(held.done())
            let outcomes = results.withLock { $0 }
            #expect(outcomes.count == 2)
            #expect((try? outcomes[0].get()) != nil, "the first job committed its row")
            #expect(throws: PlannedFailure.self) { try outcomes[1].get() }
            #expect(committedAtCompletion.withLock { $0 } == [1, 1], "completions run after the COMMIT, which holds one row")
        }
    }

    @Test("the writer thread carries its name where the system shows it (top -H, /proc)")
    func writerThreadIsNamed() throws {
        func threadNames() -> [String] {
            let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
            return tasks.compactMap { try? String(contentsOfFile: "/proc/self/task/\($0)/comm", encoding: .utf8) }
                .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        }
        try Self.withWriter { _, _ in
            // The threads name themselves as they start, which on a busy machine may take a moment.
            Self.waitUntil { Set(threadNames()).isSuperset(of: ["kp-group-commit", "kp-gc-answers"]) }
            #expect(threadNames().contains("kp-group-commit"))
            #expect(threadNames().contains("kp-gc-answers"))
        }
    }

    @Test("completions run off the writer thread: a slow one holds back later answers, never the next commit")
    func completionsDoNotHoldTheWriter() throws {
        try Self.withWriter { database, writer in
            let release = DispatchSemaphore(value: 0)
            let order = Mutex<[String]>([])
            let firstAnswered = DispatchSemaphore(value: 0)
            let secondAnswered = DispatchSemaphore(value: 0)
            let completionThread = Mutex<String?>(nil)
            try writer.submit({ connection in
                try connection.run("INSERT INTO entries(label) VALUES ('first')")
            }, completion: { _ in
                completionThread.withLock { $0 = try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8) }
                release.wait()
                order.withLock { $0.append("first") }
                firstAnswered.signal()
            })
            func committed(_ label: String) -> Bool {
                (try? database.read { try $0.queryOne("SELECT 1 AS found FROM entries WHERE label = ?", [.text(label)]) }) != nil
            }
            Self.waitUntil { committed("first") }
            try writer.submit({ connection in
                try connection.run("INSERT INTO entries(label) VALUES ('second')")
            }, completion: { _ in
                order.withLock { $0.append("second") }
                secondAnswered.signal()
            })
            // The first completion is still blocked, yet the writer commits the second batch.
            Self.waitUntil { committed("second") }
            #expect(committed("second"), "the writer committed the next batch while a completion was blocked")
            #expect(secondAnswered.wait(timeout: .now() + .milliseconds(100)) == .timedOut,
                    "answers keep commit order: the second waits for the first")
            release.signal()
            #expect(firstAnswered.wait(timeout: .now() + 10) == .success)
            #expect(secondAnswered.wait(timeout: .now() + 10) == .success)
            #expect(order.withLock { $0 } == ["first", "second"])
            #expect(completionThread.withLock { $0 }?.trimmingCharacters(in: .whitespacesAndNewlines) == "kp-gc-answers")
        }
    }

    @Test("a job that throws undoes only its own writes; the rest of its batch commits")
    func failingJobKeepsItsBatchMates() throws {
        try Self.withWriter { database, writer in
            let held = Self.holdWriter(writer)
            let outcomes = Mutex<[Int: String]>([:])
            let queued = Atomic<Int>(0)
            let finished = onThreads(3) { index in
                queued.add(1, ordering: .relaxed)
                do {
                    try writer.write { connection in
                        try connection.run("INSERT INTO entries(label) VALUES (?)", [.text("job-\(index)")])
                        if index == 1 { throw PlannedFailure() }
                    }
                    outcomes.withLock { $0[index] = "ok" }
                } catch {
                    outcomes.withLock { $0[index] = error is PlannedFailure ? "planned" : "\(error)" }
                }
            }
            Self.waitUntil { queued.load(ordering: .relaxed) == 3 }
            // The three jobs are queued behind the held batch before it is released.
            Thread.sleep(forTimeInterval: 0.05)
            held.release.signal()
            #expect(held.done() && finished())
            #expect(outcomes.withLock { $0 } == [0: "ok", 1: "planned", 2: "ok"])
            let labels = try database.read { try $0.query("SELECT label FROM entries ORDER BY label").compactMap { $0.string("label") } }
            #expect(labels == ["job-0", "job-2"])
            #expect(writer.statistics.batches == 2, "the three jobs shared one batch")
        }
    }

    @Test("when COMMIT fails, every job of the batch gets the error and none of its writes persist")
    func failedCommitFailsTheBatch() throws {
        try Self.withWriter { database, writer in
            let held = Self.holdWriter(writer)
            let errors = Mutex<[Int: String]>([:])
            let queued = Atomic<Int>(0)
            let finished = onThreads(2) { index in
                queued.add(1, ordering: .relaxed)
                do {
                    try writer.write { connection in
                        if index == 0 {
                            try connection.run("INSERT INTO entries(label) VALUES ('innocent')")
                        } else {
                            // A deferred foreign key is only checked at COMMIT.
                            try connection.run("INSERT INTO children(id, parent) VALUES (1, 999)")
                        }
                    }
                    errors.withLock { $0[index] = "committed" }
                } catch {
                    errors.withLock { $0[index] = "failed" }
                }
            }
            Self.waitUntil { queued.load(ordering: .relaxed) == 2 }
            Thread.sleep(forTimeInterval: 0.05)
            held.release.signal()
            #expect(held.done() && finished())
            #expect(errors.withLock { $0 } == [0: "failed", 1: "failed"])
            let count = try database.read { try $0.queryOne("SELECT count(*) AS n FROM entries")?.int("n") }
            #expect(count == 0)
            // The writer carries on after a failed batch.
            try writer.write { try $0.run("INSERT INTO entries(label) VALUES ('after')") }
            #expect(try database.read { try $0.queryOne("SELECT count(*) AS n FROM entries")?.int("n") } == 1)
        }
    }

    @Test("a full queue refuses at once with busy")
    func boundedQueue() throws {
        try Self.withWriter(limits: .init(maxQueuedJobs: 2, maxJobsPerBatch: 8)) { _, writer in
            let held = Self.holdWriter(writer)
            let queued = Atomic<Int>(0)
            let finished = onThreads(2) { _ in
                queued.add(1, ordering: .relaxed)
                _ = try? writer.write { _ in }
            }
            Self.waitUntil { queued.load(ordering: .relaxed) == 2 }
            Thread.sleep(forTimeInterval: 0.05)
            #expect(throws: StoreError.busy(message: "the write queue holds 2 jobs")) {
                try writer.write { _ in }
            }
            held.release.signal()
            #expect(held.done() && finished())
        }
    }

    @Test("batches hold at most maxJobsPerBatch jobs")
    func boundedBatch() throws {
        try Self.withWriter(limits: .init(maxQueuedJobs: 100, maxJobsPerBatch: 4)) { database, writer in
            let held = Self.holdWriter(writer)
            let queued = Atomic<Int>(0)
            let finished = onThreads(12) { index in
                queued.add(1, ordering: .relaxed)
                _ = try? writer.write { try $0.run("INSERT INTO entries(label) VALUES (?)", [.text("\(index)")]) }
            }
            Self.waitUntil { queued.load(ordering: .relaxed) == 12 }
            Thread.sleep(forTimeInterval: 0.05)
            held.release.signal()
            #expect(held.done() && finished())
            #expect(writer.statistics.batches == 1 + 3)
            let count = try database.read { try $0.queryOne("SELECT count(*) AS n FROM entries")?.int("n") }
            #expect(count == 12)
        }
    }

    @Test("stop lets queued jobs finish; later writes throw closed")
    func stopDrains() throws {
        try Self.withWriter { database, writer in
            try writer.write { try $0.run("INSERT INTO entries(label) VALUES ('before')") }
            let held = Self.holdWriter(writer)
            let answered = Atomic<Int>(0)
            for label in ["queued-1", "queued-2", "queued-3"] {
                try writer.submit({ try $0.run("INSERT INTO entries(label) VALUES (?)", [.text(label)]) },
                                  completion: { _ in answered.add(1, ordering: .relaxed) })
            }
            held.release.signal()
            writer.stop()
            #expect(held.done())
            #expect(answered.load(ordering: .relaxed) == 3, "every queued job is answered before stop returns")
            #expect(throws: StoreError.closed) {
                try writer.write { _ in }
            }
            #expect(try database.read { try $0.queryOne("SELECT count(*) AS n FROM entries")?.int("n") } == 4)
        }
    }
}
