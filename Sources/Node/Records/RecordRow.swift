import Foundation
import Schemas

/// What the store writes for one record: the row's values, the full-text texts and the content
/// hash, all worked out from the record alone. The replica applier computes it while it prepares
/// a change, on the sync engine's prefetch thread, so the node's single writer only runs the
/// statements; local writes compute it inline.
struct RecordRow<Kind: SharedRecordKind>: Sendable {
    /// The columns of `values`, in order.
    static var columns: [String] {
        ["id", "origin", "version", "created_at", "updated_at", "deleted", "etag", "content"] + Kind.filterColumns
    }

    let stored: StoredRecord
    let values: [SQLValue]
    /// One text per search column; nil for a tombstone, which has no search row.
    let searchTexts: [String]?
    /// Hex SHA-256 of the canonical content (the entity tag is its prefix), for the audit trail.
    let contentHash: String

    init(_ record: Record<Kind.Content>, bytes: [UInt8]) {
        let id = record.id.uuidString.lowercased()
        contentHash = Digest.sha256Hex(bytes)
        let etag = EntityTag.of(sha256Hex: contentHash)
        let filters = record.content.map { Kind.filterValues(of: $0, origin: record.origin) }
            ?? Array(repeating: .null, count: Kind.filterColumns.count)
        precondition(filters.count == Kind.filterColumns.count, "one value per filter column of \(Kind.table)")
        values = [
            .text(id), .text(record.origin.value), .integer(Int64(record.version)),
            .text(Self.timestamp(record.metadata.createdAt)), .text(Self.timestamp(record.metadata.updatedAt)),
            .integer(record.isDeleted ? 1 : 0), .text(etag), .blob(bytes),
        ] + filters
        searchTexts = Kind.searchTable == nil ? nil : record.content.map { content in
            let texts = Kind.searchValues(of: content)
            precondition(texts.count == Kind.searchColumns.count, "one text per search column of \(Kind.table)")
            return texts
        }
        stored = StoredRecord(id: id, origin: record.origin.value, version: record.version, isDeleted: record.isDeleted,
                              etag: etag, content: bytes)
    }

    static func timestamp(_ date: Date) -> String {
        guard let text = RFC3339Timestamp.string(from: date) else {
            preconditionFailure("a record's dates were checked to lie in the years 0001...9999")
        }
        return text
    }
}
