import Node

/// Applies one page of verified changes and moves the peer's checkpoint, in one SQLite
/// transaction: either the whole page and its checkpoint are committed, or neither is (a crash,
/// a full disk, a `kill -9` in the middle), so a restarted puller fetches the same page again
/// and nothing is skipped or applied twice.
struct ReplicaPageWriter: Sendable {
    /// What one page did to this node's tables.
    struct Outcome: Sendable, Equatable {
        /// Changes handed to a component's applier and stored in the change log.
        var applied = 0
        /// Changes no newer than the version held (a page fetched again after an epoch reset).
        var notNewer = 0
        /// Changes of a kind no component here applies (a peer running a newer release). They
        /// are passed over like rejected ones; see `unsupported` in the log.
        var unsupported: [RecordChange] = []
        /// Changes whose applier refused them although the signature verified: the origin
        /// signed a record its own schema does not allow, or that contradicts the change's
        /// kind, id, version or deletion flag.
        var invalid: [(change: RecordChange, reason: String)] = []

        static func == (lhs: Outcome, rhs: Outcome) -> Bool {
            lhs.applied == rhs.applied && lhs.notNewer == rhs.notNewer && lhs.unsupported == rhs.unsupported
                && lhs.invalid.map(\.change) == rhs.invalid.map(\.change)
        }
    }

    /// The page was not applied because the checkpoint is no longer the one the page was
    /// fetched from: another puller (`knooppunt sync` beside the running node) moved it first.
    struct Superseded: Error {}

    /// A verified change and what its component's applier made of it (see `prepare`).
    struct PreparedChange: Sendable {
        enum Preparation: Sendable {
            case ready(any PreparedReplica, applier: any ReplicaApplier)
            /// No component here applies this kind.
            case unsupported
            /// The applier refused it: the record is invalid or contradicts its envelope.
            case invalid(reason: String)
        }

        let change: RecordChange
        let preparation: Preparation
    }

    let appliers: [String: any ReplicaApplier]

    init(appliers: [any ReplicaApplier]) {
        self.appliers = Dictionary(appliers.map { ($0.kind, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Decodes and checks each change through its kind's applier, without the store: the
    /// puller does this on the thread that fetched and verified the page, while the writer
    /// applies the page before it.
    func prepare(_ changes: [RecordChange]) -> [PreparedChange] {
        changes.map { change in
            guard let applier = appliers[change.kind] else { return PreparedChange(change: change, preparation: .unsupported) }
            do {
                return PreparedChange(change: change, preparation: .ready(try applier.prepare(change), applier: applier))
            } catch {
                return PreparedChange(change: change, preparation: .invalid(reason: String(describing: error)))
            }
        }
    }

    /// Applies `changes` (verified and prepared) and stores `next`, provided the stored checkpoint
    /// still equals `expected` (nil: none stored yet). `restarting` says the page is the first of
    /// a feed that started over from zero: what is held of the peer is set aside first (see
    /// `ChangeLog.setAsideReplicas`), in the same transaction.
    ///
    /// The page is first applied without a savepoint per change: every savepoint makes SQLite's
    /// FTS5 tables (the components' search indexes) flush their pending terms to disk, which
    /// made the savepoints about a third of the cost of applying a page. Only if some change is refused is the transaction rolled back and the
    /// page applied again with a savepoint around each change, so a refused change still leaves
    /// nothing behind.
    func apply(_ changes: [PreparedChange], expected: SyncCheckpoint?, next: SyncCheckpoint, restarting: Bool = false,
               database: Database) throws -> Outcome {
        do {
            return try apply(changes, expected: expected, next: next, restarting: restarting, database: database,
                             isolatingEachChange: false)
        } catch is Refused {
            return try apply(changes, expected: expected, next: next, restarting: restarting, database: database,
                             isolatingEachChange: true)
        }
    }

    /// A change was refused on the fast path; its partial writes die with the transaction.
    private struct Refused: Error {}

    private func apply(_ changes: [PreparedChange], expected: SyncCheckpoint?, next: SyncCheckpoint, restarting: Bool,
                       database: Database, isolatingEachChange: Bool) throws -> Outcome {
        try database.write { connection in
            guard try SyncCheckpoint.read(peer: next.peer, in: connection) == expected else { throw Superseded() }
            if restarting { try ChangeLog.setAsideReplicas(in: connection, origin: next.peer) }
            var outcome = Outcome()
            for prepared in changes {
                let change = prepared.change
                let held = try ChangeLog.heldVersion(in: connection, origin: change.origin, kind: change.kind, id: change.id)
                if let held, held >= change.version {
                    outcome.notNewer += 1
                    continue
                }
                switch prepared.preparation {
                case .unsupported:
                    outcome.unsupported.append(change)
                case .invalid(let reason):
                    outcome.invalid.append((change, reason))
                case .ready(let replica, let applier):
                    let refusal = isolatingEachChange
                        ? try applyIsolated(change, replica, with: applier, replacing: held != nil, in: connection)
                        : try applyDirectly(change, replica, with: applier, replacing: held != nil, in: connection)
                    if let refusal {
                        outcome.invalid.append((change, refusal))
                    } else {
                        outcome.applied += 1
                    }
                }
            }
            try next.write(in: connection)
            return outcome
        }
    }

    /// The fast path: any refusal aborts the page's transaction with `Refused`.
    private func applyDirectly(_ change: RecordChange, _ replica: any PreparedReplica, with applier: any ReplicaApplier, replacing: Bool,
                               in connection: SQLiteConnection) throws -> String? {
        do {
            try applier.apply(replica, in: connection)
            try ChangeLog.appendReplica(change, replacing: replacing, in: connection)
            return nil
        } catch let error as StoreError {
            guard case .constraint = error else { throw error }
            throw Refused()
        } catch {
            throw Refused()
        }
    }

    /// Applies one change inside a savepoint, so a change its applier refuses leaves nothing
    /// behind while the rest of the page goes on. Returns the refusal, or nil when applied.
    ///
    /// A store failure (busy, I/O, a full disk) is not the change's fault: it is rethrown and
    /// rolls the whole page back, to be fetched again next round. A constraint violation and
    /// any error of the component's own (invalid content, a mismatched envelope) are the
    /// change's: it is refused and passed over.
    private func applyIsolated(_ change: RecordChange, _ replica: any PreparedReplica, with applier: any ReplicaApplier, replacing: Bool,
                               in connection: SQLiteConnection) throws -> String? {
        try connection.execute("SAVEPOINT replica_change")
        do {
            try applier.apply(replica, in: connection)
            try ChangeLog.appendReplica(change, replacing: replacing, in: connection)
            try connection.execute("RELEASE replica_change")
            return nil
        } catch let error as StoreError {
            guard case .constraint = error else { throw error }
            try rollBackToSavepoint(connection)
            return String(describing: error)
        } catch {
            try rollBackToSavepoint(connection)
            return String(describing: error)
        }
    }

    private func rollBackToSavepoint(_ connection: SQLiteConnection) throws {
        try connection.execute("ROLLBACK TO replica_change")
        try connection.execute("RELEASE replica_change")
    }
}
