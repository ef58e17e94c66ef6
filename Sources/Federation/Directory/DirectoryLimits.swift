/// Bounds on a member directory, checked before anything is trusted or allocated per member.
enum DirectoryLimits {
    /// The directory document as fetched or read from disk. A member entry is about 600 bytes;
    /// 8 MiB holds every Dutch public body with room to spare.
    static let maxDocumentBytes = 8 << 20
    /// Members in one directory: the Netherlands has a few hundred municipalities and a few
    /// thousand public bodies with an OIN.
    static let maxMembers = 10_000
    /// Keys listed for one member: the current one and a few being rotated out.
    static let maxKeysPerMember = 4
    /// A member's display name: a certificate's CN is at most 64 characters; 200 leaves room
    /// for a longer official name.
    static let maxNameCharacters = 200
    /// A base URL, as most servers and proxies bound a URL.
    static let maxURLBytes = 2_048
    /// An ECDSA P-256 DER signature is at most 72 bytes; larger keys stay far below this.
    static let maxSignatureBytes = 1_024
    /// RFC 3339 timestamps as the node writes them are 24 characters.
    static let maxTimestampBytes = 40
}
