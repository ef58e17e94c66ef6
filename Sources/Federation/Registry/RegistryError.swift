import Schemas

/// Why a registry operation was refused, worded for the registry operator.
public enum RegistryError: Error, CustomStringConvertible, Sendable, Equatable {
    case notRegistry(dataDirectory: String)
    case unknownMember(OIN)
    case alreadyRevoked(OIN)
    /// Re-admitting a revoked member is a decision of its own (`--reinstate`), not a side effect.
    case revokedMember(OIN)
    /// The registry's own entry comes from `init` and is never revoked or replaced by admit.
    case registryOwnEntry(OIN)
    case invalidBaseURL(String)
    /// The certificate would not be valid for the host in the member's base URL, so its peers'
    /// TLS would refuse it.
    case baseURLHostNotInCertificate(host: String, hosts: [String])
    case requestWithoutOIN
    /// The directory has no entries yet; `init --role registry` adds the registry itself.
    case emptyDirectory

    public var description: String {
        switch self {
        case .notRegistry(let directory):
            "\(directory) is not a registry node (config.json role is not \"registry\")"
        case .unknownMember(let oin): "no member with OIN \(oin) in the registry"
        case .alreadyRevoked(let oin): "member \(oin) is already revoked"
        case .revokedMember(let oin):
            "member \(oin) is revoked; re-admit it only deliberately, with --reinstate (its old keys are dropped)"
        case .registryOwnEntry(let oin):
            "\(oin) is the registry itself; its entry is made by `knooppunt init --role registry`"
        case .invalidBaseURL(let url):
            "base URL \(url) must be https://host[:port][/path] without query, fragment or trailing slash"
        case .baseURLHostNotInCertificate(let host, let hosts):
            "the base URL's host \(host) is not among the certificate's names (\(hosts.joined(separator: ", "))); "
                + "pass --host \(host)"
        case .requestWithoutOIN: "the certificate signing request carries no OIN in its subject serialNumber"
        case .emptyDirectory: "the registry lists no members yet"
        }
    }
}
