import Foundation
import Node

/// One page of `GET /api/federation/v1/changes`, as the serving node writes it and a puller
/// reads it. Content travels as base64 of the exact canonical bytes the origin signed, so the
/// signature verifies over what arrives, with no re-encoding in between.
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

    public var encoded: [UInt8] {
        JSONCoding.encode(Document(
            origin: origin, epoch: epoch, latestSequence: latestSequence,
            changes: changes.map {
                Entry(origin: $0.origin, sequence: $0.sequence, kind: $0.kind, id: $0.id, version: $0.version,
                      deleted: $0.isDeleted, content: Data($0.content).base64EncodedString(),
                      signature: Data($0.signature).base64EncodedString())
            }))
    }

    /// Reads a page a peer sent, refusing anything outside the limits before it reaches the
    /// verifier: a malformed page is the peer's fault and stops that peer's round.
    public static func decode(_ bytes: [UInt8]) throws(SyncError) -> ChangeFeedPage {
        let document: Document
        do {
            document = try JSONDecoder().decode(Document.self, from: Data(bytes))
        } catch {
            throw .malformedPage("not a change feed page: \(Self.describe(error))")
        }
        guard isToken(document.origin), isToken(document.epoch), document.latestSequence >= 0 else {
            throw .malformedPage("origin, epoch or latestSequence is out of range")
        }
        guard document.changes.count <= SyncLimits.maxPageSize else {
            throw .malformedPage("\(document.changes.count) changes in one page; at most \(SyncLimits.maxPageSize)")
        }
        var changes: [RecordChange] = []
        changes.reserveCapacity(document.changes.count)
        for entry in document.changes {
            guard isToken(entry.origin), isToken(entry.kind), isToken(entry.id), entry.sequence > 0, entry.version > 0,
                  entry.content.utf8.count <= SyncLimits.maxContentBytes / 3 * 4 + 4,
                  entry.signature.utf8.count <= SyncLimits.maxSignatureBytes / 3 * 4 + 4,
                  let content = Data(base64Encoded: entry.content), let signature = Data(base64Encoded: entry.signature)
            else {
                throw .malformedPage("change at sequence \(entry.sequence) has a field out of range or bad base64")
            }
            changes.append(RecordChange(origin: entry.origin, sequence: entry.sequence, kind: entry.kind, id: entry.id,
                                        version: entry.version, isDeleted: entry.deleted, content: [UInt8](content),
                                        signature: [UInt8](signature)))
        }
        return ChangeFeedPage(origin: document.origin, epoch: document.epoch, latestSequence: document.latestSequence,
                              changes: changes)
    }

    /// Non-empty printable ASCII within the token limit: what OINs, kinds, UUIDs and epochs are.
    static func isToken(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= SyncLimits.maxTokenBytes && text.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7f }
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? DecodingError { return ConfigurationError.describe(error) }
        return String(describing: error)
    }

    struct Document: Codable {
        let origin: String
        let epoch: String
        let latestSequence: Int64
        let changes: [Entry]
    }

    struct Entry: Codable {
        let origin: String
        let sequence: Int64
        let kind: String
        let id: String
        let version: Int
        let deleted: Bool
        let content: String
        let signature: String
    }
}
