import Node

/// The bounds of one peer client: how long a call may take, how much it may read, and how hard it
/// retries. Every value is named here so none hides in the code as a bare number.
public struct PeerClientLimits: Sendable, Equatable {
    /// TCP connect plus TLS handshake (see `FederationSettings` for the default's reason).
    public var connectTimeoutMilliseconds = FederationSettings.defaultConnectTimeoutSeconds * 1000
    /// One attempt from start to the last body byte.
    public var attemptTimeoutMilliseconds = FederationSettings.defaultRequestTimeoutSeconds * 1000
    /// The largest response body read; the directory of all Dutch public bodies fits in a few
    /// MiB, and a sync page is bounded by its `limit`.
    public var maxResponseBytes = 16 << 20
    /// The response head: status line plus headers, as the server's own head limit.
    public var maxResponseHeadBytes = 64 * 1024
    public var maxResponseHeaderCount = 100
    /// Tries per call, the first included, for calls that may be repeated (idempotent methods,
    /// or a POST carrying an `Idempotency-Key`). Other calls are tried exactly once.
    public var maxAttempts = FederationSettings.defaultMaxAttempts
    /// The first backoff; each retry doubles it up to `maxBackoffMilliseconds`, and the wait is
    /// half that value plus a random part of up to the other half ("equal jitter"), so that
    /// many nodes retrying one peer spread out instead of arriving together.
    public var initialBackoffMilliseconds = 200
    public var maxBackoffMilliseconds = 5_000

    public init() {}

    /// The defaults, with the timeouts and attempts an operator set in `config.json`.
    public init(_ settings: FederationSettings) {
        connectTimeoutMilliseconds = settings.connectTimeoutSeconds * 1000
        attemptTimeoutMilliseconds = settings.requestTimeoutSeconds * 1000
        maxAttempts = settings.maxAttempts
    }

    /// The backoff bound before retry number `retry` (1 for the first retry).
    func backoffCeilingMilliseconds(retry: Int) -> Int {
        precondition(retry >= 1, "retries are counted from 1")
        // Doubling stops at the ceiling; the shift is bounded so it cannot overflow.
        let doubled = initialBackoffMilliseconds << min(retry - 1, 20)
        return min(max(doubled, 0), maxBackoffMilliseconds)
    }

    /// The wait before retry number `retry`: half its ceiling plus a random part of up to the
    /// other half.
    func jitteredWaitMilliseconds(retry: Int, using generator: inout some RandomNumberGenerator) -> Int {
        let ceiling = backoffCeilingMilliseconds(retry: retry)
        return ceiling / 2 + Int.random(in: 0...(ceiling - ceiling / 2), using: &generator)
    }
}
