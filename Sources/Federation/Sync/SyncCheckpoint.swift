import Foundation
import Node

/// How far this node has pulled one peer: the peer's database epoch and the last sequence of
/// its feed applied here. Written in the same transaction as the changes it covers, so after a
/// crash the checkpoint and the applied changes agree: a change is never skipped (the
/// checkpoint never runs ahead of what was applied) nor applied twice (it never lags behind).
public struct SyncCheckpoint: Sendable, Equatable {
    public let peer: String
    public let epoch: String
    public let sequence: Int64

    public init(peer: String, epoch: String, sequence: Int64) {
        self.peer = peer
        self.epoch = epoch
        self.sequence = sequence
    }

    /// Federation range 30-39: 30 is the registry's members table.
    public static let migration = Migration(version: 31, name: "sync checkpoints", sql: """
        CREATE TABLE sync_checkpoints (
            peer TEXT PRIMARY KEY,
            epoch TEXT NOT NULL,
            sequence INTEGER NOT NULL CHECK (sequence >= 0),
            updated_at TEXT NOT NULL
        );
        """)

    /// The checkpoint for `peer`, or nil when this node never applied a page of it.
    public static func read(peer: String, in connection: SQLiteConnection) throws -> SyncCheckpoint? {
        try connection.queryOne("SELECT epoch, sequence FROM sync_checkpoints WHERE peer = ?", [.text(peer)]).map { row in
            SyncCheckpoint(peer: peer, epoch: try row.required("epoch"), sequence: try row.required("sequence"))
        }
    }

    /// Every stored checkpoint, ordered by peer; one row per peer ever pulled.
    public static func all(in connection: SQLiteConnection) throws -> [SyncCheckpoint] {
        try connection.query("SELECT peer, epoch, sequence FROM sync_checkpoints ORDER BY peer").map { row in
            SyncCheckpoint(peer: try row.required("peer"), epoch: try row.required("epoch"), sequence: try row.required("sequence"))
        }
    }

    /// Stores this checkpoint; call inside the transaction that applied the changes up to it.
    public func write(in connection: SQLiteConnection) throws {
        precondition(sequence >= 0, "a checkpoint is a sequence from 0")
        try connection.run("""
            INSERT INTO sync_checkpoints (peer, epoch, sequence, updated_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (peer) DO UPDATE SET epoch = excluded.epoch, sequence = excluded.sequence, updated_at = excluded.updated_at
            """, [.text(peer), .text(epoch), .integer(sequence), .text(RFC3339.string(from: Date()))])
    }
}
