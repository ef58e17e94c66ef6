import Foundation
import Glibc
import Testing
@testable import Node

@Suite("Database")
struct DatabaseTests {
    private static let createCounters = Migration(
        version: 2,
        name: "create counters",
        sql: """
            CREATE TABLE counters(name TEXT PRIMARY KEY, value INTEGER NOT NULL);
            INSERT INTO counters(name, value) VALUES ('seed', 1);
            """
    )
    private static let createNotes = Migration(
        version: 3,
        name: "create notes",
        sql: "CREATE TABLE notes(id INTEGER PRIMARY KEY, text TEXT NOT NULL)"
    )
    private static let migrations = Database.baseMigrations + [createCounters]

    private static func fileMode(_ path: String) throws -> mode_t {
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        return status.st_mode & 0o777
    }

    @Test("writer and readers run with WAL, synchronous=FULL and foreign keys")
    func pragmas() throws {
        try withStoreTestDirectory { directory in
            let database = try Database(path: storeDatabasePath(in: directory), migrations: Self.migrations)
            defer { database.close() }
            for connectionKind in ["writer", "reader"] {
                let read = { (connection: SQLiteConnection) throws -> [SQLValue?] in
                    [
                        try connection.queryOne("PRAGMA journal_mode")?[0],
                        try connection.queryOne("PRAGMA synchronous")?[0],
                        try connection.queryOne("PRAGMA foreign_keys")?[0],
                    ]
                }
                let values = connectionKind == "writer" ? try database.write(read) : try database.read(read)
                #expect(values == [.text("wal"), .integer(2), .integer(1)], "\(connectionKind)")
            }
        }
    }

    @Test("readOne answers one query and keeps no snapshot open after it")
    func readOneLeavesNoReadTransaction() throws {
        try withStoreTestDirectory { directory in
            let database = try Database(path: storeDatabasePath(in: directory), migrations: Self.migrations, readerCount: 1)
            defer { database.close() }
            #expect(try database.readOne("SELECT value FROM counters WHERE name = ?", [.text("seed")])?.int64("value") == 1)
            #expect(try database.readOne("SELECT value FROM counters WHERE name = ?", [.text("none")]) == nil)
            try database.write { try $0.run("UPDATE counters SET value = 2 WHERE name = 'seed'") }
            // The one reader sees the write: it holds no snapshot from before it.
            #expect(try database.readOne("SELECT value FROM counters WHERE name = ?", [.text("seed")])?.int64("value") == 2)
            // A reader left inside a read transaction would hold back a full checkpoint.
            let other = try SQLiteConnection(path: storeDatabasePath(in: directory))
            #expect(try other.queryOne("PRAGMA wal_checkpoint(TRUNCATE)")?.int64("busy") == 0)
        }
    }

    @Test("a new database file and its WAL are readable by the owner only")
    func fileMode() throws {
        try withStoreTestDirectory { directory in
            let path = storeDatabasePath(in: directory)
            let database = try Database(path: path, migrations: Self.migrations)
            defer { database.close() }
            try database.write { try $0.run("UPDATE counters SET value = value + 1") }
            #expect(try Self.fileMode(path) == 0o600)
            #expect(try Self.fileMode(path + "-wal") == 0o600)
        }
    }

    @Test("an existing database file keeps its mode")
    func existingFileMode() throws {
        try withStoreTestDirectory { directory in
            let path = storeDatabasePath(in: directory)
            #expect(FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o640]))
            let database = try Database(path: path, migrations: Self.migrations)
            database.close()
            #expect(try Self.fileMode(path) == 0o640)
        }
    }

    @Test("a missing directory is reported with errno")
    func missingDirectory() throws {
        try withStoreTestDirectory { directory in
            let path = directory.appendingPathComponent("absent/store.sqlite").path
            #expect(throws: StoreError.fileSystem(path: path, code: ENOENT, message: "No such file or directory")) {
                try Database(path: path, migrations: Self.migrations)
            }
        }
    }

    @Test("migrations apply once across re-opens, and an appended one applies alone")
    func migrationsAcrossReopen() throws {
        try withStoreTestDirectory { directory in
            let path = storeDatabasePath(in: directory)
            try Database(path: path, migrations: Self.migrations).close()
            let reopened = try Database(path: path, migrations: Self.migrations)
            try reopened.write { try $0.run("UPDATE counters SET value = 5") }
            reopened.close()

            let upgraded = try Database(path: path, migrations: Self.migrations + [Self.createNotes])
            defer { upgraded.close() }
            try upgraded.checkHealth()
            let state = try upgraded.read { connection in
                (
                    try connection.query("SELECT value FROM counters").map { $0.int64("value") },
                    try connection.query("SELECT version FROM schema_migrations ORDER BY version").map { $0.int("version") },
                    try connection.queryOne("SELECT count(*) FROM notes")?[0]
                )
            }
            #expect(state.0 == [5])
            #expect(state.1 == [1, 2, 3])
            #expect(state.2 == .integer(0))
        }
    }

    @Test("a database migrated by a newer program is refused")
    func downgradeRefused() throws {
        try withStoreTestDirectory { directory in
            let path = storeDatabasePath(in: directory)
            try Database(path: path, migrations: Self.migrations + [Self.createNotes]).close()
            let error = #expect(throws: StoreError.self) {
                try Database(path: path, migrations: Self.migrations)
            }
            guard case .migration(let version, let message) = error else {
                Issue.record("expected a migration error, got \(String(describing: error))")
                return
            }
            #expect(version == 3)
            #expect(message.contains("refusing to downgrade"))
        }
    }

    @Test("the epoch is a UUID, stable across re-opens and different per database")
    func epoch() throws {
        try withStoreTestDirectory { directory in
            let first = try Database(path: storeDatabasePath(in: directory), migrations: Self.migrations)
            let epoch = first.epoch
            first.close()
            #expect(UUID(uuidString: epoch) != nil)

            let reopened = try Database(path: storeDatabasePath(in: directory), migrations: Self.migrations)
            #expect(reopened.epoch == epoch)
            let stored = try reopened.read { try $0.queryOne("SELECT value FROM node_meta WHERE key = 'epoch'") }
            #expect(stored?.string("value") == epoch)
            reopened.close()

            let otherPath = directory.appendingPathComponent("other.sqlite").path
            let other = try Database(path: otherPath, migrations: Self.migrations)
            #expect(other.epoch != epoch)
            other.close()
        }
    }

    @Test("a write that throws is rolled back and its error rethrown as it was")
    func writeRollsBack() throws {
        struct Refused: Error, Equatable {}
        try withStoreTestDirectory { directory in
            let database = try Database(path: storeDatabasePath(in: directory), migrations: Self.migrations)
            defer { database.close() }
            #expect(throws: Refused()) {
                try database.write { connection in
                    try connection.run("UPDATE counters SET value = 99")
                    try connection.run("INSERT INTO counters(name, value) VALUES ('extra', 1)")
                    throw Refused()
                }
            }
            #expect(throws: StoreError.constraint(message: "UNIQUE constraint failed: counters.name")) {
                try database.write { connection in
                    try connection.run("UPDATE counters SET value = 99")
                    try connection.run("INSERT INTO counters(name, value) VALUES ('seed', 1)")
                }
            }
            let rows = try database.read { try $0.query("SELECT name, value FROM counters") }
            #expect(rows.map { $0.string("name") } == ["seed"])
            #expect(rows.map { $0.int64("value") } == [1])
        }
    }

    @Test("a reader sees a committed write and never a rolled-back one")
    func readerVisibility() throws {
        struct Abandoned: Error {}
        try withStoreTestDirectory { directory in
            let database = try Database(path: storeDatabasePath(in: directory), migrations: Self.migrations, readerCount: 1)
            defer { database.close() }
            let readValue = { try database.read { try $0.queryOne("SELECT value FROM counters")?.int64("value") } }
            #expect(try readValue() == 1)

            try database.write { try $0.run("UPDATE counters SET value = 2") }
            #expect(try readValue() == 2)

            #expect(throws: Abandoned.self) {
                try database.write { connection in
                    try connection.run("UPDATE counters SET value = 3")
                    // Inside the write, before it is rolled back: still not visible to readers.
                    #expect(try readValue() == 2)
                    throw Abandoned()
                }
            }
            #expect(try readValue() == 2)
        }
    }

    @Test("readers are read-only")
    func readersCannotWrite() throws {
        try withStoreTestDirectory { directory in
            let database = try Database(path: storeDatabasePath(in: directory), migrations: Self.migrations)
            defer { database.close() }
            // 8 is SQLITE_READONLY.
            #expect(throws: StoreError.sqlite(code: 8, message: "attempt to write a readonly database")) {
                try database.read { try $0.run("UPDATE counters SET value = 2") }
            }
        }
    }

    @Test("waiting for a connection is bounded by the busy timeout")
    func boundedWait() throws {
        try withStoreTestDirectory { directory in
            let database = try Database(
                path: storeDatabasePath(in: directory),
                migrations: Self.migrations,
                readerCount: 1,
                busyTimeoutMilliseconds: 20
            )
            defer { database.close() }
            #expect(throws: StoreError.busy(message: "no reader connection came free within 20 ms")) {
                try database.read { _ in try database.read { _ in } }
            }
            #expect(throws: StoreError.busy(message: "no writer connection came free within 20 ms")) {
                try database.write { _ in try database.write { _ in } }
            }
            // Both connections went back to their pools.
            try database.read { _ in }
            try database.write { _ in }
        }
    }

    @Test("the health check reads the schema version and notices a change underneath")
    func health() throws {
        try withStoreTestDirectory { directory in
            let database = try Database(path: storeDatabasePath(in: directory), migrations: Self.migrations)
            defer { database.close() }
            try database.checkHealth()
            try database.write { connection in
                try connection.run(
                    "INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)",
                    [9, "from a newer program", "2025-01-01T00:00:00Z"]
                )
            }
            #expect(throws: StoreError.migration(version: 9, message: "schema version is 9, expected 2")) {
                try database.checkHealth()
            }
        }
    }

    @Test("after close every call throws .closed, and close may be called again")
    func close() throws {
        try withStoreTestDirectory { directory in
            let database = try Database(path: storeDatabasePath(in: directory), migrations: Self.migrations)
            database.close()
            #expect(throws: StoreError.closed) { try database.write { _ in } }
            #expect(throws: StoreError.closed) { try database.read { _ in } }
            #expect(throws: StoreError.closed) { try database.checkHealth() }
            database.close()
            #expect(throws: StoreError.closed) { try database.read { _ in } }
        }
    }

    @Test("closing while a read is running lets it finish, then refuses new work")
    func closeDuringRead() throws {
        try withStoreTestDirectory { directory in
            let database = try Database(path: storeDatabasePath(in: directory), migrations: Self.migrations)
            let value = try database.read { connection in
                database.close()
                return try connection.queryOne("SELECT value FROM counters")?.int64("value")
            }
            #expect(value == 1)
            #expect(throws: StoreError.closed) { try database.read { _ in } }
        }
    }
}
