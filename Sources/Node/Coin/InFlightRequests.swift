import Synchronization

/// The idempotency keys of requests being handled right now. A second request with a key that is
/// still in flight is refused with 409 (`request-in-flight`), as the Idempotency-Key draft asks,
/// instead of waiting behind the first: the client retries and then gets the first one's result.
/// In memory only, since an in-flight request does not survive a restart anyway.
///
/// Every payment passes here twice, from up to 64 worker threads on a couple of cores, so the
/// keys are spread over shards by their last byte (random in a UUID): one global lock was the
/// most contended lock of the payment path, its holder often preempted while others spun.
final class InFlightRequests: Sendable {
    private final class Shard: Sendable {
        let keys = Mutex<Set<String>>([])
    }

    private static let shardCount = 16
    private let shards = (0..<InFlightRequests.shardCount).map { _ in Shard() }

    /// Runs `body` while `key` is marked in flight; refuses at once when it already is.
    func run<T>(key: String, _ body: () throws -> T) throws -> T {
        let release = try begin(key: key)
        defer { release() }
        return try body()
    }

    /// Marks `key` in flight until the returned release runs, for a request that finishes on
    /// another thread; refuses at once when it already is.
    func begin(key: String) throws -> @Sendable () -> Void {
        guard let release = hold(key) else {
            throw LedgerError.requestInFlight(id: String(key.split(separator: ":", maxSplits: 1).last ?? ""))
        }
        return release
    }

    /// Marks `key` in flight until the returned release runs; nil when it already is.
    func hold(_ key: String) -> (@Sendable () -> Void)? {
        let shard = shard(for: key)
        guard shard.keys.withLock({ $0.insert(key).inserted }) else { return nil }
        return { _ = shard.keys.withLock { $0.remove(key) } }
    }

    /// The shard of the key's last hexadecimal digit, uniform over 16 for random UUIDs.
    private func shard(for key: String) -> Shard {
        let last = Int(key.utf8.last ?? 0)
        let digit = last >= 0x61 ? last - 0x61 + 10 : last - 0x30
        return shards[(digit % Self.shardCount + Self.shardCount) % Self.shardCount]
    }
}
