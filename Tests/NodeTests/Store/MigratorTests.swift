import Testing
@testable import Node

@Suite("Migrator")
struct MigratorTests {
    private static let createSolutions = Migration(
        version: 2,
        name: "create solutions",
        sql: """
            CREATE TABLE solutions(id TEXT PRIMARY KEY, name TEXT NOT NULL);
            INSERT INTO solutions(id, name) VALUES ('s1', 'Heerlens Heitje');
            """
    )
    private static let addSummary = Migration(
        version: 3,
        name: "add solution summary",
        sql: "ALTER TABLE solutions ADD COLUMN summary TEXT NOT NULL DEFAULT ''"
    )

    private static func migration(_ version: Int) -> Migration {
        Migration(version: version, name: "m\(version)", sql: "CREATE TABLE m\(version)(x)")
    }

    @Test(
        "a list whose versions are not positive and strictly increasing is refused",
        arguments: [[1, 1], [2, 1], [0, 1], [1, 3, 2]]
    )
    func orderIsChecked(versions: [Int]) {
        let error = #expect(throws: StoreError.self) {
            try Migrator(versions.map(Self.migration))
        }
        guard case .migration(let version, let message) = error else {
            Issue.record("expected a migration error, got \(String(describing: error))")
            return
        }
        #expect(versions.contains(version))
        #expect(message.contains("strictly increasing"))
    }

    @Test("each migration applies exactly once, and an appended one applies alone")
    func appliesOnce() throws {
        try withStoreTestDirectory { directory in
            let connection = try SQLiteConnection(path: storeDatabasePath(in: directory))
            let first = try Migrator(Database.baseMigrations + [Self.createSolutions])
            #expect(try first.migrate(connection) == [1, 2])
            #expect(try first.migrate(connection) == [])

            let second = try Migrator(Database.baseMigrations + [Self.createSolutions, Self.addSummary])
            #expect(second.latestVersion == 3)
            #expect(try second.migrate(connection) == [3])
            #expect(try second.migrate(connection) == [])

            // The seed row of version 2 exists once: version 2 did not run again.
            #expect(try connection.queryOne("SELECT count(*) FROM solutions")?[0] == .integer(1))
            #expect(try connection.queryOne("SELECT summary FROM solutions")?.string("summary") == "")
            let history = try connection.query("SELECT version, name, applied_at FROM schema_migrations ORDER BY version")
            #expect(history.map { $0.int("version") } == [1, 2, 3])
            #expect(history.map { $0.string("name") } == ["create node_meta", "create solutions", "add solution summary"])
            for row in history {
                let appliedAt: String = try row.required("applied_at")
                #expect(appliedAt.hasSuffix("Z") && appliedAt.contains("T"))
            }
            #expect(try Migrator.appliedVersion(in: connection) == 3)
        }
    }

    @Test("a failing migration leaves no trace and is not recorded")
    func failingMigrationRollsBack() throws {
        try withStoreTestDirectory { directory in
            let connection = try SQLiteConnection(path: storeDatabasePath(in: directory))
            let broken = Migration(version: 2, name: "broken", sql: "CREATE TABLE half(x); CREATE TABLE half(x);")
            #expect(throws: StoreError.migration(version: 2, message: "broken: SQLite error 1: table half already exists")) {
                try Migrator(Database.baseMigrations + [broken]).migrate(connection)
            }
            #expect(connection.isInTransaction == false)
            #expect(try connection.queryOne("SELECT count(*) FROM sqlite_schema WHERE name = 'half'")?[0] == .integer(0))
            #expect(try Migrator.appliedVersion(in: connection) == 1)

            let fixed = Migration(version: 2, name: "broken", sql: "CREATE TABLE half(x)")
            #expect(try Migrator(Database.baseMigrations + [fixed]).migrate(connection) == [2])
        }
    }

    /// A parent table and a child that references it, as the coin tables are.
    private static let parentAndChild = Migration(version: 2, name: "parent and child", sql: """
        CREATE TABLE parent(id TEXT PRIMARY KEY, label TEXT CHECK (label IN ('a', 'b', 'c')));
        CREATE TABLE child(id INTEGER PRIMARY KEY, parent_id TEXT NOT NULL REFERENCES parent (id));
        INSERT INTO parent VALUES ('p1', 'a'), ('p2', 'b');
        INSERT INTO child (parent_id) VALUES ('p1'), ('p2');
        """)

    private static func rebuildParent(keeping rows: String, flagged: Bool = true) -> Migration {
        Migration(version: 3, name: "rebuild parent", sql: """
            CREATE TABLE parent_rebuilt(id TEXT PRIMARY KEY, label TEXT CHECK (label = 'a' OR label = 'b' OR label = 'c'));
            INSERT INTO parent_rebuilt SELECT id, label FROM parent WHERE \(rows);
            DROP TABLE parent;
            ALTER TABLE parent_rebuilt RENAME TO parent;
            """, rebuildsReferencedTables: flagged)
    }

    @Test("a table others reference is rebuilt with foreign keys off, and they are on again afterwards")
    func rebuildOfAReferencedTable() throws {
        try withStoreTestDirectory { directory in
            let connection = try SQLiteConnection(path: storeDatabasePath(in: directory))
            try Migrator(Database.baseMigrations + [Self.parentAndChild]).migrate(connection)
            // Without the flag, dropping the parent deletes its rows under the children's references.
            #expect(throws: StoreError.self) {
                try Migrator(Database.baseMigrations + [Self.parentAndChild, Self.rebuildParent(keeping: "1", flagged: false)])
                    .migrate(connection)
            }
            #expect(try Migrator(Database.baseMigrations + [Self.parentAndChild, Self.rebuildParent(keeping: "1")])
                .migrate(connection) == [3])
            #expect(try connection.queryOne("PRAGMA foreign_keys")?.int64("foreign_keys") == 1)
            #expect(try connection.query("SELECT id FROM parent ORDER BY id").map { $0.string("id") } == ["p1", "p2"])
            #expect(try connection.queryOne("SELECT sql FROM sqlite_schema WHERE name = 'parent'")?.string("sql")?
                .contains("label = 'a' OR") == true)
            #expect(throws: StoreError.self) { try connection.run("INSERT INTO child (parent_id) VALUES ('p9')") }
        }
    }

    @Test("a rebuild that would leave a reference dangling is refused and leaves no trace")
    func rebuildLeavingADanglingReferenceRollsBack() throws {
        try withStoreTestDirectory { directory in
            let connection = try SQLiteConnection(path: storeDatabasePath(in: directory))
            try Migrator(Database.baseMigrations + [Self.parentAndChild]).migrate(connection)
            let error = #expect(throws: StoreError.self) {
                try Migrator(Database.baseMigrations + [Self.parentAndChild, Self.rebuildParent(keeping: "id = 'p1'")])
                    .migrate(connection)
            }
            guard case .migration(let version, let message) = error else {
                Issue.record("expected a migration error, got \(String(describing: error))")
                return
            }
            #expect(version == 3 && message.contains("child") && message.contains("parent"))
            #expect(try Migrator.appliedVersion(in: connection) == 2)
            #expect(try connection.query("SELECT id FROM parent ORDER BY id").map { $0.string("id") } == ["p1", "p2"])
            #expect(try connection.queryOne("PRAGMA foreign_keys")?.int64("foreign_keys") == 1)
        }
    }

    @Test("a database newer than the program is refused")
    func downgradeRefused() throws {
        try withStoreTestDirectory { directory in
            let connection = try SQLiteConnection(path: storeDatabasePath(in: directory))
            try Migrator(Database.baseMigrations + [Self.createSolutions, Self.addSummary]).migrate(connection)
            let error = #expect(throws: StoreError.self) {
                try Migrator(Database.baseMigrations + [Self.createSolutions]).migrate(connection)
            }
            guard case .migration(let version, let message) = error else {
                Issue.record("expected a migration error, got \(String(describing: error))")
                return
            }
            #expect(version == 3)
            #expect(message.contains("newer than the 2 this program knows; refusing to downgrade"))
        }
    }

    @Test("a renamed, removed or back-dated migration is refused")
    func historyMustMatch() throws {
        try withStoreTestDirectory { directory in
            let connection = try SQLiteConnection(path: storeDatabasePath(in: directory))
            try Migrator(Database.baseMigrations + [Self.migration(2), Self.migration(4)]).migrate(connection)

            let renamed = Migration(version: 2, name: "other", sql: "CREATE TABLE other(x)")
            #expect(throws: StoreError.migration(version: 2, message: "applied migration is m2, but this program calls version 2 other")) {
                try Migrator(Database.baseMigrations + [renamed, Self.migration(4)]).migrate(connection)
            }
            #expect(throws: StoreError.migration(version: 2, message: "applied migration m2 is unknown to this program")) {
                try Migrator(Database.baseMigrations + [Self.migration(4)]).migrate(connection)
            }
            #expect(throws: StoreError.migration(version: 3, message: "m3 is below the applied version 4; add it with a higher version")) {
                try Migrator(Database.baseMigrations + [Self.migration(2), Self.migration(3), Self.migration(4)])
                    .migrate(connection)
            }
            #expect(try connection.queryOne("SELECT count(*) FROM sqlite_schema WHERE name = 'm3'")?[0] == .integer(0))
        }
    }
}
