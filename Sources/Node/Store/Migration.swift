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

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }
}
