import Foundation
import Glibc
import Synchronization

/// API keys verified a moment ago, so a key in use is looked up in the store once every few
/// seconds instead of on every request, and a request whose key is known can run on the event
/// loop (see `APIKeyVerifier.recentlyVerified`).
///
/// A revocation must still count from the next request, also when `knooppunt apikey revoke` runs
/// in another process. Every change to the keys appends one byte to a change file beside the
/// database (`APIKeyStore` does, after its commit), and the cache checks the file's size, one
/// `stat` per lookup: a different size than when an entry was verified drops every entry. The
/// size only grows, so unlike a modification time it cannot miss two changes in one clock tick.
/// A change made around the store (an operator's `sqlite3 UPDATE`) reaches the cache when its
/// entries expire, after `maxAge`.
///
/// Entries are keyed by the token's SHA-256, so no secret is kept; only keys that verified are
/// remembered, so unknown tokens cannot fill it, and past `capacity` it starts over.
final class RecentAPIKeys: Sendable {
    private struct Entry {
        let identity: APIKeyIdentity
        let verifiedAt: ContinuousClock.Instant
    }

    private struct State {
        /// The change file's size the entries were verified at.
        var changeMark: Int64
        var entries: [[UInt8]: Entry] = [:]
    }

    /// The file whose size counts the changes to the keys.
    let changeFilePath: String
    private let maxAge: Duration
    private let capacity: Int
    private let state: Mutex<State>

    init(changeFilePath: String, maxAge: Duration = .seconds(5), capacity: Int = 1024) {
        precondition(capacity > 0, "the cache holds at least one key")
        self.changeFilePath = changeFilePath
        self.maxAge = maxAge
        self.capacity = capacity
        state = Mutex(State(changeMark: Self.changeMark(of: changeFilePath)))
    }

    /// The change mark to hand to `remember`: read it before looking the key up in the store, so
    /// a change committed after the lookup is never hidden behind it.
    func currentChangeMark() -> Int64 {
        Self.changeMark(of: changeFilePath)
    }

    /// The identity verified for `token` less than `maxAge` ago with no change since, or nil.
    func identity(for token: String) -> APIKeyIdentity? {
        let mark = currentChangeMark()
        let digest = Digest.sha256(Array(token.utf8))
        let now = ContinuousClock.now
        return state.withLock { state in
            if state.changeMark != mark {
                state.entries = [:]
                state.changeMark = mark
                return nil
            }
            guard let entry = state.entries[digest] else { return nil }
            guard now - entry.verifiedAt < maxAge else {
                state.entries[digest] = nil
                return nil
            }
            return entry.identity
        }
    }

    /// Remembers that `token` verified as `identity` in a lookup that began at change mark `mark`,
    /// unless the entries already moved on to a later mark. A change that lands after this is
    /// still caught: the next lookup finds the file's size different and drops the entry.
    func remember(_ identity: APIKeyIdentity, for token: String, verifiedAtChangeMark mark: Int64) {
        let digest = Digest.sha256(Array(token.utf8))
        let now = ContinuousClock.now
        state.withLock { state in
            guard state.changeMark == mark else { return }
            if state.entries.count >= capacity { state.entries = [:] }
            state.entries[digest] = Entry(identity: identity, verifiedAt: now)
        }
    }

    /// Records a change to the keys, after its commit: every process's cache drops its entries at
    /// its next lookup.
    func noteChange() throws(StoreError) {
        let descriptor = open(changeFilePath, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor != -1 else { throw Self.fileSystemError(changeFilePath) }
        defer { Glibc.close(descriptor) }
        var mark: UInt8 = 0x0A
        guard write(descriptor, &mark, 1) == 1 else { throw Self.fileSystemError(changeFilePath) }
    }

    /// The change file's size, or -1 while there is none (no key changed since it was introduced).
    private static func changeMark(of path: String) -> Int64 {
        var status = stat()
        guard stat(path, &status) == 0 else { return -1 }
        return Int64(status.st_size)
    }

    private static func fileSystemError(_ path: String) -> StoreError {
        let code = errno
        return .fileSystem(path: path, code: code, message: String(cString: strerror(code)))
    }
}
