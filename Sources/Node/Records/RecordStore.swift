import Foundation
import Schemas

/// Local writes and reads of one kind of shared record.
///
/// Every write runs in one `Database.write` transaction that changes the record's row and its
/// full-text row, appends the signed change to the federation's change log, and records the
/// audit entry, so none of the four can exist without the others. Only records whose origin is
/// this node are written here; replicas arrive through `SharedRecordReplicaApplier`.
public struct RecordStore<Kind: SharedRecordKind>: Sendable {
    public let database: Database
    /// This node's OIN: the origin of every record it creates.
    public let localOrigin: OIN
    let signer: any ContentSigner

    public init(database: Database, localOrigin: OIN, signer: any ContentSigner) {
        self.database = database
        self.localOrigin = localOrigin
        self.signer = signer
    }

    // MARK: Writes

    /// Creates version 1 of a new record owned by this node.
    public func create(_ content: Kind.Content, id: UUID = UUID(), by actor: WriteActor, at date: Date = Date()) throws -> StoredRecord {
        try Self.check(content)
        return try database.write { connection in
            try create(content, id: id, by: actor, at: date, in: connection)
        }
    }

    /// The same inside a caller's write transaction (bulk loads, sample data). Refuses an id that
    /// is already taken, by any origin.
    public func create(_ content: Kind.Content, id: UUID, by actor: WriteActor, at date: Date, in connection: SQLiteConnection) throws -> StoredRecord {
        let record = Record<Kind.Content>.created(content, id: id, origin: localOrigin, at: date)
        let bytes = try Self.canonicalBytes(of: record)
        guard try Self.find(id: record.id.uuidString.lowercased(), in: connection) == nil else {
            throw StoreError.constraint(message: "a \(Kind.noun) with id \(record.id.uuidString.lowercased()) exists already")
        }
        let stored = try Self.upsert(RecordRow(record, bytes: bytes), isNew: true, in: connection)
        try publish(record, bytes: bytes, action: "create", oldContent: nil, by: actor, in: connection)
        return stored
    }

    /// Replaces the content of a record this node owns, when `condition` matches its current
    /// entity tag (strong comparison, RFC 9110 section 13.1.1). A nil condition updates
    /// unconditionally; the HTTP layer never passes nil (it answers 428 first), the CLI may.
    public func update(id: String, with content: Kind.Content, ifMatch condition: EntityTag.Condition?, by actor: WriteActor,
                       at date: Date = Date()) throws -> StoredRecord {
        try Self.check(content)
        return try database.write { connection in
            let (current, record) = try ownedLiveRecord(id: id, ifMatch: condition, in: connection)
            let next = record.updated(with: content, at: max(date, record.metadata.updatedAt))
            let bytes = try Self.canonicalBytes(of: next)
            let stored = try Self.upsert(RecordRow(next, bytes: bytes), isNew: false, in: connection)
            try publish(next, bytes: bytes, action: "update", oldContent: current.content, by: actor, in: connection)
            return stored
        }
    }

    /// Replaces a record this node owns by its tombstone, which stays (and replicates) so that
    /// every peer learns of the deletion. `condition` is optional here: a DELETE without
    /// `If-Match` deletes whatever the current version is.
    public func delete(id: String, ifMatch condition: EntityTag.Condition?, by actor: WriteActor, at date: Date = Date()) throws -> StoredRecord {
        try database.write { connection in
            let (current, record) = try ownedLiveRecord(id: id, ifMatch: condition, in: connection)
            let tombstone = record.deleted(at: max(date, record.metadata.updatedAt))
            let bytes = try Self.canonicalBytes(of: tombstone)
            let stored = try Self.upsert(RecordRow(tombstone, bytes: bytes), isNew: false, in: connection)
            try publish(tombstone, bytes: bytes, action: "delete", oldContent: current.content, by: actor, in: connection)
            return stored
        }
    }

    /// The current row and its decoded record, after the checks every change of an existing
    /// record needs, in the order a client can act on: gone, not ours, then stale.
    private func ownedLiveRecord(id: String, ifMatch condition: EntityTag.Condition?,
                                 in connection: SQLiteConnection) throws -> (StoredRecord, Record<Kind.Content>) {
        guard let current = try Self.find(id: id, in: connection) else { throw RecordStoreError.notFound(kind: Kind.noun, id: id) }
        guard !current.isDeleted else { throw RecordStoreError.deleted(kind: Kind.noun, id: id) }
        guard current.origin == localOrigin.value else {
            throw RecordStoreError.notOrigin(kind: Kind.noun, id: id, origin: current.origin)
        }
        if let condition, !condition.matchesStrongly(current.etag) {
            throw RecordStoreError.preconditionFailed(kind: Kind.noun, id: id, currentETag: current.etag)
        }
        return (current, try Self.decode(current))
    }

    /// Appends the signed change for the federation and the audit entry, in the write's transaction.
    private func publish(_ record: Record<Kind.Content>, bytes: [UInt8], action: String, oldContent: [UInt8]?, by actor: WriteActor,
                         in connection: SQLiteConnection) throws {
        let id = record.id.uuidString.lowercased()
        try ChangeLog.appendLocal(in: connection, origin: localOrigin.value, kind: Kind.kind, id: id, version: record.version,
                                  isDeleted: record.isDeleted, content: bytes, signer: signer)
        try AuditLog.record(in: connection, actor: actor.name, action: action, resource: Kind.kind, resourceID: id,
                            version: record.version, oldContent: oldContent, newContent: bytes, requestID: actor.requestID)
    }

    // MARK: Reads

    /// The row for `id` (lowercase UUID), tombstones included.
    public func find(id: String) throws -> StoredRecord? {
        try database.read { connection in try Self.find(id: id, in: connection) }
    }

    /// A page of live records matching `query`, and how many match in all, from one snapshot.
    public func list(_ query: RecordListQuery) throws -> (records: [StoredRecord], count: Int) {
        if query.matchesNothing { return ([], 0) }
        return try database.read { connection in try Self.list(query, in: connection) }
    }

    /// Counts the matches, then picks the page's positions, then reads those rows. Picking
    /// positions first keeps the records' content out of the sort: a search that matches ten
    /// thousand entries sorts ten thousand small keys instead of ten thousand records.
    static func list(_ query: RecordListQuery, in connection: SQLiteConnection) throws -> (records: [StoredRecord], count: Int) {
        let (count, positions) = try searchesTheIndexAlone(query)
            ? pageFromSearchIndex(query, in: connection)
            : pageFromTable(query, in: connection)
        guard !positions.isEmpty else { return ([], count) }
        // One statement text whatever the page size (the connection caches statements by text),
        // the positions passed as one JSON array.
        let rows = try connection.query("""
            SELECT r.position, \(StoredRecord.columns) FROM \(Kind.table) r
            WHERE r.position IN (SELECT value FROM json_each(?)) AND r.deleted = 0
            """, [.text("[" + positions.map(String.init).joined(separator: ",") + "]")])
        var byPosition: [Int64: StoredRecord] = [:]
        for row in rows {
            byPosition[try row.required("position", as: Int64.self)] = try StoredRecord(row: row)
        }
        return (positions.compactMap { byPosition[$0] }, count)
    }

    /// A search with no other filter, ranked by relevance: the full-text index alone answers it,
    /// since it holds a row for every live record and none for a tombstone (see `upsert`).
    /// Joining each match to its record just to read `deleted` was most of a search's cost.
    private static func searchesTheIndexAlone(_ query: RecordListQuery) -> Bool {
        guard query.search != nil, Kind.searchTable != nil, query.conditions.isEmpty else { return false }
        return query.sort.allSatisfy { $0.key == .relevance && !$0.isDescending }
    }

    private static func pageFromSearchIndex(_ query: RecordListQuery, in connection: SQLiteConnection) throws -> (Int, [Int64]) {
        guard let search = query.search, let searchTable = Kind.searchTable else {
            preconditionFailure("only a search reaches the index alone")
        }
        let match: [SQLValue] = [.text(search.matchExpression)]
        let count = try connection.queryOne("SELECT count(*) AS n FROM \(searchTable) WHERE \(searchTable) MATCH ?", match)?
            .int("n") ?? 0
        let positions = try connection.query(
            "SELECT rowid AS position FROM \(searchTable) WHERE \(searchTable) MATCH ? ORDER BY rank, rowid LIMIT ? OFFSET ?",
            match + [.integer(Int64(query.page.size)), .integer(Int64(query.page.offset))])
        return (count, try positions.map { try $0.required("position", as: Int64.self) })
    }

    private static func pageFromTable(_ query: RecordListQuery, in connection: SQLiteConnection) throws -> (Int, [Int64]) {
        var from = "FROM \(Kind.table) r"
        var conditions = ["r.deleted = 0"]
        var parameters: [SQLValue] = []
        if let search = query.search, let searchTable = Kind.searchTable {
            // CROSS JOIN fixes the loop order: the full-text index finds its matches first and
            // each is joined to its row by position. Left to itself, the planner may scan every
            // row and run the MATCH once per row, which at 100k entries takes seconds.
            from = "FROM \(searchTable) CROSS JOIN \(Kind.table) r ON r.position = \(searchTable).rowid"
            conditions.append("\(searchTable) MATCH ?")
            parameters.append(.text(search.matchExpression))
        }
        conditions += query.conditions
        parameters += query.parameters
        let whereClause = " WHERE " + conditions.joined(separator: " AND ")
        let count = try connection.queryOne("SELECT count(*) AS n " + from + whereClause, parameters)?.int("n") ?? 0
        let ordering = (query.ordering(searchTable: Kind.searchTable) + ["r.position"]).joined(separator: ", ")
        let positions = try connection.query(
            "SELECT r.position " + from + whereClause + " ORDER BY " + ordering + " LIMIT ? OFFSET ?",
            parameters + [.integer(Int64(query.page.size)), .integer(Int64(query.page.offset))])
        return (count, try positions.map { try $0.required("position", as: Int64.self) })
    }

    static func find(id: String, in connection: SQLiteConnection) throws -> StoredRecord? {
        try connection.queryOne("SELECT \(StoredRecord.columns) FROM \(Kind.table) r WHERE r.id = ?", [.text(id)])
            .map(StoredRecord.init(row:))
    }

    // MARK: Rows

    /// Writes the row (keeping its `position` when it exists) and its full-text row. Shared by
    /// local writes and the replica applier, so both keep the same columns. `isNew` says the
    /// caller found no row with this id in this transaction: the insert then cannot conflict,
    /// its position is the new rowid, and there is no old full-text row to remove (two
    /// statements fewer, a fifth of a bulk load's or a sync page's SQL).
    static func upsert(_ row: RecordRow<Kind>, isNew: Bool, in connection: SQLiteConnection) throws -> StoredRecord {
        let columns = RecordRow<Kind>.columns
        let insert = "INSERT INTO \(Kind.table) (\(columns.joined(separator: ", "))) VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ", ")))"
        let position: Int64
        if isNew {
            try connection.run(insert, row.values)
            position = connection.lastInsertRowID
        } else {
            // No RETURNING: a statement with RETURNING takes a statement journal, and inside a
            // transaction that already wrote to an FTS5 table, every statement journal makes FTS5
            // flush its pending terms to disk. In a batch (a sync page, a bulk load) that meant one
            // search-index segment per record, about a third of the cost of a write. The position
            // is read back by id instead, which costs one index lookup.
            let updates = columns.dropFirst().map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
            try connection.run("\(insert) ON CONFLICT (id) DO UPDATE SET \(updates)", row.values)
            guard let held = try connection.queryOne("SELECT position FROM \(Kind.table) WHERE id = ?", [.text(row.stored.id)])?
                .int64("position") else {
                preconditionFailure("the row an upsert wrote is there to read back in the same transaction")
            }
            position = held
        }
        if let searchTable = Kind.searchTable {
            if !isNew { try connection.run("DELETE FROM \(searchTable) WHERE rowid = ?", [.integer(position)]) }
            if let texts = row.searchTexts {
                try connection.run(
                    "INSERT INTO \(searchTable) (rowid, \(Kind.searchColumns.joined(separator: ", "))) VALUES (?\(String(repeating: ", ?", count: texts.count)))",
                    [.integer(position)] + texts.map { .text($0) })
            }
        }
        return row.stored
    }

    static func decode(_ stored: StoredRecord) throws -> Record<Kind.Content> {
        switch Record<Kind.Content>.decode(from: stored.content) {
        case .success(let record): return record
        case .failure(let failure): throw RecordStoreError.corrupt(kind: Kind.noun, id: stored.id, reason: failure.description)
        }
    }

    static func canonicalBytes(of record: Record<Kind.Content>) throws -> [UInt8] {
        do {
            return try record.canonicalBytes()
        } catch {
            throw RecordStoreError.invalid([InvalidParam(name: "body", code: "invalid", reason: error.description)])
        }
    }

    /// Content built in code (sample data, a publiccode.yml import) goes through the same field
    /// rules as a request body before it is stored.
    static func check(_ content: Kind.Content) throws {
        let issues = content.validate()
        guard issues.isEmpty else {
            throw RecordStoreError.invalid(issues)
        }
    }
}

extension StoredRecord {
    init(id: String, origin: String, version: Int, isDeleted: Bool, etag: String, content: [UInt8]) {
        self.id = id
        self.origin = origin
        self.version = version
        self.isDeleted = isDeleted
        self.etag = etag
        self.content = content
    }
}
