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
    /// How often a member pulls each peer's change feed unless configured: half a minute keeps
    /// a record published in one town findable at the others within a minute, at the cost of
    /// one small request per peer per interval when nothing changed.
    public static let defaultSyncIntervalSeconds = 30
    /// One second for tests and demos; a day is the slowest a federation may lag.
    public static let syncIntervalSecondsRange = 1...86_400

    /// The registry's base URL, e.g. `https://registry.knooppunt.vng.nl:8443`; nil on the
    /// registry itself and on a standalone node.
    public var registryURL: String?
    /// The OIN the registry's certificate carries: only a directory signed under a certificate
    /// with this OIN, chaining to the trust anchor, is believed.
    public var registryOIN: OIN?
    public var directoryRefreshSeconds: Int
    /// The wait between two pull rounds over every peer (shortened by up to a fifth at random).
    public var syncIntervalSeconds: Int

    public init(registryURL: String? = nil, registryOIN: OIN? = nil,
                directoryRefreshSeconds: Int = Self.defaultDirectoryRefreshSeconds,
                syncIntervalSeconds: Int = Self.defaultSyncIntervalSeconds) {
        self.registryURL = registryURL
        self.registryOIN = registryOIN
        self.directoryRefreshSeconds = directoryRefreshSeconds
        self.syncIntervalSeconds = syncIntervalSeconds
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        registryURL = try container.decodeIfPresent(String.self, forKey: .registryURL)
        registryOIN = try container.decodeIfPresent(OIN.self, forKey: .registryOIN)
        directoryRefreshSeconds = try container.decodeIfPresent(Int.self, forKey: .directoryRefreshSeconds)
            ?? Self.defaultDirectoryRefreshSeconds
        syncIntervalSeconds = try container.decodeIfPresent(Int.self, forKey: .syncIntervalSeconds)
            ?? Self.defaultSyncIntervalSeconds
        guard Self.directoryRefreshSecondsRange.contains(directoryRefreshSeconds) else {
            throw DecodingError.dataCorruptedError(
                forKey: .directoryRefreshSeconds, in: container,
                debugDescription: "must be between \(Self.directoryRefreshSecondsRange.lowerBound) and "
                    + "\(Self.directoryRefreshSecondsRange.upperBound) seconds")
        }
        guard Self.syncIntervalSecondsRange.contains(syncIntervalSeconds) else {
            throw DecodingError.dataCorruptedError(
                forKey: .syncIntervalSeconds, in: container,
                debugDescription: "must be between \(Self.syncIntervalSecondsRange.lowerBound) and "
                    + "\(Self.syncIntervalSecondsRange.upperBound) seconds")
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
