import Dispatch
import Foundation
import Synchronization

/// Copies the WAL back into the database file on a thread of its own.
///
/// Left to itself, SQLite checkpoints inside the commit that takes the WAL past 1,000 pages:
/// that one writer transaction copies and syncs everyone's pages while it holds the write lock.
/// A sync page of a thousand records or a group-commit batch paid for it nearly every time. A
/// passive checkpoint takes no write lock and waits for no reader, so with this thread the
/// writer only appends to the WAL and syncs it. Durability is unchanged: a commit is on disk
/// once its WAL frames are synced, whether or not a checkpoint has copied them yet.
///
/// A checkpoint that fails (a disk error, another process checkpointing at the same moment)
/// leaves the WAL as it was for the next round and is reported to the `CheckpointObserver`; the
/// writer's own checkpoint at a larger size (see `Database`) bounds the WAL meanwhile, and
/// closing the writer checkpoints whatever is left.
final class WALCheckpointer: Sendable {
    /// How often the WAL is copied back: it grows by at most what the writer writes meanwhile.
    static let intervalMilliseconds = 200

    /// The checkpointing connection, used by the thread only; emptied (and so closed) by `stop`.
    private let connection: Mutex<SQLiteConnection?>
    private let wakeUp = DispatchSemaphore(value: 0)
    private let exited = DispatchSemaphore(value: 0)
    private let isStopping = Atomic<Bool>(false)
    private let observer: CheckpointObserver
    private let checkpoint: @Sendable (SQLiteConnection) throws(StoreError) -> Void

    /// Opens a connection of its own to `path` (which must exist, in WAL mode) and starts the
    /// thread. The busy timeout serves the opening; a passive checkpoint never waits for a lock.
    /// `checkpoint` is what a round runs; tests replace it to make rounds fail.
    init(path: String, busyTimeoutMilliseconds: Int, observer: CheckpointObserver,
         checkpoint: @escaping @Sendable (SQLiteConnection) throws(StoreError) -> Void = {
             try $0.execute("PRAGMA wal_checkpoint(PASSIVE)")
         }) throws(StoreError) {
        connection = Mutex(try SQLiteConnection(path: path, access: .readWrite, busyTimeoutMilliseconds: busyTimeoutMilliseconds))
        self.observer = observer
        self.checkpoint = checkpoint
        NamedThread.start("kp-checkpointer") { [self] in run() }
    }

    /// Ends the thread and closes its connection. Calling it again does nothing.
    func stop() {
        guard !isStopping.exchange(true, ordering: .relaxed) else { return }
        wakeUp.signal()
        exited.wait()
        connection.withLock { $0 = nil }
    }

    private func run() {
        var consecutiveFailures = 0
        while !isStopping.load(ordering: .relaxed) {
            _ = wakeUp.wait(timeout: .now() + .milliseconds(Self.intervalMilliseconds))
            let failure = connection.withLock { connection -> StoreError? in
                guard let connection else { return nil }
                do throws(StoreError) {
                    try checkpoint(connection)
                    return nil
                } catch {
                    return error
                }
            }
            if let failure {
                consecutiveFailures += 1
                observer.failed(failure, consecutiveFailures)
            } else if consecutiveFailures > 0 {
                observer.recovered(consecutiveFailures)
                consecutiveFailures = 0
            }
        }
        exited.signal()
    }
}
