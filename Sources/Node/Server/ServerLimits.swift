/// Every bound the HTTP server enforces, with the defaults the foundation issue names. Hitting
/// one is an operating error with a clear status (413, 431, 503) or a closed connection, never
/// unbounded memory or a stuck thread.
public struct ServerLimits: Sendable, Equatable, Codable {
    /// Request line plus headers; beyond it the answer is 431.
    public var maxHeadBytes = 16 * 1024
    public var maxHeaderCount = 100
    /// Decoded request body; beyond it the answer is 413.
    public var maxBodyBytes = 1 << 20
    /// Open connections; a connection beyond this is closed as soon as it is accepted.
    public var maxConnections = 10_000
    /// From a request's first byte until its head is complete (slowloris defence), and for the TLS handshake.
    public var headerTimeoutSeconds = 10
    /// From a complete head until the body is complete.
    public var bodyTimeoutSeconds = 30
    /// How long a keep-alive connection may sit idle between requests.
    public var idleTimeoutSeconds = 60
    /// From a complete request until its response is ready; then the client gets 503.
    public var requestTimeoutSeconds = 30
    /// How long a response may take to drain to a slow reader.
    public var writeTimeoutSeconds = 30
    /// Requests waiting for a worker; beyond it the answer is 503 with `Retry-After`.
    public var maxQueuedRequests = 1024
    /// On SIGTERM, how long in-flight requests may take before the node exits anyway.
    public var shutdownGraceSeconds = 10

    public init() {}

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = ServerLimits()
        func value(_ key: CodingKeys, _ fallback: Int) throws -> Int {
            guard let configured = try container.decodeIfPresent(Int.self, forKey: key) else { return fallback }
            guard configured > 0 else {
                throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "must be a positive number")
            }
            return configured
        }
        maxHeadBytes = try value(.maxHeadBytes, defaults.maxHeadBytes)
        maxHeaderCount = try value(.maxHeaderCount, defaults.maxHeaderCount)
        maxBodyBytes = try value(.maxBodyBytes, defaults.maxBodyBytes)
        maxConnections = try value(.maxConnections, defaults.maxConnections)
        headerTimeoutSeconds = try value(.headerTimeoutSeconds, defaults.headerTimeoutSeconds)
        bodyTimeoutSeconds = try value(.bodyTimeoutSeconds, defaults.bodyTimeoutSeconds)
        idleTimeoutSeconds = try value(.idleTimeoutSeconds, defaults.idleTimeoutSeconds)
        requestTimeoutSeconds = try value(.requestTimeoutSeconds, defaults.requestTimeoutSeconds)
        writeTimeoutSeconds = try value(.writeTimeoutSeconds, defaults.writeTimeoutSeconds)
        maxQueuedRequests = try value(.maxQueuedRequests, defaults.maxQueuedRequests)
        shutdownGraceSeconds = try value(.shutdownGraceSeconds, defaults.shutdownGraceSeconds)
    }

    var parseLimits: HTTPParseLimits {
        HTTPParseLimits(maxHeadBytes: maxHeadBytes, maxHeaderCount: maxHeaderCount, maxBodyBytes: maxBodyBytes)
    }
}
