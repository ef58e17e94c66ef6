import Testing
@testable import Node

@Suite("SQLValue")
struct SQLValueTests {
    /// Every storage class, with the values that break naive binding: extremes, an SQL
    /// injection attempt, non-ASCII text, embedded NUL, empty and zero-filled blobs.
    static let values: [SQLValue] = [
        .null,
        .integer(0),
        .integer(Int64.min),
        .integer(Int64.max),
        .real(3.25),
        .real(-0.5),
        .real(Double.greatestFiniteMagnitude),
        .text(""),
        .text("'); DROP TABLE t; --"),
        .text("Zoë fietst naar 's-Hertogenbosch 🚲 日本語"),
        .text("before\u{0}after"),
        .blob([]),
        .blob([0, 0, 0]),
        .blob([0, 1, 0xFF, 0, 0x7F]),
    ]

    @Test("a bound value is stored and read back exactly, in its own storage class", arguments: values)
    func boundValueRoundTrips(_ value: SQLValue) throws {
        try withStoreTestDirectory { directory in
            let connection = try SQLiteConnection(path: storeDatabasePath(in: directory))
            // No declared type: no affinity, so SQLite keeps each value's storage class.
            try connection.execute("CREATE TABLE t(v)")
            #expect(try connection.run("INSERT INTO t(v) VALUES (?)", [value]) == 1)

            let row = try #require(try connection.queryOne("SELECT v, typeof(v) AS type FROM t"))
            #expect(row["v"] == value)
            #expect(row.string("type") == value.storageClass)
            let matches = try connection.query("SELECT v FROM t WHERE v IS ?", [value])
            #expect(matches.count == 1)
            let tables = try connection.queryOne("SELECT count(*) AS n FROM sqlite_schema WHERE name = 't'")
            #expect(tables?.int64("n") == 1)
        }
    }

    @Test("literals build the matching case")
    func literals() {
        let values: [SQLValue] = [nil, 42, 1.5, "text"]
        #expect(values == [.null, .integer(42), .real(1.5), .text("text")])
    }

    @Test("decoding never converts between storage classes")
    func decodingIsStrict() {
        #expect(Int64(sqlValue: .integer(7)) == 7)
        #expect(Int(sqlValue: .integer(7)) == 7)
        #expect(Double(sqlValue: .real(0.5)) == 0.5)
        #expect(String(sqlValue: .text("7")) == "7")
        #expect([UInt8](sqlValue: .blob([7])) == [7])

        #expect(Int64(sqlValue: .text("7")) == nil)
        #expect(Int(sqlValue: .real(7)) == nil)
        #expect(Double(sqlValue: .integer(7)) == nil)
        #expect(String(sqlValue: .blob([55])) == nil)
        #expect([UInt8](sqlValue: .text("7")) == nil)
        #expect(Int64(sqlValue: .null) == nil)
    }
}
