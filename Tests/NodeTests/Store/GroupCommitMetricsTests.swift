import Dispatch
import Foundation
import Synchronization
import Testing
@testable import Node

/// The group-commit writer's series as a scrape sees them: after real concurrent writes every
/// committed job and batch is counted with one commit duration per batch, and a batch whose
/// COMMIT failed counts nothing.
@Suite("GroupCommitMetrics")
struct GroupCommitMetricsTests {

    private static func withWriter(_ body: (GroupCommitWriter, Metrics) throws -> Void) throws {
        try withStoreTestDirectory { directory in
            let database = try Database(path: storeDatabasePath(in: directory), migrations: GroupCommitWriterTests.migrations)
            let metrics = Metrics(version: "test")
            let writer = GroupCommitWriter(database: database, logger: Logger(label: "test", sink: CapturingSink()),
                                           metrics: GroupCommitMetrics(metrics: metrics))
            defer {
                writer.stop()
                database.close()
            }
            try body(writer, metrics)
        }
    }

    /// The value of one sample line, e.g. `knooppunt_group_commit_jobs_total`.
    static func sample(_ text: String, _ name: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.dropFirst(name.count + 1)) }
    }

    @Test("batches, jobs and commit durations after concurrent writes")
    func countsConcurrentWrites() throws {
        try Self.withWriter { writer, metrics in
            let before = metrics.render()
            #expect(Self.sample(before, "knooppunt_group_commit_batches_total") == 0)
            #expect(Self.sample(before, "knooppunt_group_commit_jobs_total") == 0)
            #expect(Self.sample(before, "knooppunt_group_commit_duration_seconds_count") == 0)

            let threadCount = 16
            let writesPerThread = 25
            let failures = Atomic<Int>(0)
            let finished = onThreads(threadCount) { thread in
                for write in 0..<writesPerThread {
                    do {
                        try writer.write { try $0.run("INSERT INTO entries(label) VALUES (?)", [.text("\(thread)-\(write)")]) }
                    } catch {
                        failures.add(1, ordering: .relaxed)
                    }
                }
            }
            #expect(finished())
            #expect(failures.load(ordering: .relaxed) == 0)

            let text = metrics.render()
            let statistics = writer.statistics
            #expect(Self.sample(text, "knooppunt_group_commit_jobs_total") == Double(threadCount * writesPerThread))
            #expect(Self.sample(text, "knooppunt_group_commit_batches_total") == Double(statistics.batches))
            #expect(statistics.batches >= 1 && statistics.batches <= threadCount * writesPerThread)
            #expect(Self.sample(text, "knooppunt_group_commit_duration_seconds_count") == Double(statistics.batches),
                    "one commit duration per batch")
            #expect(Self.sample(text, #"knooppunt_group_commit_duration_seconds_bucket{le="+Inf"}"#) == Double(statistics.batches))
            #expect((Self.sample(text, "knooppunt_group_commit_duration_seconds_sum") ?? 0) > 0, "a COMMIT with fsync takes time")
        }
    }

    @Test("a batch whose COMMIT failed counts nothing")
    func aFailedCommitCountsNothing() throws {
        try Self.withWriter { writer, metrics in
            // A deferred foreign key is only checked at COMMIT, which then fails.
            #expect(throws: StoreError.self) {
                try writer.write { try $0.run("INSERT INTO children(id, parent) VALUES (1, 999)") }
            }
            let text = metrics.render()
            #expect(Self.sample(text, "knooppunt_group_commit_batches_total") == 0)
            #expect(Self.sample(text, "knooppunt_group_commit_jobs_total") == 0)
            #expect(Self.sample(text, "knooppunt_group_commit_duration_seconds_count") == 0)
            try writer.write { try $0.run("INSERT INTO entries(label) VALUES ('after')") }
            #expect(Self.sample(metrics.render(), "knooppunt_group_commit_jobs_total") == 1)
        }
    }
}
