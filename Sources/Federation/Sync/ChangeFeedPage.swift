import Node

/// One page of `GET /api/federation/v1/changes`, as the serving node writes it and a puller
/// reads it. Content travels as base64 of the exact canonical bytes the origin signed, so the
/// signature verifies over what arrives, with no re-encoding in between. Encoding and decoding
/// work on bytes (`ChangeFeedPage+Encoding.swift`, `ChangeFeedPage+Decoding.swift`): through
/// Foundation's coders a page cost about 8 µs a record on each side, near a tenth of a sync's CPU.
///
/// ```json
/// {"origin": "…", "epoch": "…", "latestSequence": 812,
///  "changes": [{"origin": "…", "sequence": 17, "kind": "knowledge-entry", "id": "…", "version": 2,
///               "deleted": false, "content": "<base64>", "signature": "<base64>"}]}
/// ```
public struct ChangeFeedPage: Sendable, Equatable {
    /// The serving node's OIN: the origin of every change it serves.
    public let origin: String
    /// The serving database's epoch; a puller whose checkpoint names another starts over.
    public let epoch: String
    /// The serving node's latest sequence when the page was read: the puller's lag is this
    /// minus its checkpoint.
    public let latestSequence: Int64
    public let changes: [RecordChange]

    public init(origin: String, epoch: String, latestSequence: Int64, changes: [RecordChange]) {
        self.origin = origin
        self.epoch = epoch
        self.latestSequence = latestSequence
        self.changes = changes
    }

    /// The cursor after this page: its last change's sequence, or `since` when it is empty.
    public func nextSince(after since: Int64) -> Int64 {
        changes.last?.sequence ?? since
    }

    /// Non-empty printable ASCII within the token limit: what OINs, kinds, UUIDs and epochs are.
    static func isToken(_ utf8: some Collection<UInt8>) -> Bool {
        !utf8.isEmpty && utf8.count <= SyncLimits.maxTokenBytes && utf8.allSatisfy { $0 > 0x20 && $0 < 0x7f }
    }
}
