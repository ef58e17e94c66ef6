import Foundation

/// One write as the audit trail keeps it: who, what, when, and hashes of the content before and
/// after, so an auditor can prove which version a change replaced without the trail holding copies.
public struct AuditEntry: Sendable, Equatable, Encodable {
    public let sequence: Int64
    public let at: String
    /// `apikey:<id>`, `peer:<oin>` or `cli`.
    public let actor: String
    public let action: String
    public let resource: String
    public let resourceId: String
    public let version: Int?
    public let oldHash: String?
    public let newHash: String?
    public let requestId: String?
}

/// The append-only audit trail. Entries are written inside the same transaction as the change
/// they describe, so a change without its entry (or the reverse) cannot exist.
public enum AuditLog {
    public static let migration = Migration(version: 3, name: "audit log", sql: """
        CREATE TABLE audit_log (
            sequence INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            resource TEXT NOT NULL,
            resource_id TEXT NOT NULL,
            version INTEGER,
            old_hash TEXT,
            new_hash TEXT,
            request_id TEXT
        );
        CREATE INDEX audit_log_resource ON audit_log (resource, resource_id);
        CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
            BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
            BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        """)

    /// The actor string for a request: its API key, else its peer certificate.
    public static func actor(of request: Request) -> String {
        if let key = request.apiKey { return "apikey:\(key.id)" }
        if let oin = request.peer?.oin { return "peer:\(oin)" }
        return "anonymous"
    }

    /// Records a change; call inside the `Database.write` that makes it.
    public static func record(
        in connection: SQLiteConnection, actor: String, action: String, resource: String, resourceID: String,
        version: Int?, oldContent: [UInt8]?, newContent: [UInt8]?, requestID: String?
    ) throws {
        try record(in: connection, actor: actor, action: action, resource: resource, resourceID: resourceID, version: version,
                   oldHash: oldContent.map(Digest.sha256Hex), newHash: newContent.map(Digest.sha256Hex), requestID: requestID)
    }

    /// The same with the contents' hex SHA-256 already computed.
    static func record(
        in connection: SQLiteConnection, actor: String, action: String, resource: String, resourceID: String,
        version: Int?, oldHash: String?, newHash: String?, requestID: String?
    ) throws {
        try connection.run("""
            INSERT INTO audit_log (at, actor, action, resource, resource_id, version, old_hash, new_hash, request_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [
                .text(RFC3339.string(from: Date())), .text(actor), .text(action), .text(resource), .text(resourceID),
                version.map { .integer(Int64($0)) } ?? .null, oldHash.map { .text($0) } ?? .null,
                newHash.map { .text($0) } ?? .null, requestID.map { .text($0) } ?? .null,
            ])
    }

    /// A page of entries, newest first, optionally for one resource kind.
    public static func page(in connection: SQLiteConnection, resource: String?, request: PageRequest) throws -> (entries: [AuditEntry], count: Int) {
        let filter = resource == nil ? "" : " WHERE resource = ?"
        let parameters: [SQLValue] = resource.map { [.text($0)] } ?? []
        let count = try connection.queryOne("SELECT count(*) AS n FROM audit_log" + filter, parameters)?.int("n") ?? 0
        let rows = try connection.query(
            "SELECT * FROM audit_log" + filter + " ORDER BY sequence DESC LIMIT ? OFFSET ?",
            parameters + [.integer(Int64(request.size)), .integer(Int64(request.offset))])
        let entries = try rows.map { row in
            AuditEntry(
                sequence: try row.required("sequence"), at: try row.required("at"), actor: try row.required("actor"),
                action: try row.required("action"), resource: try row.required("resource"),
                resourceId: try row.required("resource_id"), version: row.int("version"), oldHash: row.string("old_hash"),
                newHash: row.string("new_hash"), requestId: row.string("request_id"))
        }
        return (entries, count)
    }
}

/// `GET /api/node/v1/audit`: the trail for auditors, behind the `node:admin` scope.
public enum AuditRoute {
    static let maxResourceLength = 100

    public static func register(in table: inout RouteTable, database: Database) {
        table.add(Route("GET", "/api/node/v1/audit", component: Responder.nodeComponent,
                        access: .apiKey(scope: APIScope.nodeAdmin)) { request in
            var issues: [InvalidParam] = []
            request.checkQueryKeys(allowed: ["page", "pageSize", "resource"], issues: &issues)
            let pageRequest = PageRequest.parse(request.query, issues: &issues)
            if let resource = request.query["resource"], resource.isEmpty || resource.count > maxResourceLength {
                issues.append(InvalidParam(name: "resource", code: "invalid",
                                           reason: "a resource kind is 1 to \(maxResourceLength) characters"))
            }
            guard issues.isEmpty else { throw Problem.badRequest("The query has invalid parameters.", invalidParams: issues) }
            let result = try database.read { connection in
                try AuditLog.page(in: connection, resource: request.query["resource"], request: pageRequest)
            }
            return Page(results: result.entries, count: result.count, request: pageRequest, path: request.path, query: request.query)
                .response(request: pageRequest, path: request.path, query: request.query)
        })
    }
}
