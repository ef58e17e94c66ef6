/// The bounds of the federation PKI; crossing one is an operator error, reported before any
/// work is done.
enum PKILimits {
    /// A key, certificate or CA chain file is a few kilobytes; 1 MiB leaves room for a long
    /// PKIoverheid chain and stops a wrong path (a disk image, a log) from being read whole.
    static let maxPEMFileBytes = 1 << 20
    /// Certificates read from one chain file: PKIoverheid chains are three or four deep.
    static let maxChainCertificates = 16
    /// Subject alternative names in one member certificate: a node has a few names, not a fleet.
    static let maxHosts = 64
    /// RFC 5280's upper bound (ub-common-name) on a common name, in characters.
    static let maxNameCharacters = 64
    /// RFC 1035: a DNS name is at most 253 characters in text form, a label at most 63.
    static let maxDNSNameBytes = 253
    static let maxDNSLabelBytes = 63
    /// NIST SP 800-131A's floor: P-256 gives 128, RSA-2048 gives 112, RSA-1024 only 80.
    static let minKeySecurityBits: Int32 = 112
    /// A member certificate lives at most 825 days: Apple platforms refuse TLS server
    /// certificates valid for longer, even under a private CA, and a lost key ages out sooner.
    static let memberValidityDays = 1...825
    /// The trust anchor lives at most twenty years; every member must re-trust a new one after.
    static let authorityValidityDays = 1...7305
    /// Issued certificates start five minutes in the past so a peer whose clock runs behind
    /// does not reject a certificate issued a moment ago.
    static let clockSkewSeconds = 5 * 60
}
