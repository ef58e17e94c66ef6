import Schemas

/// How one kind of shared record (solution, adoption, knowledge entry) is kept in SQLite: its
/// table, the columns its list filters read, and the text its full-text index holds.
///
/// Every kind's table has the same leading columns (see `SharedRecordTable.createSQL`), then
/// `filterColumns`. The whole record lives in `content` as its canonical JSON, the bytes the
/// origin signed, so a read answers with exactly what the federation replicates; the filter
/// columns are copies taken from that content when the row is written, NULL on a tombstone.
public protocol SharedRecordKind: Sendable {
    associatedtype Content: RecordContent

    /// The singular noun for messages ("solution", "knowledge entry").
    static var noun: String { get }
    static var table: String { get }
    /// The FTS5 table over `searchColumns`, or nil when the kind has no `q=` search.
    static var searchTable: String? { get }
    static var filterColumns: [String] { get }
    /// One value per filter column, from a live record's content. `origin` is the record's owner,
    /// for columns that fall back to it (a solution without `organisation` is the origin's).
    static func filterValues(of content: Content, origin: OIN) -> [SQLValue]
    /// The FTS columns, in the order the FTS table declares them.
    static var searchColumns: [String] { get }
    /// One text per search column; both languages of a localized field go into the same column.
    static func searchValues(of content: Content) -> [String]
}

extension SharedRecordKind {
    /// The change-log and audit name of the kind (`solution`, `adoption`, `knowledge-entry`).
    public static var kind: String { Content.recordKind }
    public static var searchTable: String? { nil }
    public static var searchColumns: [String] { [] }
    public static func searchValues(of content: Content) -> [String] { [] }
}

/// The SQL every kind's table shares.
enum SharedRecordTable {
    /// `position` numbers rows in the order they first reached this node, local or replicated,
    /// and never changes afterwards: lists page in this order, so a record written while a client
    /// pages (a new one, or a replica with an old `createdAt`) lands after every page the client
    /// has seen instead of shifting them. AUTOINCREMENT keeps a position from ever being reused.
    static func createSQL(table: String, filterColumns: [String]) -> String {
        """
        CREATE TABLE \(table) (
            position INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            origin TEXT NOT NULL,
            version INTEGER NOT NULL CHECK (version >= 1),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            deleted INTEGER NOT NULL CHECK (deleted IN (0, 1)),
            etag TEXT NOT NULL,
            content BLOB NOT NULL\(filterColumns.map { ",\n    \($0)" }.joined())
        );
        CREATE INDEX \(table)_origin ON \(table) (origin, deleted);
        """
    }

    /// An FTS5 index keyed by the record's `position`. `unicode61 remove_diacritics 2` folds case
    /// and accents in Dutch and English alike ("café" finds "cafe"). The bm25 weights are stored
    /// as the table's default rank, so `ORDER BY rank` ranks a title hit above a body hit.
    ///
    /// No prefix indexes (`prefix = '2 3 4'`), although every search term is a prefix query
    /// (see `FullTextQuery`): they only serve prefixes of exactly those lengths, and each one
    /// adds a copy of every token to the index. Measured on 60,000 entries, they made writes
    /// about five times slower (which is what bounds sync and bulk loads) while a two-letter
    /// prefix query took 20 ms with them and 26 ms without.
    static func createSearchSQL(table: String, columns: [String], weights: [Double]) -> String {
        precondition(columns.count == weights.count, "one bm25 weight per search column")
        return """
        CREATE VIRTUAL TABLE \(table) USING fts5(
            \(columns.joined(separator: ", ")),
            tokenize = 'unicode61 remove_diacritics 2'
        );
        INSERT INTO \(table) (\(table), rank) VALUES ('rank', 'bm25(\(weights.map { String($0) }.joined(separator: ", ")))');
        """
    }

    /// Rebuilds a search table made by an earlier `createSearchSQL` (with prefix indexes) in
    /// today's form, for a migration. The rows are copied (an FTS5 table keeps the text it
    /// indexes), but only those of live records in `records`: searches rely on the index holding
    /// no row for a tombstone (see `RecordStore.list`).
    static func rebuildSearchSQL(table: String, records: String, columns: [String], weights: [Double]) -> String {
        let columnList = columns.joined(separator: ", ")
        return """
        \(createSearchSQL(table: "\(table)_rebuilt", columns: columns, weights: weights))
        INSERT INTO \(table)_rebuilt (rowid, \(columnList))
            SELECT s.rowid, \(columns.map { "s.\($0)" }.joined(separator: ", ")) FROM \(table) s
            JOIN \(records) r ON r.position = s.rowid WHERE r.deleted = 0;
        DROP TABLE \(table);
        ALTER TABLE \(table)_rebuilt RENAME TO \(table);
        """
    }
}
