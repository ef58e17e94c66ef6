import Schemas

/// Why a member directory was refused or could not be kept. Every refusal leaves the node on
/// the directory it already had (or, with none, refusing every peer): never on a document it
/// could not verify.
public enum DirectoryError: Error, CustomStringConvertible, Sendable, Equatable {
    case tooLarge(maxBytes: Int)
    /// The document is not the directory format, with the field and the reason.
    case malformed(String)
    /// The bytes are not the canonical encoding of what they say; the registry only ever sends
    /// canonical bytes, so anything else was altered or made elsewhere.
    case notCanonical
    /// Signed under a certificate for another OIN than the configured registry's.
    case wrongSigner(expected: OIN, found: String)
    /// The signer's certificate does not chain to the trust anchor, or is not valid now.
    case untrustedSigner(String)
    /// The signature does not verify over the document's canonical bytes.
    case badSignature
    /// An older directory than the one held: refused, so a replayed copy cannot undo a revocation.
    case rollback(heldSerial: Int64, offeredSerial: Int64)
    case io(path: String, reason: String)

    public var description: String {
        switch self {
        case .tooLarge(let maxBytes): "the directory is larger than \(maxBytes) bytes"
        case .malformed(let reason): "the directory is malformed: \(reason)"
        case .notCanonical: "the directory is not in canonical JSON form (altered in transit or on disk)"
        case .wrongSigner(let expected, let found):
            "the directory is signed by \(found), not by the registry \(expected) named in federation.registryOIN"
        case .untrustedSigner(let reason): "the directory's signer certificate is not trusted: \(reason)"
        case .badSignature: "the directory's signature does not verify (the document was altered)"
        case .rollback(let held, let offered):
            "the registry offered directory serial \(offered), older than serial \(held) held here; refused. If the "
                + "registry was restored from a backup, remove the node's directory.json once its operator confirms"
        case .io(let path, let reason): "\(path): \(reason)"
        }
    }
}
