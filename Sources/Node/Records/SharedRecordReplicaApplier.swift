import Schemas

/// Applies a peer's verified change of one kind to this node's table, inside the puller's
/// transaction: an upsert when the change is newer than what is held, the tombstone when it is a
/// deletion. The change log itself is the sync engine's to update (`ChangeLog.appendReplica`).
///
/// Two rules keep "data at the source": a change claiming a record whose origin is this node is
/// refused (only this node changes its own records, whatever a peer sends), and so is a change
/// for an id that another origin already holds (ids are UUIDs, so this only happens when a peer
/// misbehaves; the first owner keeps the id). `apply` throws `ReplicaError.idHeldByAnotherOrigin`
/// for both, so the sync engine neither records the change as held nor counts it as applied.
public struct SharedRecordReplicaApplier<Kind: SharedRecordKind>: ReplicaApplier {
    public let localOrigin: OIN

    public init(localOrigin: OIN) {
        self.localOrigin = localOrigin
    }

    public var kind: String { Kind.kind }

    /// What `apply` did, for tests and the sync engine's log.
    public enum Outcome: Sendable, Equatable {
        case applied
        case ignoredNotNewer
        case ignoredLocalOrigin
        case ignoredForeignID
    }

    /// A change whose record decoded and matches its envelope, with the row to write for it.
    struct Prepared: PreparedReplica {
        let change: RecordChange
        let record: Record<Kind.Content>
        let row: RecordRow<Kind>
    }

    public func prepare(_ change: RecordChange) throws -> any PreparedReplica {
        let record: Record<Kind.Content>
        switch Record<Kind.Content>.decode(from: change.content) {
        case .success(let decoded): record = decoded
        case .failure(let failure): throw ReplicaError.invalidContent(kind: Kind.kind, id: change.id, reason: failure.description)
        }
        let id = record.id.uuidString.lowercased()
        guard change.kind == Kind.kind, record.origin.value == change.origin, id == change.id.lowercased(),
              record.version == change.version, record.isDeleted == change.isDeleted else {
            throw ReplicaError.mismatchedEnvelope(kind: Kind.kind, id: change.id)
        }
        return Prepared(change: change, record: record, row: RecordRow(record, bytes: change.content))
    }

    public func apply(_ prepared: any PreparedReplica, in connection: SQLiteConnection) throws {
        switch try applyReporting(prepared, in: connection) {
        case .applied, .ignoredNotNewer:
            return
        case .ignoredLocalOrigin, .ignoredForeignID:
            throw ReplicaError.idHeldByAnotherOrigin(kind: Kind.kind, id: prepared.change.id)
        }
    }

    @discardableResult
    public func applyReporting(_ change: RecordChange, in connection: SQLiteConnection) throws -> Outcome {
        guard change.origin != localOrigin.value else { return .ignoredLocalOrigin }
        return try applyReporting(prepare(change), in: connection)
    }

    private func applyReporting(_ prepared: any PreparedReplica, in connection: SQLiteConnection) throws -> Outcome {
        guard let prepared = prepared as? Prepared else { preconditionFailure("a change prepared by another kind's applier") }
        let (change, record, id) = (prepared.change, prepared.record, prepared.row.stored.id)
        guard change.origin != localOrigin.value else { return .ignoredLocalOrigin }
        let held = try RecordStore<Kind>.find(id: id, in: connection)
        if let held {
            guard held.origin == change.origin else {
                return held.origin == localOrigin.value ? .ignoredLocalOrigin : .ignoredForeignID
            }
            guard record.version > held.version else { return .ignoredNotNewer }
        }
        _ = try RecordStore<Kind>.upsert(prepared.row, isNew: held == nil, in: connection)
        try AuditLog.record(in: connection, actor: "peer:\(change.origin)", action: record.isDeleted ? "replicate-delete" : "replicate",
                            resource: Kind.kind, resourceID: id, version: record.version, oldHash: nil,
                            newHash: prepared.row.contentHash, requestID: nil)
        return .applied
    }
}

/// A change a peer sent that cannot be applied; the sync engine stops that peer's page on it.
public enum ReplicaError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidContent(kind: String, id: String, reason: String)
    /// The change's origin, id, version or deletion flag disagree with the signed record inside it.
    case mismatchedEnvelope(kind: String, id: String)
    /// The peer sent its own change for an id this node or a third origin already holds.
    case idHeldByAnotherOrigin(kind: String, id: String)

    public var description: String {
        switch self {
        case .invalidContent(let kind, let id, let reason): "replicated \(kind) \(id) is not a valid record: \(reason)"
        case .mismatchedEnvelope(let kind, let id): "replicated \(kind) \(id): the change's metadata disagrees with its signed content"
        case .idHeldByAnotherOrigin(let kind, let id): "replicated \(kind) \(id): another origin holds this id"
        }
    }
}
