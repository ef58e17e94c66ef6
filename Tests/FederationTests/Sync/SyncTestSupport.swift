import Foundation
import Node
import Schemas
import Synchronization

@testable import Federation

/// A record kind for the engine's own tests, so they need no component: a note with a text,
/// stored in `notes` by `NoteApplier`, the way the catalogue stores its solutions.
enum Notes {
    static let kind = "note"
    static let migration = Migration(version: 90, name: "test notes", sql: """
        CREATE TABLE notes (id TEXT PRIMARY KEY, origin TEXT NOT NULL, version INTEGER NOT NULL,
                            deleted INTEGER NOT NULL, text TEXT NOT NULL);
        """)

    /// The canonical JSON a note's origin signs.
    static func content(id: String, origin: String, version: Int, deleted: Bool, text: String) -> [UInt8] {
        CanonicalJSONWriter.object { note in
            note.writeMember("deleted", deleted)
            note.writeMember("id", id)
            note.writeMember("origin", origin)
            note.writeMember("text", text)
            note.writeMember("version", Int64(version))
        }
    }

    struct Row: Equatable {
        let id: String
        let origin: String
        let version: Int
        let deleted: Bool
        let text: String
    }

    static func rows(_ database: Database) throws -> [Row] {
        try database.read { connection in
            try connection.query("SELECT id, origin, version, deleted, text FROM notes ORDER BY id").map {
                Row(id: try $0.required("id"), origin: try $0.required("origin"), version: try $0.required("version"),
                    deleted: try $0.required("deleted", as: Int64.self) != 0, text: try $0.required("text"))
            }
        }
    }
}

/// The test extension that owns `notes`; its migration runs after the federation's.
struct NotesExtension: NodeExtension {
    var components: [APIComponent] { [] }
    var migrations: [Migration] { [Notes.migration] }
    func register(in table: inout RouteTable, context: NodeContext) {}
    func replicaAppliers(localOrigin: OIN) -> [any ReplicaApplier] { [NoteApplier(localOrigin: localOrigin.value)] }
}

/// Applies a note as a component applier must: never a record another origin holds (it throws),
/// only newer versions, and only when the signed content agrees with the change's envelope.
struct NoteApplier: ReplicaApplier {
    struct Mismatch: Error {}
    struct HeldByAnotherOrigin: Error {}
    struct Content: Decodable {
        let id: String
        let origin: String
        let version: Int
        let deleted: Bool
        let text: String
    }

    let localOrigin: String
    /// Throws this store error when a change of this id arrives, to play a failing disk.
    var failOnID: String?

    var kind: String { Notes.kind }

    struct Prepared: PreparedReplica {
        let change: RecordChange
        let content: Content
    }

    func prepare(_ change: RecordChange) throws -> any PreparedReplica {
        let content = try JSONDecoder().decode(Content.self, from: Data(change.content))
        guard content.id == change.id, content.origin == change.origin, content.version == change.version,
              content.deleted == change.isDeleted else { throw Mismatch() }
        return Prepared(change: change, content: content)
    }

    func apply(_ prepared: any PreparedReplica, in connection: SQLiteConnection) throws {
        let change = prepared.change
        if change.id == failOnID { throw StoreError.sqlite(code: 10, message: "disk I/O error (simulated)") }
        guard let content = (prepared as? Prepared)?.content else { preconditionFailure("a change prepared by another applier") }
        guard change.origin != localOrigin else { throw HeldByAnotherOrigin() }
        if let held = try connection.queryOne("SELECT origin, version FROM notes WHERE id = ?", [.text(change.id)]) {
            guard try held.required("origin", as: String.self) == change.origin else { throw HeldByAnotherOrigin() }
            guard try held.required("version", as: Int64.self) < Int64(change.version) else { return }
        }
        try connection.run("""
            INSERT INTO notes (id, origin, version, deleted, text) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET version = excluded.version, deleted = excluded.deleted, text = excluded.text
            """, [.text(change.id), .text(change.origin), .integer(Int64(change.version)), .integer(change.isDeleted ? 1 : 0),
                  .text(content.text)])
    }
}

/// A node's data for the engine: its database (with the notes table), OIN and key.
struct SyncNode {
    let oin: OIN
    let key: PrivateKey
    let database: Database

    init(oin: OIN, key: PrivateKey, database: Database) {
        self.oin = oin
        self.key = key
        self.database = database
    }

    /// A node with the notes table, or with `extensions`' tables (the real components).
    init(_ oin: OIN, directory: String, name: String,
         extensions: [any NodeExtension] = [FederationExtension(), NotesExtension()]) throws {
        self.oin = oin
        key = try PrivateKey.generateP256()
        database = try Database(path: "\(directory)/\(name).db", migrations: NodeRuntime.migrations(extensions: extensions))
    }

    /// This node as the directory lists it, with its key (and any older ones).
    func member(status: DirectoryMember.Status = .active, extraKeys: [PrivateKey] = []) -> DirectoryMember {
        DirectoryMember(oin: oin, name: "node \(oin.value.suffix(6))", cbsCode: nil, baseURL: "https://127.0.0.1:1",
                        certificateSHA256: String(repeating: "0", count: 64),
                        keys: ([key] + extraKeys).map { DirectoryMember.Key(sha256: $0.spkiSHA256Hex, spkiDER: $0.publicKeyDER()) },
                        status: status, updatedAt: "2026-11-23T10:00:00.000Z")
    }

    /// Writes a note of its own, with its change, in one transaction, as a component does.
    @discardableResult
    func write(id: String, version: Int, deleted: Bool = false, text: String) throws -> Int64 {
        let content = Notes.content(id: id, origin: oin.value, version: version, deleted: deleted, text: text)
        return try database.write { connection in
            try connection.run("""
                INSERT INTO notes (id, origin, version, deleted, text) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET version = excluded.version, deleted = excluded.deleted, text = excluded.text
                """, [.text(id), .text(oin.value), .integer(Int64(version)), .integer(deleted ? 1 : 0), .text(text)])
            return try ChangeLog.appendLocal(in: connection, origin: oin.value, kind: Notes.kind, id: id, version: version,
                                             isDeleted: deleted, content: content, signer: NodeKeySigner(key: key))
        }
    }

    func digest(of origin: OIN) throws -> (sequence: Int64, count: Int, hash: String) {
        try database.read { try ChangeLog.digest(in: $0, origin: origin.value) }
    }

    func checkpoint(of peer: OIN) throws -> SyncCheckpoint? {
        try database.read { try SyncCheckpoint.read(peer: peer.value, in: $0) }
    }

    func changeLogCount(origin: OIN) throws -> Int {
        try database.read { try $0.queryOne("SELECT count(*) AS n FROM change_log WHERE origin = ?", [.text(origin.value)])?.int("n") ?? 0 }
    }

    /// A puller on this node that knows `peers` and applies notes (or `applier`).
    func puller(peers: [DirectoryMember], applier: NoteApplier? = nil, appliers: [any ReplicaApplier]? = nil, pageSize: Int = 10,
                metrics: Metrics = Metrics(version: "test"), logSink: any LogSink = CollectingLogSink()) -> PeerPuller {
        var limits = SyncLimits()
        limits.pullPageSize = pageSize
        return PeerPuller(database: database, localOrigin: oin,
                          writer: ReplicaPageWriter(appliers: appliers ?? [applier ?? NoteApplier(localOrigin: oin.value)]),
                          peers: ListedPeers(members: peers, localOrigin: oin), limits: limits,
                          logger: Logger(label: "test", minimumLevel: .debug, sink: logSink), metrics: SyncMetrics(metrics: metrics),
                          cancellation: CancellationSignal())
    }
}

/// Serves a node's feed the way `ChangesRoute` does, through the wire format, and lets a test
/// rewrite pages on their way (tampering, another origin, another epoch).
final class LocalFeed: ChangeFeedSource {
    let node: SyncNode
    var requestedSince: [Int64] = []
    var rewrite: (ChangeFeedPage) -> ChangeFeedPage = { $0 }
    /// Runs before a page is returned, e.g. another puller overtaking this one.
    var beforeReturning: () -> Void = {}

    init(_ node: SyncNode) {
        self.node = node
    }

    func fetch(since: Int64, limit: Int) throws(SyncError) -> ChangeFeedPage {
        requestedSince.append(since)
        let page: ChangeFeedPage
        do {
            page = try node.database.read { connection in
                ChangeFeedPage(origin: node.oin.value, epoch: node.database.epoch,
                               latestSequence: try ChangeLog.latestSequence(in: connection, origin: node.oin.value),
                               changes: try ChangeLog.changes(in: connection, origin: node.oin.value, since: since, limit: limit))
            }
        } catch {
            throw .malformedPage("test feed failed: \(error)")
        }
        beforeReturning()
        return try ChangeFeedPage.decode(rewrite(page).encoded)
    }
}

/// Log lines kept in memory, for assertions on what was logged.
final class CollectingLogSink: LogSink {
    private let lines = Mutex<[String]>([])

    func write(line: [UInt8]) {
        let text = String(decoding: line, as: UTF8.self)
        lines.withLock { $0.append(text) }
    }

    var all: [String] { lines.withLock { $0 } }
}

extension RecordChange {
    /// The same change with other fields, for forging pages.
    func with(origin: String? = nil, content: [UInt8]? = nil, signature: [UInt8]? = nil, sequence: Int64? = nil) -> RecordChange {
        RecordChange(origin: origin ?? self.origin, sequence: sequence ?? self.sequence, kind: kind, id: id, version: version,
                     isDeleted: isDeleted, content: content ?? self.content, signature: signature ?? self.signature)
    }
}

