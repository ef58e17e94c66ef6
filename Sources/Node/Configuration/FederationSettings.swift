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
    /// TCP connect plus TLS handshake to a peer or the registry: five seconds covers a slow
    /// handshake without leaving a puller stuck on a dead address.
    public static let defaultConnectTimeoutSeconds = 5
    public static let connectTimeoutSecondsRange = 1...120
    /// One attempt of one call, from connecting to the last byte of a page of up to 2,000 records.
    public static let defaultRequestTimeoutSeconds = 30
    public static let requestTimeoutSecondsRange = 1...3_600
    /// Tries per repeatable call, the first included (retries back off with jitter).
    public static let defaultMaxAttempts = 4
    public static let maxAttemptsRange = 1...10

    /// The registry's base URL, e.g. `https://registry.knooppunt.vng.nl:8443`; nil on the
    /// registry itself and on a standalone node.
    public var registryURL: String?
    /// The OIN the registry's certificate carries: only a directory signed under a certificate
    /// with this OIN, chaining to the trust anchor, is believed.
    public var registryOIN: OIN?
    public var directoryRefreshSeconds: Int
    /// The wait between two pull rounds over every peer (shortened by up to a fifth at random).
    public var syncIntervalSeconds: Int
    /// The bounds of every call to a peer or the registry; a slow link may need more than the
    /// defaults, a node on a good network may want a dead peer given up on sooner.
    public var connectTimeoutSeconds: Int
    public var requestTimeoutSeconds: Int
    public var maxAttempts: Int

    public init(registryURL: String? = nil, registryOIN: OIN? = nil,
                directoryRefreshSeconds: Int = Self.defaultDirectoryRefreshSeconds,
                syncIntervalSeconds: Int = Self.defaultSyncIntervalSeconds) {
        self.registryURL = registryURL
        self.registryOIN = registryOIN
        self.directoryRefreshSeconds = directoryRefreshSeconds
        self.syncIntervalSeconds = syncIntervalSeconds
        self.connectTimeoutSeconds = Self.defaultConnectTimeoutSeconds
        self.requestTimeoutSeconds = Self.defaultRequestTimeoutSeconds
        self.maxAttempts = Self.defaultMaxAttempts
    }

    enum CodingKeys: String, CodingKey {
        case registryURL, registryOIN, directoryRefreshSeconds, syncIntervalSeconds, connectTimeoutSeconds,
             requestTimeoutSeconds, maxAttempts
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        registryURL = try container.decodeIfPresent(String.self, forKey: .registryURL)
        registryOIN = try container.decodeIfPresent(OIN.self, forKey: .registryOIN)
        syncIntervalSeconds = try Self.decode(.syncIntervalSeconds, in: container, default: Self.defaultSyncIntervalSeconds,
                                              range: Self.syncIntervalSecondsRange, unit: "seconds")
        directoryRefreshSeconds = try Self.decode(.directoryRefreshSeconds, in: container,
                                                  default: Self.defaultDirectoryRefreshSeconds,
                                                  range: Self.directoryRefreshSecondsRange, unit: "seconds")
        connectTimeoutSeconds = try Self.decode(.connectTimeoutSeconds, in: container, default: Self.defaultConnectTimeoutSeconds,
                                                range: Self.connectTimeoutSecondsRange, unit: "seconds")
        requestTimeoutSeconds = try Self.decode(.requestTimeoutSeconds, in: container, default: Self.defaultRequestTimeoutSeconds,
                                                range: Self.requestTimeoutSecondsRange, unit: "seconds")
        maxAttempts = try Self.decode(.maxAttempts, in: container, default: Self.defaultMaxAttempts,
                                      range: Self.maxAttemptsRange, unit: "attempts")
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

    /// An optional whole number within `range`, naming the field and the range when it is not.
    private static func decode(_ key: CodingKeys, in container: KeyedDecodingContainer<CodingKeys>, default value: Int,
                               range: ClosedRange<Int>, unit: String) throws -> Int {
        let decoded = try container.decodeIfPresent(Int.self, forKey: key) ?? value
        guard range.contains(decoded) else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: container, debugDescription: "must be between \(range.lowerBound) and \(range.upperBound) \(unit)")
        }
        return decoded
    }

    /// True when this node keeps its member list from a registry's directory.
    public var pollsDirectory: Bool { registryURL != nil && registryOIN != nil }
}
