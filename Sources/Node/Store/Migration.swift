/// One step of the schema, applied once per database and recorded in `schema_migrations`.
/// Once released, a migration is never edited: a database that has applied it keeps the old
/// shape, so changes go into a new migration with a higher version.
public struct Migration: Sendable, Equatable {
    /// Position in the schema history; versions start at 1 and strictly increase.
    public let version: Int
    /// Recorded beside the version, so a renumbered or replaced migration is caught on open.
    public let name: String
    /// The script; it runs inside the migrator's transaction, so it holds no BEGIN or COMMIT.
    public let sql: String
    /// Whether the script rebuilds a table that others reference (create the new shape, copy,
    /// drop the old, rename), which SQLite allows only with foreign keys off: dropping the old
    /// table would otherwise delete it row by row under its references. The migrator turns them
    /// off around the transaction and runs `PRAGMA foreign_key_check` before committing, so the
    /// rebuild cannot leave a dangling reference behind.
    public let rebuildsReferencedTables: Bool

    public init(version: Int, name: String, sql: String, rebuildsReferencedTables: Bool = false) {
        self.version = version
        self.name = name
        self.sql = sql
        self.rebuildsReferencedTables = rebuildsReferencedTables
    }
}
