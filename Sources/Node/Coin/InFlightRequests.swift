import Synchronization

/// The idempotency keys of requests being handled right now. A second request with a key that is
/// still in flight is refused with 409 (`request-in-flight`), as the Idempotency-Key draft asks,
/// instead of waiting behind the first: the client retries and then gets the first one's result.
/// In memory only, since an in-flight request does not survive a restart anyway.
final class InFlightRequests: Sendable {
    private let keys = Mutex<Set<String>>([])

    /// Runs `body` while `key` is marked in flight; refuses at once when it already is.
    func run<T>(key: String, _ body: () throws -> T) throws -> T {
        guard keys.withLock({ $0.insert(key).inserted }) else {
            throw LedgerError.requestInFlight(id: String(key.split(separator: ":", maxSplits: 1).last ?? ""))
        }
        defer { _ = keys.withLock { $0.remove(key) } }
        return try body()
    }

    /// Marks `key` in flight until the returned release runs; for tests that need a request to
    /// stay in flight.
    func hold(_ key: String) -> (() -> Void)? {
        guard keys.withLock({ $0.insert(key).inserted }) else { return nil }
        return { [self] in _ = keys.withLock { $0.remove(key) } }
    }
}
