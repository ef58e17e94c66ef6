/// The per-origin feed of record changes that the federation serves and pulls.
///
/// Each record keeps only its latest change here (older ones are dropped when a newer one is
/// appended), so a peer starting from zero receives the current state once per record, tombstones
/// included, and the log never grows beyond the number of records. Sequences per origin only go
/// up; the gaps left by dropped entries are harmless to a cursor.
public enum ChangeLog {
    public static let migration = Migration(version: 4, name: "change log", sql: """
        CREATE TABLE change_log (
            origin TEXT NOT NULL,
            sequence INTEGER NOT NULL,
            kind TEXT NOT NULL,
            record_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            deleted INTEGER NOT NULL,
            content BLOB NOT NULL,
            signature BLOB NOT NULL,
            PRIMARY KEY (origin, sequence)
        );
        CREATE UNIQUE INDEX change_log_record ON change_log (origin, kind, record_id);
        """)

    /// Records a change this node made to its own record, signing its canonical content. Call in
    /// the same write transaction as the change itself; returns the change's sequence.
    @discardableResult
    public static func appendLocal(
        in connection: SQLiteConnection, origin: String, kind: String, id: String, version: Int, isDeleted: Bool,
        content: [UInt8], signer: any ContentSigner
    ) throws -> Int64 {
        let sequence = try latestSequence(in: connection, origin: origin) + 1
        let change = RecordChange(origin: origin, sequence: sequence, kind: kind, id: id, version: version,
                                  isDeleted: isDeleted, content: content, signature: try signer.sign(content))
        try store(change, in: connection)
        return sequence
    }

    /// Stores a peer's change after its signature was verified and it was applied.
    public static func appendReplica(_ change: RecordChange, in connection: SQLiteConnection) throws {
        try store(change, in: connection)
    }

    /// Changes of `origin` after `since`, in commit order, at most `limit`.
    public static func changes(in connection: SQLiteConnection, origin: String, since: Int64, limit: Int) throws -> [RecordChange] {
        try connection.query("""
            SELECT origin, sequence, kind, record_id, version, deleted, content, signature FROM change_log
            WHERE origin = ? AND sequence > ? ORDER BY sequence LIMIT ?
            """, [.text(origin), .integer(since), .integer(Int64(limit))]).map { row in
            RecordChange(
                origin: try row.required("origin"), sequence: try row.required("sequence"), kind: try row.required("kind"),
                id: try row.required("record_id"), version: try row.required("version"),
                isDeleted: try row.required("deleted", as: Int64.self) != 0,
                content: try row.required("content"), signature: try row.required("signature"))
        }
    }

    public static func latestSequence(in connection: SQLiteConnection, origin: String) throws -> Int64 {
        try connection.queryOne("SELECT coalesce(max(sequence), 0) AS latest FROM change_log WHERE origin = ?",
                                [.text(origin)])?.int64("latest") ?? 0
    }

    /// The version this node holds of a record, if any; replicas apply only newer versions.
    public static func heldVersion(in connection: SQLiteConnection, origin: String, kind: String, id: String) throws -> Int? {
        try connection.queryOne("SELECT version FROM change_log WHERE origin = ? AND kind = ? AND record_id = ?",
                                [.text(origin), .text(kind), .text(id)])?.int("version")
    }

    /// Proof of state for one origin: how many records, up to which sequence, and a SHA-256 over
    /// every record's kind, id, version, deletion flag and content hash in a fixed order. Two
    /// nodes that hold the same state of an origin compute the same digest (invariant 6).
    public static func digest(in connection: SQLiteConnection, origin: String) throws -> (sequence: Int64, count: Int, hash: String) {
        let rows = try connection.query("""
            SELECT kind, record_id, version, deleted, content FROM change_log WHERE origin = ? ORDER BY kind, record_id
            """, [.text(origin)])
        var material: [UInt8] = []
        for row in rows {
            let line = "\(try row.required("kind", as: String.self))\n\(try row.required("record_id", as: String.self))\n"
                + "\(try row.required("version", as: Int64.self))\n\(try row.required("deleted", as: Int64.self))\n"
                + Digest.sha256Hex(try row.required("content")) + "\n"
            material.append(contentsOf: line.utf8)
        }
        return (try latestSequence(in: connection, origin: origin), rows.count, Digest.sha256Hex(material))
    }

    private static func store(_ change: RecordChange, in connection: SQLiteConnection) throws {
        try connection.run("DELETE FROM change_log WHERE origin = ? AND kind = ? AND record_id = ?",
                           [.text(change.origin), .text(change.kind), .text(change.id)])
        try connection.run("""
            INSERT INTO change_log (origin, sequence, kind, record_id, version, deleted, content, signature)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, [.text(change.origin), .integer(change.sequence), .text(change.kind), .text(change.id),
                  .integer(Int64(change.version)), .integer(change.isDeleted ? 1 : 0), .blob(change.content),
                  .blob(change.signature)])
    }
}
