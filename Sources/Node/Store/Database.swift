import Dispatch
import Foundation
import Glibc
import Synchronization

/// The node's store: one writer connection and a few read-only readers on one SQLite file in
/// WAL mode, so reads run beside the single writer, each on its own snapshot. Bodies run
/// synchronously on the calling thread, which must be one of the node's worker threads
/// (SQLite blocks). A body must not keep its connection, nor call `write` from inside `write`
/// (the one writer is already lent out, so the inner call fails with `.busy`).
public final class Database: Sendable {
    /// The store's own schema; callers append their component migrations after it.
    public static let baseMigrations: [Migration] = [
        Migration(
            version: 1,
            name: "create node_meta",
            sql: "CREATE TABLE node_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)"
        ),
    ]

    /// A random UUID made when the database was created and kept for its life. Peers compare
    /// it across sync pages: a changed epoch means the database was restored or rebuilt, so
    /// their checkpoints into it are void.
    public let epoch: String

    /// The database file.
    public let path: String

    /// The schema version this program migrated to; health checks expect to find it.
    private let schemaVersion: Int
    private let writer: ConnectionPool
    private let readers: ConnectionPool
    private let checkpointer: WALCheckpointer

    /// Opens (creating it with mode 0600 if absent) the database at `path`, applies pending
    /// `migrations` (which must start with `baseMigrations`), and opens `readerCount` readers.
    /// `busyTimeoutMilliseconds` bounds both SQLite's wait for a lock and the wait for a free
    /// pooled connection.
    public init(
        path: String,
        migrations: [Migration],
        readerCount: Int = 4,
        busyTimeoutMilliseconds: Int = 5000,
        checkpointObserver: CheckpointObserver = .ignoring
    ) throws(StoreError) {
        precondition(readerCount > 0, "a database needs at least one reader")
        precondition(
            migrations.starts(with: Self.baseMigrations),
            "migrations must start with Database.baseMigrations"
        )
        let migrator = try Migrator(migrations)
        try Self.createFileIfAbsent(path)
        let writerConnection = try SQLiteConnection(
            path: path, access: .readWrite, busyTimeoutMilliseconds: busyTimeoutMilliseconds
        )
        try migrator.migrate(writerConnection)
        epoch = try Self.readOrCreateEpoch(writerConnection)
        // `WALCheckpointer` copies the WAL back beside the writer. The writer's own checkpoint
        // stays as a backstop, at ten times SQLite's default: a passive checkpoint only lets the
        // WAL start over when it finishes between two write transactions, so under writes with
        // no pause (a long sync, a bulk load) the file would otherwise grow without end. After
        // a restart the file is cut back to the size limit.
        try writerConnection.execute("PRAGMA wal_autocheckpoint = \(Self.walBackstopPages)")
        try writerConnection.execute("PRAGMA journal_size_limit = \(Self.walSizeLimitBytes)")
        // Readers open after migrating: a read-only connection cannot switch the file to WAL.
        var readerConnections: [SQLiteConnection] = []
        for _ in 0..<readerCount {
            readerConnections.append(
                try SQLiteConnection(path: path, access: .readOnly, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
            )
        }
        // Last of what may throw, so a failed open leaves no thread behind.
        checkpointer = try WALCheckpointer(path: path, busyTimeoutMilliseconds: busyTimeoutMilliseconds,
                                           observer: checkpointObserver)
        self.path = path
        schemaVersion = migrator.latestVersion
        writer = ConnectionPool(
            role: "writer",
            leases: [Lease(connection: writerConnection)],
            waitTimeoutMilliseconds: busyTimeoutMilliseconds
        )
        readers = ConnectionPool(
            role: "reader",
            leases: readerConnections.map(Lease.init(connection:)),
            waitTimeoutMilliseconds: busyTimeoutMilliseconds
        )
    }

    /// WAL pages after which a commit checkpoints by itself (see `init`): about 40 MiB.
    static let walBackstopPages = 10_000
    /// The size the WAL file is cut back to once it starts over.
    static let walSizeLimitBytes = 64 << 20

    /// A database dropped without `close` (a start-up that failed halfway) still stops its
    /// checkpointer thread; the connections close with their pools.
    deinit {
        checkpointer.stop()
    }

    /// Runs `body` on the writer inside `BEGIN IMMEDIATE` … `COMMIT`; if it throws, everything
    /// it wrote is rolled back and its error rethrown as it was.
    @discardableResult
    public func write<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        let lease = try writer.checkOut()
        defer { writer.checkIn(lease) }
        let connection = lease.connection
        return try connection.transaction(.immediate, { try body(connection) }, storeError: { $0 })
    }

    /// Runs `body` on a read-only connection inside one read transaction, so every query in it
    /// sees the same committed snapshot.
    @discardableResult
    public func read<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        let lease = try readers.checkOut()
        defer { readers.checkIn(lease) }
        let connection = lease.connection
        return try connection.transaction(.deferred, { try body(connection) }, storeError: { $0 })
    }

    /// Runs one query on a read-only connection and returns its first row. A single statement
    /// reads one committed snapshot by itself, so this skips the `BEGIN`/`COMMIT` that `read`
    /// wraps around several: for lookups made on every request (an API key).
    public func readOne(_ sql: String, _ parameters: [SQLValue] = []) throws -> SQLRow? {
        let lease = try readers.checkOut()
        defer { readers.checkIn(lease) }
        return try lease.connection.queryOne(sql, parameters)
    }

    /// Proves a reader can open the file and read it, and that the schema is still the one this
    /// program migrated to (another process may have upgraded the file underneath).
    public func checkHealth() throws(StoreError) {
        let lease = try readers.checkOut()
        defer { readers.checkIn(lease) }
        let applied = try Migrator.appliedVersion(in: lease.connection)
        guard applied == schemaVersion else {
            throw .migration(version: applied, message: "schema version is \(applied), expected \(schemaVersion)")
        }
    }

    /// Closes every connection once it is back from its current body; later calls throw
    /// `.closed`. Calling it again does nothing.
    public func close() {
        // Readers first: the last connection to close checkpoints the WAL into the main file,
        // and that should be the writer's close.
        checkpointer.stop()
        readers.close()
        writer.close()
    }

    /// Creates the file with mode 0600 before SQLite opens it, so the hashed API keys and the
    /// ledger are never readable by others, not even for a moment; SQLite gives its `-wal` and
    /// `-shm` files the mode of the database file. An existing file keeps the mode its operator
    /// chose.
    private static func createFileIfAbsent(_ path: String) throws(StoreError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor != -1 else {
            let code = errno
            guard code == EEXIST else {
                throw .fileSystem(path: path, code: code, message: String(cString: strerror(code)))
            }
            return
        }
        // SQLite accepts an empty file as an empty database.
        guard Glibc.close(descriptor) == 0 else {
            let code = errno
            throw .fileSystem(path: path, code: code, message: String(cString: strerror(code)))
        }
    }

    /// Stores a fresh epoch if the database has none yet and returns the stored one, in one
    /// statement: on conflict the update keeps the stored value, so an epoch is made exactly
    /// once per database and never replaced.
    private static func readOrCreateEpoch(_ connection: SQLiteConnection) throws(StoreError) -> String {
        let row = try connection.queryOne(
            """
            INSERT INTO node_meta(key, value) VALUES ('epoch', ?)
            ON CONFLICT(key) DO UPDATE SET value = node_meta.value
            RETURNING value
            """,
            [.text(UUID().uuidString.lowercased())]
        )
        guard let row else {
            preconditionFailure("an upsert with RETURNING yields the row it inserted or kept")
        }
        return try row.required("value")
    }
}

/// A pooled connection on its way between threads. `@unchecked Sendable` because the compiler
/// cannot follow a connection through the pool, yet moving one is safe: a NOMUTEX connection
/// may be used from any thread as long as only one uses it at a time, and the pool gives each
/// lease to one thread at a time, taking it off the free list under the mutex before use and
/// getting it back only when the body is done (bodies must not keep the connection, see
/// `Database`).
private struct Lease: @unchecked Sendable {
    let connection: SQLiteConnection
}

/// A fixed set of connections, each lent to one thread at a time. Waiting for a free one blocks
/// on a semaphore (no spinning) for at most the busy timeout; the free list itself is only
/// touched under the mutex, which is never held while a connection is in use.
private final class ConnectionPool: Sendable {
    private struct State {
        var free: [Lease]
        var isClosed = false
    }

    /// "writer" or "reader", for the message when none comes free in time.
    private let role: String
    private let state: Mutex<State>
    /// Counts free connections (plus wake-ups after close). It starts at 0 and is signalled once
    /// per connection, because libdispatch traps when a semaphore is destroyed below its
    /// initial value.
    private let freeCount = DispatchSemaphore(value: 0)
    private let waitTimeoutMilliseconds: Int

    init(role: String, leases: [Lease], waitTimeoutMilliseconds: Int) {
        self.role = role
        self.waitTimeoutMilliseconds = waitTimeoutMilliseconds
        state = Mutex(State(free: leases))
        for _ in leases {
            freeCount.signal()
        }
    }

    /// Takes a free connection, waiting for one up to the timeout. The caller must `checkIn` it.
    func checkOut() throws(StoreError) -> Lease {
        guard freeCount.wait(timeout: .now() + .milliseconds(waitTimeoutMilliseconds)) == .success else {
            throw .busy(message: "no \(role) connection came free within \(waitTimeoutMilliseconds) ms")
        }
        let lease = state.withLock { state -> Lease? in
            guard !state.isClosed else { return nil }
            // Each successful wait consumes one signal, and each signal before close stands
            // for one connection put on the free list.
            guard let lease = state.free.popLast() else {
                preconditionFailure("the semaphore let a \(role) through with an empty free list")
            }
            return lease
        }
        guard let lease else {
            // Pass the close wake-up on to the next waiter.
            freeCount.signal()
            throw .closed
        }
        return lease
    }

    /// Returns a connection taken by `checkOut`; after `close` it is dropped, which closes it.
    func checkIn(_ lease: Lease) {
        state.withLock { state in
            if !state.isClosed {
                state.free.append(lease)
            }
        }
        freeCount.signal()
    }

    /// Marks the pool closed and closes the free connections, outside the lock since closing
    /// the last one checkpoints the WAL to disk.
    func close() {
        // The free connections are handed out of the lock and released when the result is
        // discarded, so they close after the lock is let go.
        _ = state.withLock { state -> [Lease] in
            state.isClosed = true
            let free = state.free
            state.free = []
            return free
        }
        // Wakes one waiter, which finds the pool closed and passes the wake-up on.
        freeCount.signal()
    }
}
