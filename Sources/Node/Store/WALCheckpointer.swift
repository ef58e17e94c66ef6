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
/// leaves the WAL as it was for the next round; the writer's own checkpoint at a larger size
/// (see `Database`) bounds it meanwhile, and closing the writer checkpoints whatever is left.
final class WALCheckpointer: Sendable {
    /// How often the WAL is copied back: it grows by at most what the writer writes meanwhile.
    static let intervalMilliseconds = 200

    /// The checkpointing connection, used by the thread only; emptied (and so closed) by `stop`.
    private let connection: Mutex<SQLiteConnection?>
    private let wakeUp = DispatchSemaphore(value: 0)
    private let exited = DispatchSemaphore(value: 0)
    private let isStopping = Atomic<Bool>(false)

    /// Opens a connection of its own to `path` (which must exist, in WAL mode) and starts the
    /// thread. The busy timeout serves the opening; a passive checkpoint never waits for a lock.
    init(path: String, busyTimeoutMilliseconds: Int) throws(StoreError) {
        connection = Mutex(try SQLiteConnection(path: path, access: .readWrite, busyTimeoutMilliseconds: busyTimeoutMilliseconds))
        let thread = Thread { [self] in run() }
        thread.name = "knooppunt-checkpointer"
        thread.start()
    }

    /// Ends the thread and closes its connection. Calling it again does nothing.
    func stop() {
        guard !isStopping.exchange(true, ordering: .relaxed) else { return }
        wakeUp.signal()
        exited.wait()
        connection.withLock { $0 = nil }
    }

    private func run() {
        while !isStopping.load(ordering: .relaxed) {
            _ = wakeUp.wait(timeout: .now() + .milliseconds(Self.intervalMilliseconds))
            connection.withLock { connection in
                _ = try? connection?.execute("PRAGMA wal_checkpoint(PASSIVE)")
            }
        }
        exited.signal()
    }
}
