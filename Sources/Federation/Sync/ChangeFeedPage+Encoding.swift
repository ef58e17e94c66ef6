import Node
import Schemas

extension ChangeFeedPage {
    /// The page as JSON, written straight into bytes: no whitespace, keys in sorted order (the
    /// bytes `JSONEncoder` with `.sortedKeys` wrote before), content and signatures as base64.
    ///
    /// Strings go through `CanonicalJSONWriter.appendString`, which escapes `"`, `\` and control
    /// characters. The serving node's origin, epoch, kinds and ids are tokens (see `isToken`), so
    /// nothing is escaped in practice; escaping anyway means that no row in the database can make
    /// the page invalid JSON or stop the node over it, and a puller refuses a non-token by its own
    /// check.
    public var encoded: [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(estimatedEncodedCount)
        output.append(contentsOf: #"{"changes":["#.utf8)
        for (position, change) in changes.enumerated() {
            if position > 0 { output.append(UInt8(ascii: ",")) }
            Self.append(change, to: &output)
        }
        output.append(contentsOf: #"],"epoch":"#.utf8)
        CanonicalJSONWriter.appendString(epoch, to: &output)
        output.append(contentsOf: #","latestSequence":"#.utf8)
        output.append(contentsOf: String(latestSequence).utf8)
        output.append(contentsOf: #","origin":"#.utf8)
        CanonicalJSONWriter.appendString(origin, to: &output)
        output.append(UInt8(ascii: "}"))
        return output
    }

    private static func append(_ change: RecordChange, to output: inout [UInt8]) {
        output.append(contentsOf: #"{"content":""#.utf8)
        output.append(contentsOf: Base64.encode(change.content))
        output.append(contentsOf: #"","deleted":"#.utf8)
        output.append(contentsOf: (change.isDeleted ? "true" : "false").utf8)
        output.append(contentsOf: #","id":"#.utf8)
        CanonicalJSONWriter.appendString(change.id, to: &output)
        output.append(contentsOf: #","kind":"#.utf8)
        CanonicalJSONWriter.appendString(change.kind, to: &output)
        output.append(contentsOf: #","origin":"#.utf8)
        CanonicalJSONWriter.appendString(change.origin, to: &output)
        output.append(contentsOf: #","sequence":"#.utf8)
        output.append(contentsOf: String(change.sequence).utf8)
        output.append(contentsOf: #","signature":""#.utf8)
        output.append(contentsOf: Base64.encode(change.signature))
        output.append(contentsOf: #"","version":"#.utf8)
        output.append(contentsOf: String(change.version).utf8)
        output.append(UInt8(ascii: "}"))
    }

    /// At least the encoded length when no string needs escaping (integers are counted at their
    /// widest), so the output is allocated once.
    private var estimatedEncodedCount: Int {
        let envelope = 64 + origin.utf8.count + epoch.utf8.count + Self.widestInteger
        return changes.reduce(envelope) { total, change in
            total + 112 + change.origin.utf8.count + change.kind.utf8.count + change.id.utf8.count + 2 * Self.widestInteger
                + Base64.encodedCount(change.content.count) + Base64.encodedCount(change.signature.count)
        }
    }

    /// `-9223372036854775808`.
    private static let widestInteger = 20
}
