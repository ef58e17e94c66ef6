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

    /// Stores a peer's change after its signature was verified and it was applied. `replacing`
    /// false says the caller found no change of this record held (`heldVersion` was nil in this
    /// transaction), so there is no older row to remove first.
    public static func appendReplica(_ change: RecordChange, replacing: Bool = true, in connection: SQLiteConnection) throws {
        try store(change, replacing: replacing, in: connection)
    }

    /// Changes of `origin` after `since`, in commit order, at most `limit`, and no more than
    /// `maxBytes` of content and signatures together (the first change always, however large,
    /// so a feed never stalls on one big record). Rows are read one at a time and reading stops
    /// at the budget, so a page's memory is bounded by the budget plus one record.
    public static func changes(in connection: SQLiteConnection, origin: String, since: Int64, limit: Int,
                               maxBytes: Int = .max) throws -> [RecordChange] {
        let statement = try connection.prepare("""
            SELECT origin, sequence, kind, record_id, version, deleted, content, signature FROM change_log
            WHERE origin = ? AND sequence > ? ORDER BY sequence LIMIT ?
            """)
        try statement.bind([.text(origin), .integer(since), .integer(Int64(limit))])
        var names: [String]?
        var changes: [RecordChange] = []
        var bytes = 0
        while try statement.step() {
            // After the first step, as `SQLiteConnection.query` does; one array for every row.
            let rowNames = names ?? statement.columnNames
            names = rowNames
            let row = statement.row(columnNames: rowNames)
            let change = RecordChange(
                origin: try row.required("origin"), sequence: try row.required("sequence"), kind: try row.required("kind"),
                id: try row.required("record_id"), version: try row.required("version"),
                isDeleted: try row.required("deleted", as: Int64.self) != 0,
                content: try row.required("content"), signature: try row.required("signature"))
            bytes += change.content.count + change.signature.count
            if !changes.isEmpty && bytes > maxBytes { break }
            changes.append(change)
        }
        return changes
    }

    /// The highest sequence held of `origin`, 0 when none is (changes set aside below 1 after a
    /// feed restarted do not count).
    public static func latestSequence(in connection: SQLiteConnection, origin: String) throws -> Int64 {
        try connection.queryOne("SELECT max(coalesce(max(sequence), 0), 0) AS latest FROM change_log WHERE origin = ?",
                                [.text(origin)])?.int64("latest") ?? 0
    }

    /// Moves every change held of a replicated `origin` to sequences below 1, keeping their
    /// order, content and versions. Called when that origin's feed restarted (a rebuilt
    /// database has a new epoch and numbers its changes from 1 again): the restarted feed's
    /// changes can then be stored at the sequences it now uses, while the versions held still
    /// decide which changes are newer. Never for this node's own origin.
    ///
    /// One uniform shift by more than the span of the held sequences, and by at least the
    /// highest: the shifted range lies wholly below both 1 and the old range, so no row meets
    /// another's sequence even halfway through the statement.
    public static func setAsideReplicas(in connection: SQLiteConnection, origin: String) throws {
        guard let row = try connection.queryOne(
            "SELECT min(sequence) AS low, max(sequence) AS high FROM change_log WHERE origin = ?", [.text(origin)]),
            let low = row.int64("low"), let high = row.int64("high") else { return }
        let shift = (high - low + 1) + max(low, 0)
        try connection.run("UPDATE change_log SET sequence = sequence - ? WHERE origin = ?", [.integer(shift), .text(origin)])
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

    private static func store(_ change: RecordChange, replacing: Bool = true, in connection: SQLiteConnection) throws {
        if replacing {
            try connection.run("DELETE FROM change_log WHERE origin = ? AND kind = ? AND record_id = ?",
                               [.text(change.origin), .text(change.kind), .text(change.id)])
        }
        try connection.run("""
            INSERT INTO change_log (origin, sequence, kind, record_id, version, deleted, content, signature)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, [.text(change.origin), .integer(change.sequence), .text(change.kind), .text(change.id),
                  .integer(Int64(change.version)), .integer(change.isDeleted ? 1 : 0), .blob(change.content),
                  .blob(change.signature)])
    }
}
