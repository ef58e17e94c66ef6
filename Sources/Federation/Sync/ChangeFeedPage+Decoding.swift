import Node

extension ChangeFeedPage {
    /// Reads a page a peer sent, refusing anything outside the limits before it reaches the
    /// verifier: a malformed page is the peer's fault and stops that peer's round.
    ///
    /// Any JSON text of the page's shape is read, members in any order and any whitespace, and
    /// members of unknown names are passed over (after a syntax check), so a newer peer can add
    /// fields. A known member given twice is refused; a repeated unknown one is passed over each
    /// time. Numbers are exact Int64: written as digits, without a fraction or an exponent
    /// (`1.0` and `1e3` are refused), and refused beyond ±2^63, so a sequence such as
    /// 9007199254740993 is read exactly. A page with more than `SyncLimits.maxPageSize` changes
    /// is refused at the first change too many, and content or a signature beyond its size
    /// limit is refused from its length alone, before its base64 is decoded.
    public static func decode(_ bytes: [UInt8]) throws(SyncError) -> ChangeFeedPage {
        var reader = FeedJSONReader(bytes)
        var origin: ArraySlice<UInt8>?
        var epoch: ArraySlice<UInt8>?
        var latestSequence: Int64?
        var changes: [RecordChange]?
        try reader.readObject(at: "the page") { reader, key throws(SyncError) in
            switch String(decoding: key, as: UTF8.self) {
            case "origin": try setOnce(&origin, reader.readString(at: "origin"), field: "origin")
            case "epoch": try setOnce(&epoch, reader.readString(at: "epoch"), field: "epoch")
            case "latestSequence": try setOnce(&latestSequence, reader.readInteger(at: "latestSequence"), field: "latestSequence")
            case "changes": try setOnce(&changes, readChanges(&reader), field: "changes")
            default: try reader.skipValue()
            }
        }
        try reader.finish()
        guard let origin, let epoch, let latestSequence, let changes else {
            let absent = [("origin", origin == nil), ("epoch", epoch == nil), ("latestSequence", latestSequence == nil),
                          ("changes", changes == nil)]
            throw missingFields(absent, in: "the page")
        }
        guard isToken(origin), isToken(epoch), latestSequence >= 0 else {
            throw .malformedPage("origin, epoch or latestSequence is out of range")
        }
        return ChangeFeedPage(origin: String(decoding: origin, as: UTF8.self), epoch: String(decoding: epoch, as: UTF8.self),
                              latestSequence: latestSequence, changes: changes)
    }

    private static func readChanges(_ reader: inout FeedJSONReader) throws(SyncError) -> [RecordChange] {
        var changes: [RecordChange] = []
        try reader.readArray(at: "changes") { reader, position throws(SyncError) in
            guard position < SyncLimits.maxPageSize else {
                throw .malformedPage("more than \(SyncLimits.maxPageSize) changes in one page")
            }
            changes.append(try readChange(&reader, at: position))
        }
        return changes
    }

    /// One change, checked once all its fields are read, its sizes before its base64.
    private static func readChange(_ reader: inout FeedJSONReader, at position: Int) throws(SyncError) -> RecordChange {
        var fields = ChangeFields()
        try reader.readObject(at: "changes.\(position)") { reader, key throws(SyncError) in
            try fields.read(String(decoding: key, as: UTF8.self), from: &reader, at: position)
        }
        guard let origin = fields.origin, let sequence = fields.sequence, let kind = fields.kind, let id = fields.id,
              let version = fields.version, let isDeleted = fields.isDeleted, let content = fields.content,
              let signature = fields.signature
        else {
            throw missingFields(fields.presence, in: "changes.\(position)")
        }
        guard isToken(origin), isToken(kind), isToken(id), sequence > 0, version > 0, let version = Int(exactly: version) else {
            throw .malformedPage("change at sequence \(sequence) has a field out of range")
        }
        guard Base64.decodedCount(of: content) <= SyncLimits.maxContentBytes,
              Base64.decodedCount(of: signature) <= SyncLimits.maxSignatureBytes
        else {
            throw .malformedPage("change at sequence \(sequence) has content or a signature over the size limit")
        }
        guard let contentBytes = Base64.decode(content), let signatureBytes = Base64.decode(signature) else {
            throw .malformedPage("change at sequence \(sequence) has content or a signature that is not base64")
        }
        return RecordChange(origin: String(decoding: origin, as: UTF8.self), sequence: sequence,
                            kind: String(decoding: kind, as: UTF8.self), id: String(decoding: id, as: UTF8.self),
                            version: version, isDeleted: isDeleted, content: contentBytes, signature: signatureBytes)
    }

    fileprivate static func setOnce<Value>(_ slot: inout Value?, _ value: Value,
                                           field: @autoclosure () -> String) throws(SyncError) {
        guard slot == nil else { throw .malformedPage("not a change feed page: \(field()) is given twice") }
        slot = value
    }

    /// The error for an object whose `fields` (name, and whether it is absent) are not all there.
    private static func missingFields(_ fields: [(name: String, isAbsent: Bool)], in object: String) -> SyncError {
        let absent = fields.filter(\.isAbsent).map(\.name)
        return .malformedPage("not a change feed page: \(object) lacks \(absent.joined(separator: ", "))")
    }
}

/// The members of one change as read, before any is checked (they come in any order): strings
/// still as their UTF-8, content and signature still as base64.
private struct ChangeFields {
    var origin: ArraySlice<UInt8>?
    var sequence: Int64?
    var kind: ArraySlice<UInt8>?
    var id: ArraySlice<UInt8>?
    var version: Int64?
    var isDeleted: Bool?
    var content: ArraySlice<UInt8>?
    var signature: ArraySlice<UInt8>?

    mutating func read(_ key: String, from reader: inout FeedJSONReader, at position: Int) throws(SyncError) {
        let path = { "changes.\(position).\(key)" }
        switch key {
        case "origin": try ChangeFeedPage.setOnce(&origin, reader.readString(at: path()), field: path())
        case "sequence": try ChangeFeedPage.setOnce(&sequence, reader.readInteger(at: path()), field: path())
        case "kind": try ChangeFeedPage.setOnce(&kind, reader.readString(at: path()), field: path())
        case "id": try ChangeFeedPage.setOnce(&id, reader.readString(at: path()), field: path())
        case "version": try ChangeFeedPage.setOnce(&version, reader.readInteger(at: path()), field: path())
        case "deleted": try ChangeFeedPage.setOnce(&isDeleted, reader.readBool(at: path()), field: path())
        case "content": try ChangeFeedPage.setOnce(&content, reader.readString(at: path()), field: path())
        case "signature": try ChangeFeedPage.setOnce(&signature, reader.readString(at: path()), field: path())
        default: try reader.skipValue()
        }
    }

    /// Each field's name, and whether it is absent.
    var presence: [(name: String, isAbsent: Bool)] {
        [("origin", origin == nil), ("sequence", sequence == nil), ("kind", kind == nil), ("id", id == nil),
         ("version", version == nil), ("deleted", isDeleted == nil), ("content", content == nil),
         ("signature", signature == nil)]
    }
}
