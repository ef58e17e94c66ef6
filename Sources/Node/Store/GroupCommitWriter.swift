import CSQLite
import Dispatch
import Foundation
import Synchronization

/// Group commit: small write transactions from many request threads, merged by one writer
/// thread into one SQLite transaction, so that one `fsync` (synchronous=FULL) makes a whole batch
/// durable instead of one request. It is how the node gets throughput without weakening
/// durability: every caller of `write` returns, and every `submit` completion runs, only after
/// the `COMMIT` that holds its writes. The answers go out from a thread of their own
/// (`BatchAnswerer`), in commit order, while the writer already runs the next batch.
///
/// Each job runs in its own savepoint, so a job that throws undoes only its own writes and gets
/// its own error, while the rest of the batch commits. Jobs run one after another on the writer
/// thread, in the order they were queued, each seeing the writes of the jobs before it; a batch
/// starts as soon as the writer is free, with every job queued while the previous batch was
/// syncing (there is no waiting to fill a batch, so a lone request pays no extra latency).
///
/// The queue and the batch are bounded (`Limits`): a full queue refuses at once with
/// `StoreError.busy`, which the HTTP edge answers with 503 and `Retry-After`.
public final class GroupCommitWriter: Sendable {
    public struct Limits: Sendable, Equatable {
        /// Jobs waiting for the writer; one more is refused. Far above the worker pool, which is
        /// what really bounds concurrent requests, so it only trips when callers misbehave.
        public var maxQueuedJobs: Int
        /// Jobs in one transaction. Bounds the time a batch holds the write lock and the work
        /// lost to an error that aborts a whole transaction.
        public var maxJobsPerBatch: Int

        public init(maxQueuedJobs: Int = 4096, maxJobsPerBatch: Int = 256) {
            precondition(maxQueuedJobs > 0, "the queue must hold at least one job")
            precondition(maxJobsPerBatch > 0, "a batch must hold at least one job")
            self.maxQueuedJobs = maxQueuedJobs
            self.maxJobsPerBatch = maxJobsPerBatch
        }
    }

    /// Counts since start, for metrics and the benchmark's mean batch size.
    public struct Statistics: Sendable, Equatable {
        public let batches: Int
        public let jobs: Int
    }

    /// One caller's work and what to do once its batch is over. The body stores its own typed
    /// result (see `submit`); the writer passes `complete` the job's error, or nil once committed.
    private final class Job: Sendable {
        let body: @Sendable (SQLiteConnection) throws -> Void
        let complete: @Sendable ((any Error)?) -> Void

        init(body: @escaping @Sendable (SQLiteConnection) throws -> Void, complete: @escaping @Sendable ((any Error)?) -> Void) {
            self.body = body
            self.complete = complete
        }
    }

    private struct State {
        var queue: [Job] = []
        var head = 0
        var isStopping = false
        var queuedCount: Int { queue.count - head }

        /// Takes up to `limit` jobs from the front, compacting now and then so the array does not
        /// grow with the total ever queued.
        mutating func takeBatch(limit: Int) -> [Job] {
            let end = min(queue.count, head + limit)
            let batch = Array(queue[head..<end])
            head = end
            if head > 64 && head * 2 > queue.count {
                queue.removeFirst(head)
                head = 0
            }
            return batch
        }
    }

    private let database: Database
    private let limits: Limits
    private let logger: Logger
    private let metrics: GroupCommitMetrics?
    private let answerer: BatchAnswerer
    private let state = Mutex(State())
    /// Signalled once per queued job and once at stop; the writer may find the queue already
    /// emptied by an earlier, larger batch, which is harmless.
    private let wakeUp = DispatchSemaphore(value: 0)
    private let exited = DispatchSemaphore(value: 0)
    private let batchCount = Atomic<Int>(0)
    private let jobCount = Atomic<Int>(0)

    /// Starts the writer thread. The database's single writer connection is borrowed once per
    /// batch, so other `Database.write` callers still get their turn between batches. `metrics`
    /// is nil where no scrape reads them (tests). The thread is called `kp-` and `name` (at most
    /// 12 characters: Linux keeps 15 of a thread's name and refuses a longer one), as `top -H` shows;
    /// the one that answers is `kp-gc-answers`.
    public init(database: Database, limits: Limits = Limits(), logger: Logger, metrics: GroupCommitMetrics? = nil,
                name: String = "group-commit") {
        self.database = database
        self.limits = limits
        self.logger = logger
        self.metrics = metrics
        answerer = BatchAnswerer(threadName: "kp-gc-answers")
        NamedThread.start("kp-\(name)") { [self] in run() }
    }

    public var statistics: Statistics {
        Statistics(batches: batchCount.load(ordering: .relaxed), jobs: jobCount.load(ordering: .relaxed))
    }

    /// Runs `body` on the writer thread inside its own savepoint of the next batch's transaction
    /// and returns its result once that transaction is committed: a return means the writes are on
    /// disk. If `body` throws, its writes are undone and its error rethrown here; if the batch's
    /// `COMMIT` fails, every job in it gets the commit's error, and none of their writes persist.
    /// Blocks the calling thread, which must be one of the node's worker threads, never a Task.
    /// `body` must not call `write` itself (the writer would wait for itself).
    @discardableResult
    public func write<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws -> T) throws -> T {
        try BlockingCompletion.wait { completion in try submit(body, completion: completion) }.get()
    }

    /// Like `write`, without waiting: `completion` gets the result once the batch's transaction is
    /// committed (or the error that undid the job). It runs on the answering thread, which answers
    /// batch after batch in commit order, so it must only hand the result on (to an event loop,
    /// say), never block or do work of its own. Throws at once, without calling `completion`, when the
    /// queue is full or the writer stopped.
    public func submit<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws -> T,
                                    completion: @escaping @Sendable (Result<T, any Error>) -> Void) throws(StoreError) {
        let value = Mutex<T?>(nil)
        try enqueue(Job(
            body: { connection in
                let result = try body(connection)
                value.withLock { $0 = result }
            },
            complete: { error in
                if let error { return completion(.failure(error)) }
                guard let result = value.withLock({ $0.take() }) else {
                    preconditionFailure("a job that did not fail has stored its result")
                }
                completion(.success(result))
            }))
    }

    /// Lets the queued jobs finish, then ends the writer thread and waits for it. Later `write`
    /// calls throw `StoreError.closed`. Call it before closing the database.
    public func stop() {
        let wasStopping = state.withLock { state in
            defer { state.isStopping = true }
            return state.isStopping
        }
        guard !wasStopping else { return }
        wakeUp.signal()
        exited.wait()
        answerer.stop()
        let statistics = self.statistics
        logger.info("group commit writer stopped", [("batches", .integer(statistics.batches)), ("jobs", .integer(statistics.jobs))])
    }

    private func enqueue(_ job: Job) throws(StoreError) {
        let refusal: StoreError? = state.withLock { state in
            guard !state.isStopping else { return .closed }
            guard state.queuedCount < limits.maxQueuedJobs else {
                return .busy(message: "the write queue holds \(limits.maxQueuedJobs) jobs")
            }
            state.queue.append(job)
            return nil
        }
        if let refusal { throw refusal }
        wakeUp.signal()
    }

    private func run() {
        while true {
            wakeUp.wait()
            while true {
                let batch = state.withLock { $0.takeBatch(limit: limits.maxJobsPerBatch) }
                if batch.isEmpty { break }
                commit(batch)
            }
            if state.withLock({ $0.isStopping && $0.queuedCount == 0 }) { break }
        }
        exited.signal()
    }

    /// Runs one batch in one transaction and completes every job in it.
    private func commit(_ batch: [Job]) {
        var failures = [(any Error)?](repeating: nil, count: batch.count)
        // Set after the last job, so the time from it to `database.write` returning is the COMMIT.
        var jobsFinished = ContinuousClock.now
        do {
            try database.write { connection in
                for (index, job) in batch.enumerated() {
                    // After an error that made SQLite roll back the whole transaction, a savepoint
                    // would open a transaction of its own and its release would commit a lone job
                    // outside the batch. Fail the rest instead; COMMIT then fails for all.
                    guard connection.isInTransaction else {
                        failures[index] = StoreError.sqlite(code: SQLITE_ABORT, message: "the batch's transaction was rolled back")
                        continue
                    }
                    do {
                        try connection.savepoint { try job.body(connection) }
                    } catch {
                        failures[index] = error
                    }
                }
                jobsFinished = ContinuousClock.now
            }
        } catch {
            logger.error("group commit failed", [("jobs", .integer(batch.count)), ("error", .string(String(describing: error)))])
            answer(batch, failures.map { $0 ?? error })
            return
        }
        metrics?.recordBatch(jobs: batch.count, commitDuration: ContinuousClock.now - jobsFinished)
        batchCount.add(1, ordering: .relaxed)
        jobCount.add(batch.count, ordering: .relaxed)
        answer(batch, failures)
    }

    private func answer(_ batch: [Job], _ failures: [(any Error)?]) {
        answerer.answer {
            for (job, failure) in zip(batch, failures) { job.complete(failure) }
        }
    }
}
