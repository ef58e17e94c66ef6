import CSQLite
import Testing
@testable import Node

/// An error only the test throws, so a rethrow can be told apart from a wrapped one.
private struct PlannedFailure: Error, Equatable {
    let id: Int
}

@Suite("SQLiteConnection")
struct SQLiteConnectionTests {
    @Test("the pragmas are in effect after open")
    func pragmas() throws {
        try withStoreTestDirectory { directory in
            let connection = try SQLiteConnection(path: storeDatabasePath(in: directory), busyTimeoutMilliseconds: 1234)
            #expect(try connection.queryOne("PRAGMA journal_mode")?[0] == .text("wal"))
            // 2 is FULL.
            #expect(try connection.queryOne("PRAGMA synchronous")?[0] == .integer(2))
            #expect(try connection.queryOne("PRAGMA foreign_keys")?[0] == .integer(1))
            #expect(try connection.queryOne("PRAGMA busy_timeout")?[0] == .integer(1234))
            // 2 is MEMORY, for a connection that writes; a reader keeps SQLite's default, 0.
            #expect(try connection.queryOne("PRAGMA temp_store")?[0] == .integer(2))
            let reader = try SQLiteConnection(path: storeDatabasePath(in: directory), access: .readOnly)
            #expect(try reader.queryOne("PRAGMA temp_store")?[0] == .integer(0))
        }
    }

    @Test("a database that cannot use WAL is refused")
    func walIsRequired() {
        let error = #expect(throws: StoreError.self) {
            try SQLiteConnection(path: ":memory:")
        }
        #expect(error == .sqlite(code: SQLITE_ERROR, message: "journal_mode is memory, not wal"))
    }

    @Test("a failed open reports SQLite's code and message")
    func failedOpen() throws {
        try withStoreTestDirectory { directory in
            #expect(throws: StoreError.sqlite(code: SQLITE_CANTOPEN, message: "unable to open database file")) {
                try SQLiteConnection(path: storeDatabasePath(in: directory), access: .readOnly)
            }
        }
    }

    @Test("a committed transaction keeps its writes and returns the body's value")
    func commit() throws {
        try withStoreTestDirectory { directory in
            let connection = try SQLiteConnection(path: storeDatabasePath(in: directory))
            try connection.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
            let id = try connection.transaction {
                try connection.run("INSERT INTO t(name) VALUES (?)", ["Heerlen"])
                return connection.lastInsertRowID
            }
            #expect(connection.isInTransaction == false)
            let row = try #require(try connection.queryOne("SELECT name FROM t WHERE id = ?", [.integer(id)]))
            #expect(row.string("name") == "Heerlen")
        }
    }

    @Test("a transaction whose body throws is rolled back completely and the error rethrown as it was")
    func rollback() throws {
        try withStoreTestDirectory { directory in
            let connection = try SQLiteConnection(path: storeDatabasePath(in: directory))
            try connection.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, amount INTEGER NOT NULL)")
            try connection.run("INSERT INTO t(amount) VALUES (100)")

            #expect(throws: PlannedFailure(id: 7)) {
                try connection.transaction {
                    try connection.run("INSERT INTO t(amount) VALUES (?)", [5])
                    try connection.run("INSERT INTO t(amount) VALUES (?)", [6])
                    try connection.run("UPDATE t SET amount = amount - 100")
                    try connection.execute("CREATE TABLE u(x)")
                    throw PlannedFailure(id: 7)
                }
            }
            #expect(connection.isInTransaction == false)
            let rows = try connection.query("SELECT amount FROM t")
            #expect(rows.map { $0.int64("amount") } == [100])
            #expect(try connection.queryOne("SELECT count(*) FROM sqlite_schema WHERE name = 'u'")?[0] == .integer(0))
        }
    }

    @Test("transactions do not nest")
    func noNesting() throws {
        try withStoreTestDirectory { directory in
            let connection = try SQLiteConnection(path: storeDatabasePath(in: directory))
            #expect(throws: StoreError.sqlite(code: SQLITE_ERROR, message: "cannot start a transaction within a transaction")) {
                try connection.transaction {
                    try connection.transaction {}
                }
            }
            #expect(connection.isInTransaction == false)
        }
    }

    @Test("constraint violations map to .constraint with SQLite's message")
    func constraints() throws {
        try withStoreTestDirectory { directory in
            let connection = try SQLiteConnection(path: storeDatabasePath(in: directory))
            try connection.execute("""
                CREATE TABLE account(id TEXT PRIMARY KEY, holder TEXT NOT NULL UNIQUE);
                CREATE TABLE entry(account_id TEXT NOT NULL REFERENCES account(id));
                """)
            try connection.run("INSERT INTO account(id, holder) VALUES (?, ?)", ["a1", "h1"])

            #expect(throws: StoreError.constraint(message: "UNIQUE constraint failed: account.holder")) {
                try connection.run("INSERT INTO account(id, holder) VALUES (?, ?)", ["a2", "h1"])
            }
            #expect(throws: StoreError.constraint(message: "NOT NULL constraint failed: account.holder")) {
                try connection.run("INSERT INTO account(id, holder) VALUES (?, ?)", ["a3", nil])
            }
            #expect(throws: StoreError.constraint(message: "FOREIGN KEY constraint failed")) {
                try connection.run("INSERT INTO entry(account_id) VALUES (?)", ["nobody"])
            }
            #expect(throws: StoreError.constraint(message: "UNIQUE constraint failed: account.holder")) {
                try connection.transaction {
                    try connection.run("INSERT INTO account(id, holder) VALUES (?, ?)", ["a4", "h4"])
                    try connection.run("INSERT INTO account(id, holder) VALUES (?, ?)", ["a5", "h4"])
                }
            }
            #expect(try connection.queryOne("SELECT count(*) FROM account")?[0] == .integer(1))
        }
    }

    @Test("a write lock held elsewhere maps to .busy once the busy timeout passes")
    func busy() throws {
        try withStoreTestDirectory { directory in
            let path = storeDatabasePath(in: directory)
            let holder = try SQLiteConnection(path: path)
            try holder.execute("CREATE TABLE t(x)")
            let waiter = try SQLiteConnection(path: path, busyTimeoutMilliseconds: 0)
            try holder.execute("BEGIN IMMEDIATE")

            #expect(throws: StoreError.busy(message: "database is locked")) {
                try waiter.run("INSERT INTO t(x) VALUES (1)")
            }
            #expect(throws: StoreError.busy(message: "database is locked")) {
                try waiter.transaction {}
            }
            try holder.execute("COMMIT")
            try waiter.run("INSERT INTO t(x) VALUES (1)")
        }
    }

    @Test("a statement prepared once runs many times with fresh bindings")
    func statementReuse() throws {
        try withStoreTestDirectory { directory in
            let connection = try SQLiteConnection(path: storeDatabasePath(in: directory))
            try connection.execute("CREATE TABLE t(n INTEGER NOT NULL, label TEXT, data BLOB, ratio REAL)")
            let insert = try connection.prepare("INSERT INTO t(n, label, data, ratio) VALUES (?, ?, ?, ?)")
            #expect(insert.parameterCount == 4)
            for n in 1...3 {
                try insert.bind([.integer(Int64(n)), .text("n\(n)"), .blob([UInt8(n)]), .real(Double(n) / 2)])
                #expect(try insert.step() == false)
            }

            let select = try connection.prepare("SELECT n, label, data, ratio FROM t WHERE n >= ? ORDER BY n")
            #expect(select.columnNames == ["n", "label", "data", "ratio"])
            try select.bind([2])
            #expect(try select.step())
            #expect(select.column(at: 0, as: Int64.self) == 2)
            #expect(select.column(at: 1, as: String.self) == "n2")
            #expect(select.column(at: 2, as: [UInt8].self) == [2])
            #expect(select.column(at: 3, as: Double.self) == 1.0)
            #expect(select.column(at: 0, as: String.self) == nil)
            #expect(try select.step())
            #expect(select.row().int64("n") == 3)
            #expect(try select.step() == false)

            select.reset()
            #expect(try select.step())
            #expect(select.value(at: 0) == .integer(2))
            try select.bind([3])
            #expect(try select.step())
            #expect(select.value(at: 0) == .integer(3))
        }
    }

    @Test("binding the wrong number of values is refused")
    func parameterCount() throws {
        try withStoreTestDirectory { directory in
            let connection = try SQLiteConnection(path: storeDatabasePath(in: directory))
            #expect(throws: StoreError.sqlite(code: SQLITE_RANGE, message: "statement takes 2 parameters, 1 given")) {
                try connection.query("SELECT ?, ?", [1])
            }
            #expect(throws: StoreError.sqlite(code: SQLITE_RANGE, message: "statement takes 0 parameters, 1 given")) {
                try connection.query("SELECT 1", [1])
            }
        }
    }

    @Test("prepare takes exactly one statement")
    func oneStatement() throws {
        try withStoreTestDirectory { directory in
            let connection = try SQLiteConnection(path: storeDatabasePath(in: directory))
            try connection.execute("CREATE TABLE t(x)")
            #expect(throws: StoreError.sqlite(code: SQLITE_MISUSE, message: "prepare takes one statement; \"SELECT 1; DROP TABLE t\" holds more")) {
                try connection.query("SELECT 1; DROP TABLE t")
            }
            #expect(throws: StoreError.sqlite(code: SQLITE_MISUSE, message: "no SQL statement in \"  -- nothing \"")) {
                try connection.query("  -- nothing ")
            }
            #expect(throws: StoreError.sqlite(code: SQLITE_ERROR, message: "near \"SELEC\": syntax error")) {
                try connection.query("SELEC 1")
            }
            #expect(try connection.query("SELECT 1;  \n").count == 1)
            #expect(try connection.queryOne("SELECT count(*) FROM sqlite_schema WHERE name = 't'")?[0] == .integer(1))
        }
    }

    @Test("run reports changed rows and queryOne the first row")
    func runAndQueryOne() throws {
        try withStoreTestDirectory { directory in
            let connection = try SQLiteConnection(path: storeDatabasePath(in: directory))
            try connection.execute("CREATE TABLE t(n INTEGER)")
            #expect(try connection.run("INSERT INTO t(n) VALUES (1), (2), (3)") == 3)
            #expect(connection.lastInsertRowID == 3)
            #expect(try connection.run("UPDATE t SET n = n * 10 WHERE n > ?", [1]) == 2)
            #expect(try connection.run("DELETE FROM t WHERE n = ? RETURNING n", [30]) == 1)
            #expect(try connection.queryOne("SELECT n FROM t ORDER BY n")?.int64("n") == 1)
            #expect(try connection.queryOne("SELECT n FROM t WHERE n > 100") == nil)
            #expect(try connection.prepare("SELECT n FROM t").isReadOnly)
            #expect(try connection.prepare("DELETE FROM t").isReadOnly == false)
        }
    }

    @Test("queryOne runs a write to completion, so a failing commit is reported")
    func queryOneCompletesWrites() throws {
        try withStoreTestDirectory { directory in
            let connection = try SQLiteConnection(path: storeDatabasePath(in: directory))
            try connection.execute("""
                CREATE TABLE parent(id INTEGER PRIMARY KEY);
                CREATE TABLE child(
                    id INTEGER PRIMARY KEY,
                    parent_id INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED
                );
                """)
            // A deferred foreign key is checked at commit, after the RETURNING row is out.
            #expect(throws: StoreError.constraint(message: "FOREIGN KEY constraint failed")) {
                try connection.queryOne("INSERT INTO child(parent_id) VALUES (?) RETURNING id", [42])
            }
            #expect(try connection.queryOne("SELECT count(*) FROM child")?[0] == .integer(0))

            let first = try connection.queryOne("INSERT INTO parent(id) VALUES (1), (2) RETURNING id")
            #expect(first?.int64("id") == 1)
            #expect(try connection.queryOne("SELECT count(*) FROM parent")?[0] == .integer(2))
        }
    }
}

@Suite("SQLRow")
struct SQLRowTests {
    private let row = SQLRow(
        columnNames: ["id", "name", "amount", "ratio", "key", "note"],
        values: [.integer(1), .text("Heerlen"), .integer(250), .real(0.25), .blob([1, 2]), .null]
    )

    @Test("typed accessors return the value or nil, never a conversion")
    func optionalAccessors() {
        #expect(row["name"] == .text("Heerlen"))
        #expect(row[1] == .text("Heerlen"))
        #expect(row["absent"] == nil)
        #expect(row.string("name") == "Heerlen")
        #expect(row.int64("amount") == 250)
        #expect(row.int("id") == 1)
        #expect(row.double("ratio") == 0.25)
        #expect(row.blob("key") == [1, 2])
        #expect(row.string("amount") == nil)
        #expect(row.int64("note") == nil)
        #expect(row.blob("absent") == nil)
    }

    @Test("required throws for an absent column, NULL and another storage class")
    func required() throws {
        #expect(try row.required("amount", as: Int64.self) == 250)
        let name: String = try row.required("name")
        #expect(name == "Heerlen")
        #expect(throws: StoreError.missingColumn("absent")) {
            try row.required("absent", as: String.self)
        }
        #expect(throws: StoreError.typeMismatch(column: "note", expected: "String", found: "null")) {
            try row.required("note", as: String.self)
        }
        #expect(throws: StoreError.typeMismatch(column: "name", expected: "Int64", found: "text")) {
            try row.required("name", as: Int64.self)
        }
    }
}

@Suite("SQLiteConnection savepoints and statement cache")
struct SQLiteSavepointTests {
    private struct PlannedFailure: Error, Equatable {}

    @Test("a savepoint that throws undoes only its own writes; the transaction goes on")
    func savepointRollsBackItsOwnWrites() throws {
        try withStoreTestDirectory { directory in
            let connection = try SQLiteConnection(path: storeDatabasePath(in: directory))
            try connection.execute("CREATE TABLE t(label TEXT NOT NULL)")
            try connection.transaction {
                try connection.savepoint { try connection.run("INSERT INTO t VALUES ('kept')") }
                #expect(throws: PlannedFailure()) {
                    try connection.savepoint {
                        try connection.run("INSERT INTO t VALUES ('undone')")
                        throw PlannedFailure()
                    }
                }
                #expect(connection.isInTransaction)
                try connection.savepoint { try connection.run("INSERT INTO t VALUES ('also kept')") }
            }
            let labels = try connection.query("SELECT label FROM t ORDER BY rowid").compactMap { $0.string("label") }
            #expect(labels == ["kept", "also kept"])
        }
    }

    @Test("a savepoint over pages its transaction already changed writes nothing to disk, and rolls them back whole")
    func savepointJournalStaysInMemory() throws {
        try withStoreTestDirectory { directory in
            let connection = try SQLiteConnection(path: storeDatabasePath(in: directory))
            try connection.execute("CREATE TABLE wide(id INTEGER PRIMARY KEY, data BLOB NOT NULL)")
            let rows = 0..<200
            try connection.transaction {
                // A row of 3 KB per 4 KiB page: the updates below touch 200 pages, 800 KiB, which
                // the savepoint must journal because the transaction already changed them.
                for id in rows {
                    try connection.run("INSERT INTO wide(id, data) VALUES (?, zeroblob(3000))", [.integer(Int64(id))])
                }
                let before = try writeCallsOfThisThread()
                #expect(throws: PlannedFailure()) {
                    try connection.savepoint {
                        try connection.run("UPDATE wide SET data = randomblob(3000)")
                        throw PlannedFailure()
                    }
                }
                // With the journal in a temporary file, SQLite wrote it there page by page.
                let calls = try writeCallsOfThisThread() - before
                #expect(calls == 0, "the savepoint made \(calls) write calls")
            }
            #expect(try connection.queryOne("SELECT count(*) FROM wide WHERE data = zeroblob(3000)")?[0]
                    == .integer(Int64(rows.count)))
        }
    }

    @Test("repeated SQL reuses one prepared statement with fresh bindings each time")
    func statementsAreCached() throws {
        try withStoreTestDirectory { directory in
            let connection = try SQLiteConnection(path: storeDatabasePath(in: directory))
            try connection.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, label TEXT NOT NULL)")
            for id in 1...3 {
                try connection.run("INSERT INTO t(id, label) VALUES (?, ?)", [.integer(Int64(id)), .text("n\(id)")])
            }
            let cachedBefore = connection.statementCache.count
            for id in 1...3 {
                let row = try connection.queryOne("SELECT label FROM t WHERE id = ?", [.integer(Int64(id))])
                #expect(row?.string("label") == "n\(id)")
            }
            #expect(connection.statementCache.count == cachedBefore + 1)
            // A read left after its first row must not hold its snapshot: a write on another
            // connection and a fresh read here see each other.
            let other = try SQLiteConnection(path: storeDatabasePath(in: directory))
            _ = try connection.queryOne("SELECT label FROM t ORDER BY id")
            try other.run("INSERT INTO t(id, label) VALUES (4, 'n4')")
            #expect(try connection.queryOne("SELECT count(*) AS n FROM t")?.int("n") == 4)
        }
    }

    @Test("a cached statement keeps its column names, and reads them again when the schema gives it others")
    func cachedStatementsKeepTheirColumnNames() throws {
        try withStoreTestDirectory { directory in
            let connection = try SQLiteConnection(path: storeDatabasePath(in: directory))
            try connection.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, label TEXT NOT NULL)")
            try connection.run("INSERT INTO t(id, label) VALUES (1, 'one')")
            for _ in 1...2 {
                let row = try connection.queryOne("SELECT * FROM t")
                #expect(row?.columnNames == ["id", "label"])
                #expect(try connection.queryOne("SELECT label AS name FROM t")?.columnNames == ["name"])
            }
            // SQLite prepares the cached statement again after the change; its rows gain a column.
            try connection.execute("ALTER TABLE t ADD COLUMN note TEXT")
            let row = try connection.queryOne("SELECT * FROM t")
            #expect(row?.columnNames == ["id", "label", "note"])
            #expect(row?.string("label") == "one")
        }
    }

    @Test("rows read after a schema change carry the new column names, also when the count stays and for many rows")
    func cachedStatementsFollowRenamedAndAddedColumns() throws {
        try withStoreTestDirectory { directory in
            let connection = try SQLiteConnection(path: storeDatabasePath(in: directory))
            try connection.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, label TEXT NOT NULL)")
            try connection.run("INSERT INTO t(id, label) VALUES (1, 'one'), (2, 'two')")
            #expect(try connection.query("SELECT * FROM t").map(\.columnNames) == [["id", "label"], ["id", "label"]])
            #expect(try connection.queryOne("SELECT * FROM t")?.columnNames == ["id", "label"])
            // Same count, other names: only SQLite's re-preparing tells the cached names are stale.
            try connection.execute("ALTER TABLE t RENAME COLUMN label TO title")
            #expect(try connection.queryOne("SELECT * FROM t")?.string("title") == "one")
            #expect(try connection.query("SELECT * FROM t").map { $0.string("title") } == ["one", "two"])
            // Another column: `query` names its rows after stepping, when the statement is current.
            try connection.execute("ALTER TABLE t ADD COLUMN note TEXT")
            #expect(try connection.query("SELECT * FROM t").map(\.columnNames) == [["id", "title", "note"], ["id", "title", "note"]])
        }
    }
}
