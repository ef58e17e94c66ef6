import CSQLite

/// A prepared statement. It has one user at a time, so it is `~Copyable`; it keeps its
/// connection alive, because a statement must be finalized before the connection that made it is
/// closed. An owned statement finalizes its `sqlite3_stmt` in `deinit`; a statement lent from the
/// connection's `StatementCache` is reset and handed back instead, so the next use skips parsing
/// and planning the SQL again.
public struct SQLiteStatement: ~Copyable {
    /// `sqlite3_stmt*`: owned (finalized in `deinit`) unless `cacheEntry` is set, in which case
    /// the connection's cache owns it and this value only borrows it until `deinit`.
    private let handle: OpaquePointer
    private let connection: SQLiteConnection
    /// The cache's record of the statement, when it is lent from the cache.
    private let cacheEntry: StatementCache.Entry?

    /// Prepares exactly one statement, owned by the returned value.
    init(_ connection: SQLiteConnection, sql: String) throws(StoreError) {
        handle = try Self.prepareHandle(connection, sql: sql)
        self.connection = connection
        cacheEntry = nil
    }

    private init(lent entry: StatementCache.Entry, connection: SQLiteConnection) {
        handle = entry.handle
        self.connection = connection
        cacheEntry = entry
    }

    /// The statement for `sql` from the connection's cache, prepared on first use. When the cache
    /// is full, or the same SQL is already lent out (a query run while another with the same text
    /// is still stepping), a fresh owned statement is prepared instead, so sharing never lets one
    /// user reset another's rows.
    static func cached(_ connection: SQLiteConnection, sql: String) throws(StoreError) -> SQLiteStatement {
        let cache = connection.statementCache
        switch cache.lend(sql) {
        case .lent(let entry):
            return SQLiteStatement(lent: entry, connection: connection)
        case .absent where cache.hasRoom:
            let entry = cache.adopt(try prepareHandle(connection, sql: sql), sql: sql)
            return SQLiteStatement(lent: entry, connection: connection)
        case .absent, .busy:
            return try SQLiteStatement(connection, sql: sql)
        }
    }

    /// Prepares exactly one statement. Text after the first statement is refused rather than
    /// ignored, so a caller cannot believe a second statement ran; scripts go to `execute`.
    private static func prepareHandle(_ connection: SQLiteConnection, sql: String) throws(StoreError) -> OpaquePointer {
        var raw: OpaquePointer?
        var trailingIsBlank = true
        let rc = sql.withCString { text in
            var tail: UnsafePointer<CChar>?
            let rc = sqlite3_prepare_v2(connection.handle, text, -1, &raw, &tail)
            if let tail {
                trailingIsBlank = String(cString: tail).allSatisfy(\.isWhitespace)
            }
            return rc
        }
        guard rc == SQLITE_OK else {
            throw StoreError(code: rc, message: connection.lastMessage)
        }
        guard let raw else {
            // SQLITE_OK without a statement means the text held only comments or whitespace.
            throw .sqlite(code: SQLITE_MISUSE, message: "no SQL statement in \"\(sql)\"")
        }
        guard trailingIsBlank else {
            sqlite3_finalize(raw)
            throw .sqlite(code: SQLITE_MISUSE, message: "prepare takes one statement; \"\(sql)\" holds more")
        }
        return raw
    }

    deinit {
        if let cacheEntry {
            // Resetting ends the statement's read (a held WAL snapshot) before the next user gets it.
            sqlite3_reset(handle)
            cacheEntry.giveBack()
        } else {
            // sqlite3_finalize repeats the error of the last step, which step() already threw. A
            // write abandoned before done would commit here unheard; see `isReadOnly`.
            sqlite3_finalize(handle)
        }
    }

    /// How many `?` parameters the statement takes.
    public var parameterCount: Int {
        Int(sqlite3_bind_parameter_count(handle))
    }

    /// Starts a fresh execution with `values` bound to the parameters in order. The count must
    /// match: a missing value would otherwise be bound as NULL without a word.
    public func bind(_ values: [SQLValue]) throws(StoreError) {
        guard values.count == parameterCount else {
            throw .sqlite(
                code: SQLITE_RANGE,
                message: "statement takes \(parameterCount) parameters, \(values.count) given"
            )
        }
        reset()
        for (offset, value) in values.enumerated() {
            // SQLite numbers parameters from 1.
            let index = Int32(offset + 1)
            let rc: Int32
            switch value {
            case .null:
                rc = sqlite3_bind_null(handle, index)
            case .integer(let integer):
                rc = sqlite3_bind_int64(handle, index, integer)
            case .real(let real):
                rc = sqlite3_bind_double(handle, index, real)
            case .text(let text):
                // The explicit byte count keeps text with embedded NUL whole; SQLITE_TRANSIENT
                // makes SQLite copy, as the buffer only lives for this closure.
                rc = text.withCString { bytes in
                    sqlite3_bind_text64(
                        handle, index, bytes, UInt64(text.utf8.count), kp_sqlite_transient(), UInt8(SQLITE_UTF8)
                    )
                }
            case .blob(let bytes) where bytes.isEmpty:
                // A NULL pointer would bind NULL, not an empty blob.
                rc = sqlite3_bind_zeroblob(handle, index, 0)
            case .blob(let bytes):
                rc = bytes.withUnsafeBytes { buffer in
                    sqlite3_bind_blob64(handle, index, buffer.baseAddress, UInt64(buffer.count), kp_sqlite_transient())
                }
            }
            guard rc == SQLITE_OK else {
                throw StoreError(code: rc, message: connection.lastMessage)
            }
        }
    }

    /// Whether the statement leaves the database unchanged; a write must be stepped until it
    /// reports done, because outside a transaction it commits only then.
    public var isReadOnly: Bool {
        sqlite3_stmt_readonly(handle) != 0
    }

    /// Advances to the next row: `true` when a row is ready to read, `false` when done.
    public func step() throws(StoreError) -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW:
            return true
        case SQLITE_DONE:
            return false
        default:
            throw StoreError(code: rc, message: connection.lastMessage)
        }
    }

    /// Rewinds the statement so it can run again, keeping its bindings. It also ends the
    /// statement's read, which otherwise holds a WAL snapshot open.
    public func reset() {
        // sqlite3_reset only repeats the error of the last step, which step() already threw.
        sqlite3_reset(handle)
    }

    /// How many columns each row has.
    public var columnCount: Int {
        Int(sqlite3_column_count(handle))
    }

    /// The column names in result order. A cached statement reads them from SQLite once per
    /// preparation: rows are built on the writer's hot path, and the names change only when a
    /// schema change made SQLite prepare the statement again (a renamed or added column), which
    /// its re-prepare count tells. Read them after `step()`: SQLite re-prepares while stepping.
    public var columnNames: [String] {
        let preparation = sqlite3_stmt_status(handle, SQLITE_STMTSTATUS_REPREPARE, 0)
        if let entry = cacheEntry, let names = entry.columnNames, entry.namesPreparation == preparation { return names }
        let names = readColumnNames()
        cacheEntry?.columnNames = names
        cacheEntry?.namesPreparation = preparation
        return names
    }

    private func readColumnNames() -> [String] {
        (0..<columnCount).map { index in
            // sqlite3_column_name is NULL only when SQLite is out of memory.
            guard let name = sqlite3_column_name(handle, Int32(index)) else {
                preconditionFailure("sqlite3_column_name returned NULL: out of memory")
            }
            return String(cString: name)
        }
    }

    /// The current row's value at `index`; only valid after `step()` returned `true`.
    public func value(at index: Int) -> SQLValue {
        precondition(index >= 0 && index < columnCount, "column index \(index) out of range")
        let column = Int32(index)
        switch sqlite3_column_type(handle, column) {
        case SQLITE_INTEGER:
            return .integer(sqlite3_column_int64(handle, column))
        case SQLITE_FLOAT:
            return .real(sqlite3_column_double(handle, column))
        case SQLITE_TEXT:
            // sqlite3_column_text first, then sqlite3_column_bytes, as SQLite documents: the
            // byte count then describes the UTF-8 form just returned. Text is never NULL, even
            // when empty, unless SQLite is out of memory.
            guard let text = sqlite3_column_text(handle, column) else {
                preconditionFailure("sqlite3_column_text returned NULL: out of memory")
            }
            let count = Int(sqlite3_column_bytes(handle, column))
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            let bytes = sqlite3_column_blob(handle, column)
            let count = Int(sqlite3_column_bytes(handle, column))
            // An empty blob comes back as a NULL pointer.
            guard count > 0 else { return .blob([]) }
            guard let bytes else {
                preconditionFailure("sqlite3_column_blob returned NULL: out of memory")
            }
            return .blob(Array(UnsafeRawBufferPointer(start: bytes, count: count)))
        default:
            return .null
        }
    }

    /// The current row's value at `index` as `Value`, or `nil` when it is of another storage
    /// class (NULL included).
    public func column<Value: SQLValueDecodable>(at index: Int, as type: Value.Type = Value.self) -> Value? {
        Value(sqlValue: value(at: index))
    }

    /// The current row, copied out; only valid after `step()` returned `true`.
    public func row() -> SQLRow {
        row(columnNames: columnNames)
    }

    /// The current row with names read once per query, so many rows share one array.
    func row(columnNames: [String]) -> SQLRow {
        precondition(columnNames.count == columnCount, "one name per column")
        return SQLRow(columnNames: columnNames, values: (0..<columnNames.count).map { value(at: $0) })
    }
}

/// The prepared statements of one connection, keyed by their SQL text, owned here and finalized
/// when the connection closes. The node's SQL is a fixed set of constant strings with bound
/// parameters, so the cache stays small; `maxStatements` bounds it anyway. Like its connection it
/// is used by one thread at a time, so it needs no lock.
final class StatementCache {
    /// More distinct statements than the node's code holds; beyond it statements are not cached.
    static let maxStatements = 256

    /// One cached statement. The lent statement keeps it, so handing the statement back needs no
    /// second lookup by SQL text.
    final class Entry {
        /// `sqlite3_stmt*`, owned by the cache: finalized by `finalizeAll`.
        let handle: OpaquePointer
        fileprivate(set) var isLent = true
        /// Filled on first use by `SQLiteStatement.columnNames`, for the preparation it counts.
        var columnNames: [String]?
        var namesPreparation: Int32 = 0

        fileprivate init(handle: OpaquePointer) {
            self.handle = handle
        }

        func giveBack() {
            precondition(isLent, "a cached statement is given back once per lending")
            isLent = false
        }
    }

    enum Lending {
        case lent(Entry)
        case absent
        /// The statement is lent out already: the caller must prepare one of its own.
        case busy
    }

    private var entries: [String: Entry] = [:]

    var hasRoom: Bool { entries.count < Self.maxStatements }

    var count: Int { entries.count }

    func lend(_ sql: String) -> Lending {
        guard let entry = entries[sql] else { return .absent }
        guard !entry.isLent else { return .busy }
        entry.isLent = true
        return .lent(entry)
    }

    /// Takes ownership of a freshly prepared statement that is lent out at once.
    func adopt(_ handle: OpaquePointer, sql: String) -> Entry {
        precondition(entries[sql] == nil, "a statement is cached once per SQL text")
        let entry = Entry(handle: handle)
        entries[sql] = entry
        return entry
    }

    /// Finalizes every cached statement; the connection calls it before closing, when none is lent.
    func finalizeAll() {
        precondition(entries.values.allSatisfy { !$0.isLent }, "a connection closes only when no statement of it is in use")
        for entry in entries.values {
            sqlite3_finalize(entry.handle)
        }
        entries = [:]
    }
}

@available(*, unavailable)
extension StatementCache: Sendable {}
