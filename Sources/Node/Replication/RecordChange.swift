/// One change of one shared record as the federation moves it: the record's canonical JSON
/// (metadata included) as its origin committed it, and the origin's signature over those bytes.
/// A tombstone is a change whose record is marked deleted.
public struct RecordChange: Sendable, Equatable {
    /// The OIN of the node that owns the record.
    public let origin: String
    /// The origin's commit order; a puller's checkpoint is the last sequence it applied.
    public let sequence: Int64
    /// The record type, e.g. `solution`, `adoption`, `knowledge-entry`.
    public let kind: String
    public let id: String
    public let version: Int
    public let isDeleted: Bool
    public let content: [UInt8]
    public let signature: [UInt8]

    public init(origin: String, sequence: Int64, kind: String, id: String, version: Int, isDeleted: Bool,
                content: [UInt8], signature: [UInt8]) {
        self.origin = origin
        self.sequence = sequence
        self.kind = kind
        self.id = id
        self.version = version
        self.isDeleted = isDeleted
        self.content = content
        self.signature = signature
    }
}

/// Applies a verified change from a peer to a component's own tables (the catalogue's solutions,
/// the knowledge base's entries), inside the puller's transaction. Implementations must ignore a
/// change whose version is not newer than the replica they hold, and must throw (never write)
/// for a change of an id whose record another origin holds, this node above all: the engine
/// then passes the change over as refused instead of recording it as held.
///
/// Applying comes in two steps so that the sync engine can decode and check a page's records on
/// the thread that fetches and verifies the next page, leaving only SQLite on the single writer.
public protocol ReplicaApplier: Sendable {
    var kind: String { get }
    /// Decodes and checks the change without the store; throws if it can never be applied.
    func prepare(_ change: RecordChange) throws -> any PreparedReplica
    /// Applies a change this applier prepared; throws when the change may not be applied.
    func apply(_ prepared: any PreparedReplica, in connection: SQLiteConnection) throws
}

extension ReplicaApplier {
    /// Both steps at once, for callers that apply a single change.
    public func apply(_ change: RecordChange, in connection: SQLiteConnection) throws {
        try apply(prepare(change), in: connection)
    }
}

/// A change decoded and checked by its applier's `prepare`, ready for its `apply`.
public protocol PreparedReplica: Sendable {
    var change: RecordChange { get }
}
