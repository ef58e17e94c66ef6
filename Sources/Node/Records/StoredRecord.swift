/// One row of a shared-record table as reads return it: the record's canonical JSON (what the
/// API answers and the federation signs) with the metadata that reads decide on.
public struct StoredRecord: Sendable, Equatable {
    public let id: String
    /// The OIN of the node that owns the record.
    public let origin: String
    public let version: Int
    public let isDeleted: Bool
    /// The strong entity tag of `content`, quotes included.
    public let etag: String
    /// Canonical JSON (RFC 8785) of the whole record, metadata included.
    public let content: [UInt8]

    static let columns = "r.id, r.origin, r.version, r.deleted, r.etag, r.content"

    init(row: SQLRow) throws(StoreError) {
        id = try row.required("id")
        origin = try row.required("origin")
        version = try row.required("version")
        isDeleted = try row.required("deleted", as: Int64.self) != 0
        etag = try row.required("etag")
        content = try row.required("content")
    }
}

/// Why a write to a shared record was refused. The HTTP routes map each case to its problem
/// (see `RecordProblems`); the CLI prints the description.
public enum RecordStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The content breaks a field rule; every issue is listed.
    case invalid([InvalidParam])
    case notFound(kind: String, id: String)
    /// The record is a tombstone: deleted at its origin, kept so the deletion replicates.
    case deleted(kind: String, id: String)
    /// The record belongs to another node; replicas are read-only ("data at the source").
    case notOrigin(kind: String, id: String, origin: String)
    /// `If-Match` names a representation other than the current one: a lost update was prevented.
    case preconditionFailed(kind: String, id: String, currentETag: String)
    /// A stored record no longer decodes: the database was changed behind the node's back.
    case corrupt(kind: String, id: String, reason: String)

    public var description: String {
        switch self {
        case .invalid(let issues):
            "invalid content: " + issues.map { "\($0.name) [\($0.code)]: \($0.reason)" }.joined(separator: "; ")
        case .notFound(let kind, let id): "no \(kind) with id \(id)"
        case .deleted(let kind, let id): "the \(kind) \(id) was deleted"
        case .notOrigin(let kind, let id, let origin):
            "the \(kind) \(id) belongs to node \(origin); only its origin changes it"
        case .preconditionFailed(let kind, let id, let current):
            "the \(kind) \(id) changed since it was read (its ETag is now \(current))"
        case .corrupt(let kind, let id, let reason): "the stored \(kind) \(id) does not decode: \(reason)"
        }
    }
}

/// Who made a write and under which request, for the audit trail.
public struct WriteActor: Sendable {
    /// `apikey:<id>`, `cli`, ... (see `AuditLog.actor(of:)`).
    public let name: String
    public let requestID: String?

    public init(_ name: String, requestID: String? = nil) {
        self.name = name
        self.requestID = requestID
    }
}
