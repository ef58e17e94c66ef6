import CSQLite

/// A prepared statement. It has one user at a time, so it is `~Copyable` and finalizes its
/// `sqlite3_stmt` in `deinit`; it keeps its connection alive, because a statement must be
/// finalized before the connection that made it is closed.
public struct SQLiteStatement: ~Copyable {
    /// `sqlite3_stmt*`, owned: finalized in `deinit`.
    private let handle: OpaquePointer
    private let connection: SQLiteConnection

    /// Prepares exactly one statement. Text after the first statement is refused rather than
    /// ignored, so a caller cannot believe a second statement ran; scripts go to `execute`.
    init(_ connection: SQLiteConnection, sql: String) throws(StoreError) {
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
        handle = raw
        self.connection = connection
    }

    deinit {
        // sqlite3_finalize repeats the error of the last step, which step() already threw. A
        // write abandoned before done would commit here unheard; see `isReadOnly`.
        sqlite3_finalize(handle)
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

    /// The column names in result order.
    public var columnNames: [String] {
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
