/// Brings a database's schema up to the list of migrations this program knows, keeping the
/// history in `schema_migrations`. The stored history must be a prefix of the list: a newer
/// database (a downgrade), a renamed or removed migration, or one inserted below the applied
/// version is refused, because running code against a schema it does not know corrupts data.
public struct Migrator: Sendable {
    /// The known migrations, in strictly increasing version order.
    public let migrations: [Migration]

    /// Refuses a list whose versions do not start at 1 or above and strictly increase, so that
    /// "applied up to version N" has one meaning.
    public init(_ migrations: [Migration]) throws(StoreError) {
        var previous = 0
        for migration in migrations {
            guard migration.version > previous else {
                throw .migration(
                    version: migration.version,
                    message: "\(migration.name): versions must be positive and strictly increasing, "
                        + "but \(migration.version) follows \(previous)"
                )
            }
            previous = migration.version
        }
        self.migrations = migrations
    }

    /// The version the schema has once every known migration is applied; 0 for an empty list.
    public var latestVersion: Int {
        migrations.last?.version ?? 0
    }

    /// The highest applied version, 0 when none is; needs `schema_migrations` to exist.
    public static func appliedVersion(in connection: SQLiteConnection) throws(StoreError) -> Int {
        let row = try connection.queryOne("SELECT coalesce(max(version), 0) AS version FROM schema_migrations")
        guard let row else {
            preconditionFailure("an aggregate query always yields one row")
        }
        return try row.required("version")
    }

    /// Applies each pending migration in version order, each in its own `BEGIN IMMEDIATE`
    /// transaction together with its history row, so a crash leaves it either fully applied
    /// and recorded or not at all. Returns the versions applied now (empty when up to date).
    /// If another process migrates the same file at once, the history's primary key makes the
    /// second attempt fail instead of applying a migration twice.
    @discardableResult
    public func migrate(_ connection: SQLiteConnection) throws(StoreError) -> [Int] {
        try connection.execute("""
            CREATE TABLE IF NOT EXISTS schema_migrations(
                version INTEGER PRIMARY KEY,
                name TEXT NOT NULL,
                applied_at TEXT NOT NULL
            )
            """)
        let pending = try pendingMigrations(connection)
        for migration in pending {
            try apply(migration, on: connection)
        }
        return pending.map(\.version)
    }

    /// The known migrations not yet applied, after checking the stored history against the list.
    private func pendingMigrations(_ connection: SQLiteConnection) throws(StoreError) -> [Migration] {
        let applied = try connection.query("SELECT version, name FROM schema_migrations ORDER BY version")
        var appliedVersions = Set<Int>()
        for row in applied {
            let version: Int = try row.required("version")
            let name: String = try row.required("name")
            guard version <= latestVersion else {
                throw .migration(
                    version: version,
                    message: "the database has schema version \(version) (\(name)), newer than the "
                        + "\(latestVersion) this program knows; refusing to downgrade"
                )
            }
            guard let known = migrations.first(where: { $0.version == version }) else {
                throw .migration(version: version, message: "applied migration \(name) is unknown to this program")
            }
            guard known.name == name else {
                throw .migration(
                    version: version,
                    message: "applied migration is \(name), but this program calls version \(version) \(known.name)"
                )
            }
            appliedVersions.insert(version)
        }
        let highestApplied = appliedVersions.max() ?? 0
        let pending = migrations.filter { !appliedVersions.contains($0.version) }
        if let stale = pending.first, stale.version < highestApplied {
            throw .migration(
                version: stale.version,
                message: "\(stale.name) is below the applied version \(highestApplied); add it with a higher version"
            )
        }
        return pending
    }

    private func apply(_ migration: Migration, on connection: SQLiteConnection) throws(StoreError) {
        guard migration.rebuildsReferencedTables else { return try applyInTransaction(migration, on: connection) }
        try connection.setForeignKeys(enforced: false)
        let outcome = Result<Void, StoreError> { () throws(StoreError) in try applyInTransaction(migration, on: connection) }
        try connection.setForeignKeys(enforced: true)
        try outcome.get()
    }

    private func applyInTransaction(_ migration: Migration, on connection: SQLiteConnection) throws(StoreError) {
        let body = { () throws(StoreError) in
            try connection.execute(migration.sql)
            if migration.rebuildsReferencedTables, let dangling = try connection.queryOne("PRAGMA foreign_key_check") {
                let child = dangling.string("table") ?? "a table"
                let parent = dangling.string("parent") ?? "another"
                throw .migration(version: migration.version,
                                 message: "\(migration.name) left a row of \(child) referring to a missing row of \(parent)")
            }
            try connection.run(
                """
                INSERT INTO schema_migrations(version, name, applied_at)
                VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
                """,
                [.integer(Int64(migration.version)), .text(migration.name)]
            )
        }
        do {
            try connection.transaction(.immediate, body, storeError: { $0 })
        } catch {
            throw .migration(version: migration.version, message: "\(migration.name): \(error)")
        }
    }
}
