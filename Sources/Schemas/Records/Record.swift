import Foundation

/// The content of a shared record, and what a create or update request carries: the fields an
/// editor sets, without `id`, `origin`, `version` or timestamps (those are the node's).
///
/// The Node layer decodes a request body with `decodeDraft(from:)`, which reports every
/// problem at once (wrong types, missing and unknown fields, and every field rule), then wraps
/// the draft in a `Record` with `Record.created(...)` or `record.updated(...)`.
public protocol RecordContent: Codable, Sendable, Equatable {
    /// The record type as the change log names it: `solution`, `adoption`, `knowledge-entry`.
    static var recordKind: String { get }
    /// The JSON field names of the content, in declaration order.
    static var fieldNames: [String] { get }
    /// Reads a draft from a parsed body; see `decodeDraft(from:)` for bytes.
    static func decodeDraft(from json: JSONValue) -> Result<Self, ValidationFailure>
}

extension RecordContent {
    /// Parses and reads a request body. A body that is not JSON gives one `invalid-json` issue
    /// naming its line and column; otherwise every problem in the body is reported together.
    /// The record's metadata fields (`id`, `origin`, ...) are ignored if present, so a client can
    /// send back what it read; everything else unknown is an `unknown-field` issue.
    public static func decodeDraft(from bytes: some Collection<UInt8>) -> Result<Self, ValidationFailure> {
        parseBody(bytes).flatMap { decodeDraft(from: $0) }
    }

    /// Every problem with this value, by the same rules `decodeDraft` applies; empty when valid.
    public func validate() -> [ValidationIssue] {
        let json: JSONValue
        do {
            json = try JSONValueEncoder(numberPolicy: .lenient).encode(self)
        } catch {
            return [ValidationIssue(name: "body", code: ValidationCode.invalid, reason: error.description)]
        }
        switch Self.decodeDraft(from: json) {
        case .success: return []
        case .failure(let failure): return failure.issues
        }
    }
}

/// What every shared record carries besides its content.
public struct RecordMetadata: Sendable, Hashable, Codable {
    public static let fieldNames = ["id", "origin", "version", "createdAt", "updatedAt", "deleted"]

    public var id: UUID
    /// The OIN of the node that owns the record; only that node changes it.
    public var origin: OIN
    /// Counts the origin's changes to this record: 1 when created, one up per update and for the
    /// tombstone.
    public var version: Int
    public var createdAt: Date
    public var updatedAt: Date
    /// A tombstone: the record was deleted at its origin, and the deletion replicates.
    public var deleted: Bool

    /// Rounds both dates to whole milliseconds, the precision the canonical form keeps, so a
    /// record equals itself after a round trip through its bytes.
    public init(id: UUID, origin: OIN, version: Int, createdAt: Date, updatedAt: Date, deleted: Bool = false) {
        self.id = id
        self.origin = origin
        self.version = version
        self.createdAt = RFC3339Timestamp.roundedToMilliseconds(createdAt)
        self.updatedAt = RFC3339Timestamp.roundedToMilliseconds(updatedAt)
        self.deleted = deleted
    }

    /// Version at least 1, and not updated before it was created.
    public func validate() -> [ValidationIssue] {
        var issues = IssueList()
        check(at: .root, &issues)
        return issues.issues
    }

    func check(at path: FieldPath, _ issues: inout IssueList) {
        if version < 1 {
            issues.add(path.key("version"), ValidationCode.outOfRange, "must be at least 1")
        }
        if updatedAt < createdAt {
            issues.add(path.key("updatedAt"), ValidationCode.outOfRange, "must not be before createdAt")
        }
    }

    static func read(_ object: ObjectReader, _ issues: inout IssueList) -> RecordMetadata? {
        let before = issues.recordedCount
        let id = object.required("id", &issues, Read.uuid)
        let origin = object.required("origin", &issues, Read.oin)
        let version = object.required("version", &issues, Read.integer)
        let createdAt = object.required("createdAt", &issues, Read.timestamp)
        let updatedAt = object.required("updatedAt", &issues, Read.timestamp)
        let deleted = object.required("deleted", &issues, Read.bool)
        guard issues.recordedCount == before, let id, let origin, let version, let createdAt, let updatedAt, let deleted else {
            return nil
        }
        let metadata = RecordMetadata(id: id, origin: origin, version: version, createdAt: createdAt,
                                      updatedAt: updatedAt, deleted: deleted)
        metadata.check(at: object.path, &issues)
        return metadata
    }
}

/// A shared record: metadata and content side by side in one JSON object, e.g.
/// `{"id":..., "origin":..., "version":1, "createdAt":..., "updatedAt":..., "deleted":false,
/// "name":..., ...}`. A tombstone (`deleted: true`) keeps only the metadata: the content of a
/// deleted record does not travel on.
public struct Record<Content: RecordContent>: Sendable, Equatable, Codable {
    public let metadata: RecordMetadata
    /// Nil exactly when the record is a tombstone.
    public let content: Content?

    public init(metadata: RecordMetadata, content: Content?) {
        precondition(metadata.deleted == (content == nil), "a record has content unless it is a tombstone")
        self.metadata = metadata
        self.content = content
    }

    public var id: UUID { metadata.id }
    public var origin: OIN { metadata.origin }
    public var version: Int { metadata.version }
    public var isDeleted: Bool { metadata.deleted }

    /// Version 1 of a new record owned by `origin`.
    public static func created(_ content: Content, id: UUID = UUID(), origin: OIN, at date: Date) -> Record {
        Record(metadata: RecordMetadata(id: id, origin: origin, version: 1, createdAt: date, updatedAt: date),
               content: content)
    }

    /// The next version with new content. Updating a tombstone is a programming error: a
    /// deleted record answers 404/410 before it gets here.
    public func updated(with content: Content, at date: Date) -> Record {
        precondition(!isDeleted, "a tombstone is not updated")
        var next = metadata
        next.version += 1
        next.updatedAt = RFC3339Timestamp.roundedToMilliseconds(date)
        return Record(metadata: next, content: content)
    }

    /// The tombstone that replaces this record: the next version, marked deleted, without content.
    public func deleted(at date: Date) -> Record {
        precondition(!isDeleted, "a tombstone is not deleted again")
        var next = metadata
        next.version += 1
        next.updatedAt = RFC3339Timestamp.roundedToMilliseconds(date)
        next.deleted = true
        return Record(metadata: next, content: nil)
    }

    /// The bytes the origin signs and every replica stores (see `CanonicalJSON`).
    public func canonicalBytes() throws(CanonicalJSONError) -> [UInt8] {
        try CanonicalJSON.encode(self)
    }

    /// Reads a stored or replicated record strictly: metadata and content by the same rules as
    /// a draft, no unknown fields, and no content fields on a tombstone.
    public static func decode(from bytes: some Collection<UInt8>) -> Result<Record, ValidationFailure> {
        parseBody(bytes).flatMap { decode(from: $0) }
    }

    public static func decode(from json: JSONValue) -> Result<Record, ValidationFailure> {
        var issues = IssueList()
        guard let object = ObjectReader(json, at: .root, fields: RecordMetadata.fieldNames,
                                        ignoring: Content.fieldNames, &issues) else {
            return .failure(ValidationFailure(issues: issues.issues))
        }
        // Content problems are reported even when the metadata has its own.
        let metadata = RecordMetadata.read(object, &issues)
        var content: Content?
        if metadata?.deleted ?? (json["deleted"] == .bool(true)) {
            for key in Content.fieldNames where object.has(key) {
                issues.add(.root.key(key), ValidationCode.notAllowed, "a deleted record carries no content")
            }
        } else {
            switch Content.decodeDraft(from: json) {
            case .success(let decoded):
                content = decoded
            case .failure(let failure):
                // Unknown top-level fields were reported above already, against metadata and content
                // together; unknown fields inside content objects (`summary.x`) were not.
                issues.add(contentsOf: failure.issues.filter { $0.code != ValidationCode.unknownField || $0.name.contains(".") })
                if issues.isEmpty {
                    issues.add(contentsOf: failure.issues)
                }
            }
        }
        guard issues.isEmpty, let metadata else { return .failure(ValidationFailure(issues: issues.issues)) }
        return .success(Record(metadata: metadata, content: content))
    }

    public func encode(to encoder: any Encoder) throws {
        try metadata.encode(to: encoder)
        try content?.encode(to: encoder)
    }

    public init(from decoder: any Decoder) throws {
        let metadata = try RecordMetadata(from: decoder)
        let content = metadata.deleted ? nil : try Content(from: decoder)
        self.init(metadata: metadata, content: content)
    }
}

public typealias Solution = Record<SolutionDraft>
public typealias Adoption = Record<AdoptionDraft>
public typealias KnowledgeEntry = Record<KnowledgeEntryDraft>
