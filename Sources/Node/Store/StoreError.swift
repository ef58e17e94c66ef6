import CSQLite

/// What went wrong in the store, keeping SQLite's own result code and message so an operator
/// can read the cause in the log; the HTTP edge maps `constraint` to 409 and `busy` to 503.
public enum StoreError: Error, Equatable, Sendable {
    /// Any SQLite failure without a case of its own; `code` is the extended result code.
    case sqlite(code: Int32, message: String)
    /// The SQLITE_CONSTRAINT family (unique, not null, foreign key, check): the caller's data
    /// conflicts with what is stored, which is not a fault of the node.
    case constraint(message: String)
    /// SQLITE_BUSY or SQLITE_LOCKED after the busy timeout, or no pooled connection came free
    /// in time: the node is overloaded, so the request may be retried.
    case busy(message: String)
    /// A row lacks a column the caller requires, which means the query and its reader disagree.
    case missingColumn(String)
    /// A column holds a storage class other than the one the caller requires (NULL included).
    case typeMismatch(column: String, expected: String, found: String)
    /// The schema cannot be brought to, or does not match, the version this program knows.
    case migration(version: Int, message: String)
    /// Creating the database file failed; `code` is the `errno` of the failed call.
    case fileSystem(path: String, code: Int32, message: String)
    /// The database was closed; no connection is handed out any more.
    case closed

    /// Sorts a failed SQLite call into its case by the primary result code (the low byte of an
    /// extended code), so that callers can match on conflicts and overload without knowing codes.
    init(code: Int32, message: String) {
        switch code & 0xFF {
        case SQLITE_CONSTRAINT:
            self = .constraint(message: message)
        case SQLITE_BUSY, SQLITE_LOCKED:
            self = .busy(message: message)
        default:
            self = .sqlite(code: code, message: message)
        }
    }
}

extension StoreError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .sqlite(let code, let message):
            "SQLite error \(code): \(message)"
        case .constraint(let message):
            "constraint violated: \(message)"
        case .busy(let message):
            "database busy: \(message)"
        case .missingColumn(let name):
            "missing column \"\(name)\""
        case .typeMismatch(let column, let expected, let found):
            "column \"\(column)\" holds \(found), expected \(expected)"
        case .migration(let version, let message):
            "migration \(version): \(message)"
        case .fileSystem(let path, let code, let message):
            "file system error \(code) on \(path): \(message)"
        case .closed:
            "database is closed"
        }
    }
}
