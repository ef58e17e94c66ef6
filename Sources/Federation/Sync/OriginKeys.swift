import Node

/// The keys that may have signed an origin's records: every key the directory lists for it,
/// newest first. A rotated key stays listed beside the new one for a while, so records the
/// origin signed before the rotation (which the change log keeps as they were) still verify.
struct OriginKeys: Sendable {
    let origin: String
    let keys: [PublicKey]

    /// Parses the member's listed keys; a key that does not parse, or whose hash disagrees with
    /// the one listed beside it, is left out (the directory is signed, so this is a registry bug).
    init(member: DirectoryMember) {
        origin = member.oin.value
        keys = member.keys.compactMap { listed in
            guard let key = try? PublicKey(spkiDER: listed.spkiDER), key.spkiSHA256Hex == listed.sha256 else { return nil }
            return key
        }
    }

    init(origin: String, keys: [PublicKey]) {
        self.origin = origin
        self.keys = keys
    }

    /// True when one of the origin's keys signed exactly these content bytes.
    func verifies(_ change: RecordChange) -> Bool {
        keys.contains { $0.verify(signature: change.signature, of: change.content) }
    }
}
