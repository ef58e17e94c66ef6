import Dispatch
import Foundation
import Glibc
import Synchronization

/// Makes the writer's commits durable on a thread of its own, so the writer can run the next
/// transaction while the disk syncs the last one.
///
/// With `synchronous=FULL`, SQLite syncs the WAL inside every `COMMIT`, and the single writer
/// waits for the disk there with the write lock held: under group commit the writer spent a
/// third of its time in that wait, idle, while the next batch queued up. Here the writer's
/// connection runs `synchronous=NORMAL` (SQLite writes the WAL frames and returns; NORMAL in
/// WAL mode never corrupts the file, it only leaves the last commits unsynced) and this thread
/// syncs the WAL with `fdatasync`, once for every commit that finished meanwhile, the way
/// PostgreSQL flushes its WAL for a group of commits.
///
/// Durability stays what `synchronous=FULL` gives, because nothing that depends on a commit
/// happens before a sync that covers it: `Database.write` returns, and a group-commit batch's
/// callers get their answers, only from `whenDurable`; and a reader that could have seen a
/// commit waits for it too (`waitForVisibleCommits`), so no answer shows what a power cut could
/// still erase. The WAL is a log: a sync covers every frame written before it, and recovery keeps
/// a prefix of the commits, so a lost commit takes every later one with it and none of them was
/// acknowledged.
///
/// A failed `fdatasync` cannot be retried: Linux may already have dropped the pages it could not
/// write and report the next sync as a success. So the first failure is final: every caller
/// waiting then or later gets it, and the database takes no more writes; the node reports
/// unhealthy until an operator restarts it, and SQLite's recovery then reads what reached the disk.
final class WALSyncer: Sendable {
    private struct Waiter {
        let generation: UInt64
        let action: @Sendable (StoreError?) -> Void
    }

    private struct State {
        /// Commits begun: a reader may see them as soon as their `COMMIT` runs.
        var started: UInt64 = 0
        /// Commits whose `COMMIT` returned, so their frames are in the WAL file.
        var committed: UInt64 = 0
        /// Commits covered by a finished sync.
        var durable: UInt64 = 0
        var failure: StoreError?
        var waiters: [Waiter] = []
        var isStopping = false
        /// The thread has answered its last waiters and ended: later ones are answered at once.
        var hasStopped = false

        /// Records a sync that covered commits up to `target` (or failed), and takes the waiters
        /// it answers, each with its outcome: those now durable, every one after a failure, and
        /// at stop the rest, whose commits never finished, with `.closed`.
        mutating func settle(syncedThrough target: UInt64, syncFailure: StoreError?,
                             isStopping: Bool) -> [(Waiter, StoreError?)] {
            if failure == nil, let syncFailure { failure = syncFailure }
            if failure == nil { durable = max(durable, target) }
            var answers: [(Waiter, StoreError?)] = []
            var remaining: [Waiter] = []
            for waiter in waiters {
                if let failure {
                    answers.append((waiter, failure))
                } else if waiter.generation <= durable {
                    answers.append((waiter, nil))
                } else if isStopping {
                    answers.append((waiter, .closed))
                } else {
                    remaining.append(waiter)
                }
            }
            waiters = remaining
            hasStopped = isStopping
            return answers
        }
    }

    private let walPath: String
    /// An open descriptor of the WAL file; SQLite keeps the file (same inode) while any of the
    /// node's connections is open, restarting and truncating it in place.
    private let descriptor: Int32
    private let state = Mutex(State())
    /// Signalled when a commit finishes and at stop.
    private let wakeUp = DispatchSemaphore(value: 0)
    private let exited = DispatchSemaphore(value: 0)
    /// Test seam: the sync call, `fdatasync` in production.
    private let sync: @Sendable (Int32) -> Int32

    /// Opens the WAL file of the database at `databasePath` (which must exist: open the database
    /// in WAL mode and write to it first), syncs its folder once, so the file itself is sure to be
    /// found after a power cut, and starts the thread.
    init(databasePath: String, sync: @escaping @Sendable (Int32) -> Int32 = { fdatasync($0) }) throws(StoreError) {
        walPath = databasePath + "-wal"
        descriptor = open(walPath, O_RDONLY | O_CLOEXEC)
        guard descriptor != -1 else { throw Self.fileSystemError(walPath) }
        let folder = (databasePath as NSString).deletingLastPathComponent
        let folderDescriptor = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard folderDescriptor != -1, fsync(folderDescriptor) == 0 else {
            let error = Self.fileSystemError(folder)
            if folderDescriptor != -1 { Glibc.close(folderDescriptor) }
            Glibc.close(descriptor)
            throw error
        }
        Glibc.close(folderDescriptor)
        self.sync = sync
        NamedThread.start("kp-wal-sync") { [self] in run() }
    }

    deinit {
        Glibc.close(descriptor)
    }

    /// Called by the writer just before its `COMMIT`, once the transaction's work is done: from
    /// here on a reader may see it. Returns the commit's number for `commitFinished` and
    /// `whenDurable`; throws the sync failure that stopped writes, or `.closed` after `stop`.
    func commitStarting() throws(StoreError) -> UInt64 {
        try state.withLock { state throws(StoreError) -> UInt64 in
            if let failure = state.failure { throw failure }
            guard !state.isStopping else { throw .closed }
            state.started += 1
            return state.started
        }
    }

    /// Called by the writer once `COMMIT` returned (or failed: there is then nothing more to
    /// sync, and a sync that covers it anyway is harmless).
    func commitFinished(_ generation: UInt64) {
        state.withLock { state in
            precondition(generation == state.committed + 1, "commits finish in the order they start, one at a time")
            state.committed = generation
        }
        wakeUp.signal()
    }

    /// Runs `action` once commit `generation` is on disk, at once on this thread if it already
    /// is, else on the sync thread, which it must not hold up: hand the result on, never block.
    /// It gets the sync failure instead if the sync failed.
    func whenDurable(_ generation: UInt64, _ action: @escaping @Sendable (StoreError?) -> Void) {
        let outcome: StoreError?? = state.withLock { state in
            if let failure = state.failure { return .some(failure) }
            if state.durable >= generation { return .some(nil) }
            if state.hasStopped { return .some(.closed) }
            state.waiters.append(Waiter(generation: generation, action: action))
            return nil
        }
        if let outcome { action(outcome) }
    }

    /// Blocks until commit `generation` is on disk; throws the sync failure if it is not.
    func waitUntilDurable(_ generation: UInt64) throws(StoreError) {
        let isDurable = try state.withLock { state throws(StoreError) -> Bool in
            if let failure = state.failure { throw failure }
            return state.durable >= generation
        }
        guard !isDurable else { return }
        if let failure = BlockingCompletion.wait({ completion in whenDurable(generation, completion) }) {
            throw failure
        }
    }

    /// Blocks until every commit a reader could have seen so far is on disk: a reader calls it
    /// after its read, before it answers.
    func waitForVisibleCommits() throws(StoreError) {
        try waitUntilDurable(state.withLock { $0.started })
    }

    /// Whether a sync failed, which stops all writes for good (see the type's comment).
    var failure: StoreError? {
        state.withLock { $0.failure }
    }

    /// Syncs what is committed, answers every waiter and ends the thread. Later commits are
    /// refused with `.closed`. Calling it again does nothing.
    func stop() {
        let wasStopping = state.withLock { state in
            defer { state.isStopping = true }
            return state.isStopping
        }
        guard !wasStopping else { return }
        wakeUp.signal()
        exited.wait()
    }

    private func run() {
        var isStopping = false
        while !isStopping {
            wakeUp.wait()
            let (target, needsSync) = state.withLock { state in
                isStopping = state.isStopping
                return (state.committed, state.failure == nil && state.durable < state.committed)
            }
            let syncFailure: StoreError? = needsSync && sync(descriptor) != 0 ? Self.fileSystemError(walPath) : nil
            let answers = state.withLock { $0.settle(syncedThrough: target, syncFailure: syncFailure, isStopping: isStopping) }
            for (waiter, outcome) in answers { waiter.action(outcome) }
        }
        exited.signal()
    }

    private static func fileSystemError(_ path: String) -> StoreError {
        let code = errno
        return .fileSystem(path: path, code: code, message: String(cString: strerror(code)))
    }
}
