import Foundation

/// RFC 9562 version 5 (name-based, SHA-1) UUIDs: the same name always gives the same id, on
/// every node. The sample loader uses them so that loading twice finds its own records, and so
/// that an adoption on one node names the solution id its origin node gave it.
public enum NameBasedUUID {
    /// The namespace for Knooppunt's sample content (itself a v5 id of "knooppunt.vng.example" in
    /// the RFC's DNS namespace, fixed here so it never changes).
    // The literal is a valid UUID, so the force unwrap cannot fail.
    public static let sampleNamespace = UUID(uuidString: "fa2d482f-4025-5856-8c42-eceabc8bf539")!

    public static func make(namespace: UUID, name: String) -> UUID {
        var bytes = withUnsafeBytes(of: namespace.uuid) { Array($0) }
        bytes += Array(name.utf8)
        var hash = Array(Digest.sha1(bytes).prefix(16))
        hash[6] = (hash[6] & 0x0F) | 0x50  // version 5
        hash[8] = (hash[8] & 0x3F) | 0x80  // RFC 9562 variant
        return UUID(uuid: (hash[0], hash[1], hash[2], hash[3], hash[4], hash[5], hash[6], hash[7],
                           hash[8], hash[9], hash[10], hash[11], hash[12], hash[13], hash[14], hash[15]))
    }
}
