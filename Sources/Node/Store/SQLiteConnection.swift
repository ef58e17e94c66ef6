import CSQLite

/// One SQLite connection, closed in `deinit`. It is opened without SQLite's own mutex
/// (`SQLITE_OPEN_NOMUTEX`), so it must be used by one thread at a time: the type is not
/// `Sendable`, and `Database` hands each connection to one thread at a time.
public final class SQLiteConnection {
    /// Whether the connection may change the database.
    public enum Access: Sendable {
        /// Read and write, creating the file if it is absent.
        case readWrite
        /// Read only; the file must exist.
        case readOnly
    }

    /// How a transaction takes its locks.
    enum TransactionKind {
        /// Takes the write lock at `BEGIN`, so a writer waits for the lock once, up front, and
        /// never fails halfway with SQLITE_BUSY when upgrading a read to a write.
        case immediate
        /// Takes no lock at `BEGIN`; the first read fixes the snapshot the rest of it sees.
        case deferred
    }

    /// `sqlite3*`, owned: closed in `deinit`. `SQLiteStatement` borrows it to prepare and to
    /// read error messages, and keeps this connection alive while it does.
    let handle: OpaquePointer
    /// The statements `run`, `query` and `queryOne` reuse; finalized before the handle closes.
    let statementCache = StatementCache()

    /// Opens `path` through the WAL-coalescing VFS (`WALWriteCoalescing`, which relies on the
    /// synchronous=FULL set here) and sets the pragmas every store connection relies on (see
    /// `configure`). A path SQLite cannot put in WAL mode (such as `:memory:`) is refused.
    public init(
        path: String,
        access: Access = .readWrite,
        busyTimeoutMilliseconds: Int = 5000
    ) throws(StoreError) {
        precondition(busyTimeoutMilliseconds >= 0, "busy timeout must not be negative")
        let accessFlags = switch access {
        case .readWrite: SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        case .readOnly: SQLITE_OPEN_READONLY
        }
        WALWriteCoalescing.register()
        var raw: OpaquePointer?
        let rc = sqlite3_open_v2(path, &raw, accessFlags | SQLITE_OPEN_NOMUTEX, WALWriteCoalescing.vfsName)
        guard rc == SQLITE_OK, let raw else {
            // sqlite3_open_v2 hands back a handle even when it fails (all but out of memory);
            // it is ours to close. The message must be read before closing.
            let message = raw.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
            sqlite3_close_v2(raw)
            throw StoreError(code: rc, message: message)
        }
        handle = raw
        // From here on a throw runs deinit, which closes the handle.
        sqlite3_extended_result_codes(handle, 1)
        sqlite3_busy_timeout(handle, Int32(clamping: busyTimeoutMilliseconds))
        try configure()
        if access == .readWrite { try configureWriting() }
    }

    /// What only a connection that writes needs: a larger page cache (see `writerCacheKibibytes`)
    /// and statement journals in memory. A savepoint journals the pages it changes that its
    /// transaction had already changed, so that `ROLLBACK TO` can restore them. Past 64 KiB SQLite
    /// put that journal in a temporary file, created, written page by page and unlinked within
    /// the transaction. Group commit opens a savepoint per request, so most batches did: half the
    /// writer's write calls under payment load (37.9 per batch before, 18.6 after). The journal
    /// never outlives its transaction, so keeping it in memory loses nothing a crash would not.
    private func configureWriting() throws(StoreError) {
        try execute("PRAGMA cache_size = \(-Self.writerCacheKibibytes)")
        try execute("PRAGMA temp_store = MEMORY")
        // 2 is MEMORY in SQLite's numbering (0 DEFAULT, 1 FILE, 2 MEMORY).
        let tempStore = try queryOne("PRAGMA temp_store")?.int64("temp_store")
        guard tempStore == 2 else {
            throw .sqlite(code: SQLITE_ERROR, message: "temp_store is \(tempStore.map(String.init) ?? "unknown"), not 2 (MEMORY)")
        }
    }

    /// The page cache of a read-write connection. A large transaction (a sync page of a thousand
    /// records with their search index, a group-commit batch) dirties more pages than SQLite's
    /// default 2 MiB holds; past that, SQLite spills dirty pages to the WAL before the commit and
    /// writes them again at it. Not much more, though: at every COMMIT SQLite walks the whole
    /// cache (pcache1's truncate), and with 64 MiB full that walk took 13% of the group-commit
    /// writer's CPU. Readers keep the default.
    static let writerCacheKibibytes = 8_192

    deinit {
        // A lent statement keeps its connection alive, so none can be lent out here.
        statementCache.finalizeAll()
        // sqlite3_close_v2 never fails on a valid handle: with statements still open it defers
        // the close until they are finalized, and SQLiteStatement keeps the connection alive.
        let rc = sqlite3_close_v2(handle)
        assert(rc == SQLITE_OK, "sqlite3_close_v2 failed with \(rc)")
    }

    /// WAL lets readers run beside the one writer, each on its own snapshot. synchronous=FULL
    /// syncs the WAL at every commit, so an acknowledged ledger write survives power loss
    /// (NORMAL may lose the last commits). Foreign keys are off by default in SQLite. Each
    /// answer is read back, because SQLite silently keeps the old value when it cannot comply.
    private func configure() throws(StoreError) {
        let journalMode = try queryOne("PRAGMA journal_mode = WAL")?.string("journal_mode")
        guard journalMode == "wal" else {
            throw .sqlite(code: SQLITE_ERROR, message: "journal_mode is \(journalMode ?? "unknown"), not wal")
        }
        try execute("PRAGMA synchronous = FULL")
        // 2 is FULL in SQLite's numbering (0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA).
        let synchronous = try queryOne("PRAGMA synchronous")?.int64("synchronous")
        guard synchronous == 2 else {
            throw .sqlite(code: SQLITE_ERROR, message: "synchronous is \(synchronous.map(String.init) ?? "unknown"), not 2 (FULL)")
        }
        try setForeignKeys(enforced: true)
    }

    /// Turns foreign-key enforcement on or off and reads the answer back. SQLite ignores the
    /// pragma inside a transaction, so this is called outside one: at open, and around a
    /// migration that rebuilds a referenced table.
    func setForeignKeys(enforced: Bool) throws(StoreError) {
        try execute("PRAGMA foreign_keys = \(enforced ? "ON" : "OFF")")
        let foreignKeys = try queryOne("PRAGMA foreign_keys")?.int64("foreign_keys")
        guard foreignKeys == (enforced ? 1 : 0) else {
            throw .sqlite(code: SQLITE_ERROR, message: "foreign_keys is \(foreignKeys.map(String.init) ?? "unknown"), "
                + "not \(enforced ? "1 (on)" : "0 (off)")")
        }
    }

    /// The message of the last failed call on this connection; read it before the next call.
    var lastMessage: String {
        String(cString: sqlite3_errmsg(handle))
    }

    /// Runs parameterless SQL, which may hold several statements (a migration script).
    public func execute(_ sql: String) throws(StoreError) {
        // The error text is read through sqlite3_errmsg, so the out-parameter stays nil and
        // there is no sqlite3_malloc'd message to free.
        let rc = sqlite3_exec(handle, sql, nil, nil, nil)
        guard rc == SQLITE_OK else {
            throw StoreError(code: rc, message: lastMessage)
        }
    }

    /// Prepares one statement for repeated `bind`/`step`.
    public func prepare(_ sql: String) throws(StoreError) -> SQLiteStatement {
        try SQLiteStatement(self, sql: sql)
    }

    /// Runs one statement to completion with `parameters` bound and returns how many rows an
    /// `INSERT`, `UPDATE` or `DELETE` changed (for other statements the count is stale). Rows it
    /// yields (`RETURNING`) are stepped through and dropped.
    @discardableResult
    public func run(_ sql: String, _ parameters: [SQLValue] = []) throws(StoreError) -> Int {
        let statement = try SQLiteStatement.cached(self, sql: sql)
        try statement.bind(parameters)
        while try statement.step() {}
        return Int(sqlite3_changes64(handle))
    }

    /// Runs one statement with `parameters` bound and returns every row; bound the result in the
    /// SQL (`LIMIT`) when the table can grow.
    public func query(_ sql: String, _ parameters: [SQLValue] = []) throws(StoreError) -> [SQLRow] {
        let statement = try SQLiteStatement.cached(self, sql: sql)
        try statement.bind(parameters)
        var rows: [SQLRow] = []
        // Named after the first step, when a schema change has been taken in; shared by all rows.
        var names: [String]?
        while try statement.step() {
            let rowNames = names ?? statement.columnNames
            names = rowNames
            rows.append(statement.row(columnNames: rowNames))
        }
        return rows
    }

    /// Runs one statement with `parameters` bound and returns its first row, if any. A read
    /// stops after that row; a write (`INSERT … RETURNING`) runs to completion, because outside
    /// a transaction it commits only then, and a commit left to finalization fails unheard.
    public func queryOne(_ sql: String, _ parameters: [SQLValue] = []) throws(StoreError) -> SQLRow? {
        let statement = try SQLiteStatement.cached(self, sql: sql)
        try statement.bind(parameters)
        guard try statement.step() else { return nil }
        let row = statement.row()
        if !statement.isReadOnly {
            while try statement.step() {}
        }
        return row
    }

    /// The rowid of the last successful `INSERT` on this connection.
    public var lastInsertRowID: Int64 {
        sqlite3_last_insert_rowid(handle)
    }

    /// Whether a transaction is open (SQLite is out of autocommit mode).
    public var isInTransaction: Bool {
        sqlite3_get_autocommit(handle) == 0
    }

    /// Runs `body` inside `BEGIN IMMEDIATE` … `COMMIT`. If `body` throws, the transaction is
    /// rolled back and the error is rethrown as it was; if `COMMIT` fails, it is rolled back
    /// and the store error thrown. Transactions do not nest.
    @discardableResult
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try transaction(.immediate, body, storeError: { $0 })
    }

    /// The transaction in one place for every error type: `storeError` turns a failed `BEGIN`,
    /// `COMMIT` or `ROLLBACK` into the caller's error type, so store-internal callers keep
    /// `throws(StoreError)` and `transaction(_:)` keeps the body's error untouched.
    func transaction<T, Failure: Error>(
        _ kind: TransactionKind,
        _ body: () throws(Failure) -> T,
        storeError: (StoreError) -> Failure
    ) throws(Failure) -> T {
        let begin = switch kind {
        case .immediate: "BEGIN IMMEDIATE"
        case .deferred: "BEGIN DEFERRED"
        }
        // BEGIN, COMMIT and ROLLBACK run as cached prepared statements: every request's read and
        // every batch's write takes them, and sqlite3_exec would parse them each time.
        do {
            try run(begin)
        } catch {
            throw storeError(error)
        }
        let result: T
        do {
            result = try body()
        } catch {
            try rollBack(storeError: storeError)
            throw error
        }
        do {
            try run("COMMIT")
        } catch {
            try rollBack(storeError: storeError)
            throw storeError(error)
        }
        return result
    }

    /// Runs `body` inside a savepoint of the open transaction. If `body` throws, only its own
    /// writes are undone (`ROLLBACK TO`), the transaction stays open for what comes next, and the
    /// error is rethrown as it was. Group commit wraps each request in one, so a request that
    /// fails does not undo the others in its batch. If SQLite already rolled back the whole
    /// transaction (after some I/O and full-disk errors), there is no savepoint left to roll back
    /// to; the body's error is rethrown and the caller sees `isInTransaction == false`.
    @discardableResult
    public func savepoint<T>(_ body: () throws -> T) throws -> T {
        // Outside a transaction, SAVEPOINT would open one and RELEASE would commit it on its own.
        precondition(isInTransaction, "a savepoint nests inside an open transaction")
        try run("SAVEPOINT request")
        let result: T
        do {
            result = try body()
        } catch {
            if isInTransaction {
                try run("ROLLBACK TO request")
                try run("RELEASE request")
            }
            throw error
        }
        try run("RELEASE request")
        return result
    }

    /// Rolls back the open transaction, if SQLite has not already done so itself (it does after
    /// some I/O, full-disk and busy errors). A failed ROLLBACK is thrown in place of the error
    /// that led here, because it leaves the connection inside a transaction.
    private func rollBack<Failure: Error>(storeError: (StoreError) -> Failure) throws(Failure) {
        guard isInTransaction else { return }
        do {
            try run("ROLLBACK")
        } catch {
            throw storeError(error)
        }
    }
}

/// Opened with `SQLITE_OPEN_NOMUTEX`: SQLite does not guard the connection, so it is bound to
/// one thread at a time.
@available(*, unavailable)
extension SQLiteConnection: Sendable {}
