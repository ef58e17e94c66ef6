import Foundation
import Synchronization
import Testing
@testable import Node

/// Commits only append to the WAL; the checkpointer thread copies it into the database file.
@Suite struct WALCheckpointerTests {
    static let blobs = Migration(version: 2, name: "blobs", sql: "CREATE TABLE blobs(id INTEGER PRIMARY KEY, data BLOB NOT NULL)")

    @Test func theWALReachesTheDatabaseFileWithoutACommitCopyingIt() throws {
        try withStoreTestDirectory { directory in
            let path = storeDatabasePath(in: directory)
            let database = try Database(path: path, migrations: Database.baseMigrations + [Self.blobs])
            defer { database.close() }
            let autocheckpoint = try database.write { try $0.queryOne("PRAGMA wal_autocheckpoint")?.int64("wal_autocheckpoint") }
            #expect(autocheckpoint == Int64(Database.walBackstopPages), "the writer's commits checkpoint only as a backstop")
            // 2 MiB: under the writer's threshold, so only the checkpointer moves it.
            let size = 2 << 20
            try database.write { try $0.run("INSERT INTO blobs(data) VALUES (?)", [.blob(Array(repeating: 7, count: size))]) }
            let giveUp = ContinuousClock.now + .seconds(10)
            while Self.fileSize(path) < size && ContinuousClock.now < giveUp {
                Thread.sleep(forTimeInterval: 0.05)
            }
            #expect(Self.fileSize(path) >= size, "the database file holds the committed blob")
        }
    }

    /// A failing checkpoint is reported every time with its count in a row, and the first one
    /// that works again ends the run; the node logs and counts from these reports.
    @Test func failedCheckpointsAreReportedAndSoIsTheRecovery() throws {
        try withStoreTestDirectory { directory in
            let path = storeDatabasePath(in: directory)
            let database = try Database(path: path, migrations: Database.baseMigrations)
            defer { database.close() }
            let reports = Mutex<[String]>([])
            let rounds = Atomic<Int>(0)
            let observer = CheckpointObserver(
                failed: { error, consecutive in reports.withLock { $0.append("failed \(consecutive): \(error)") } },
                recovered: { failedRounds in reports.withLock { $0.append("recovered after \(failedRounds)") } })
            let checkpointer = try WALCheckpointer(path: path, busyTimeoutMilliseconds: 1000, observer: observer) { connection throws(StoreError) in
                guard rounds.add(1, ordering: .relaxed).newValue > 3 else {
                    throw StoreError.sqlite(code: 10, message: "disk I/O error")
                }
                try connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
            }
            defer { checkpointer.stop() }
            let giveUp = ContinuousClock.now + .seconds(10)
            while reports.withLock({ $0.count }) < 4 && ContinuousClock.now < giveUp {
                Thread.sleep(forTimeInterval: 0.05)
            }
            #expect(reports.withLock { $0 } == [
                "failed 1: \(StoreError.sqlite(code: 10, message: "disk I/O error"))",
                "failed 2: \(StoreError.sqlite(code: 10, message: "disk I/O error"))",
                "failed 3: \(StoreError.sqlite(code: 10, message: "disk I/O error"))",
                "recovered after 3",
            ])
        }
    }

    /// What the node makes of the reports: every failure counted, the first of a run logged as
    /// a warning and its end as news, the failures in between not logged.
    @Test func theNodeCountsEveryFailureAndLogsOnlyTheFirstOfARun() {
        let sink = CapturingSink()
        let metrics = Metrics(version: "test")
        let observer = NodeRuntime.reportingCheckpoints(logger: Logger(label: "node", sink: sink), metrics: metrics)
        for consecutive in 1...3 { observer.failed(.sqlite(code: 10, message: "disk I/O error"), consecutive) }
        observer.recovered(3)
        #expect(metrics.render().contains("knooppunt_store_checkpoint_failures_total 3\n"))
        let lines = sink.captured
        #expect(lines.count == 2)
        #expect(lines.first?.contains(#""level":"warning","component":"node","msg":"WAL checkpoint failed"#) == true)
        #expect(lines.first?.contains("disk I/O error") == true)
        #expect(lines.last?.contains(#""msg":"WAL checkpoints work again","failedRounds":3"#) == true)
    }

    static func fileSize(_ path: String) -> Int {
        (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    }
}
