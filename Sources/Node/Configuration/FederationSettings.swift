import Schemas

/// The `federation` section of `config.json`: where this node finds the registry's signed member
/// directory and how often it asks. Node only stores these values; the federation layer acts on
/// them. A node with no registry configured (a standalone node, or the registry itself) has no
/// directory to poll.
public struct FederationSettings: Sendable, Equatable, Codable {
    /// How often a member polls the directory unless configured: revocation reaches every node
    /// within this time, and a minute keeps the registry's load at one small request per member
    /// per minute.
    public static let defaultDirectoryRefreshSeconds = 60
    /// One second is the finest a poller is useful at (tests, demos); a day is the slowest a
    /// revocation may take to arrive.
    public static let directoryRefreshSecondsRange = 1...86_400

    /// The registry's base URL, e.g. `https://registry.knooppunt.vng.nl:8443`; nil on the
    /// registry itself and on a standalone node.
    public var registryURL: String?
    /// The OIN the registry's certificate carries: only a directory signed under a certificate
    /// with this OIN, chaining to the trust anchor, is believed.
    public var registryOIN: OIN?
    public var directoryRefreshSeconds: Int

    public init(registryURL: String? = nil, registryOIN: OIN? = nil,
                directoryRefreshSeconds: Int = Self.defaultDirectoryRefreshSeconds) {
        self.registryURL = registryURL
        self.registryOIN = registryOIN
        self.directoryRefreshSeconds = directoryRefreshSeconds
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        registryURL = try container.decodeIfPresent(String.self, forKey: .registryURL)
        registryOIN = try container.decodeIfPresent(OIN.self, forKey: .registryOIN)
        directoryRefreshSeconds = try container.decodeIfPresent(Int.self, forKey: .directoryRefreshSeconds)
            ?? Self.defaultDirectoryRefreshSeconds
        guard Self.directoryRefreshSecondsRange.contains(directoryRefreshSeconds) else {
            throw DecodingError.dataCorruptedError(
                forKey: .directoryRefreshSeconds, in: container,
                debugDescription: "must be between \(Self.directoryRefreshSecondsRange.lowerBound) and "
                    + "\(Self.directoryRefreshSecondsRange.upperBound) seconds")
        }
        // Half a registry setting would leave the node either polling a directory it cannot
        // verify or verifying one it never fetches.
        guard (registryURL == nil) == (registryOIN == nil) else {
            throw DecodingError.dataCorruptedError(
                forKey: registryURL == nil ? .registryURL : .registryOIN, in: container,
                debugDescription: "registryURL and registryOIN go together")
        }
        if let registryURL, !registryURL.lowercased().hasPrefix("https://") {
            throw DecodingError.dataCorruptedError(forKey: .registryURL, in: container,
                                                   debugDescription: "must be an https:// URL")
        }
    }

    /// True when this node keeps its member list from a registry's directory.
    public var pollsDirectory: Bool { registryURL != nil && registryOIN != nil }
}
