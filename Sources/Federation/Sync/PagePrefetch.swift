import Dispatch
import Foundation
import Node

/// Fetches, verifies and prepares (decodes and checks) the next page on a thread of its own while
/// the puller thread applies the current one, so the network, the JSON, the ECDSA verifications
/// (about 0.1 ms a change) and the record decoding overlap with SQLite instead of adding to it. At most one page is ahead, so memory stays at
/// two pages.
///
/// `@unchecked Sendable`: `outcome` is written once by the helper thread before it signals
/// `finished`, and read by the puller thread only after waiting on it (the semaphore orders the
/// two). The feed source and its libcurl handle, which are bound to one thread at a time, are
/// used by the helper thread only between its start and that signal, and the puller does not
/// touch them in between: it waits (`take` or `finish`) before its next fetch and before it
/// returns, whatever it throws.
final class PagePrefetch: @unchecked Sendable {
    struct Fetched {
        let page: ChangeFeedPage
        let verification: PageVerifier.Outcome
        /// The verified changes, prepared by `ReplicaPageWriter.prepare`.
        let prepared: [ReplicaPageWriter.PreparedChange]
        /// The keys the page was verified with; if the directory changed them meanwhile, the
        /// puller verifies again.
        let keys: [DirectoryMember.Key]
    }

    /// The cursor the page was fetched from.
    let since: Int64
    private var outcome: Result<Fetched, SyncError>?
    private let finished = DispatchSemaphore(value: 0)
    private var isJoined = false

    init(since: Int64, limit: Int, source: some ChangeFeedSource, member: DirectoryMember, localOrigin: String,
         writer: ReplicaPageWriter) {
        self.since = since
        let borrowed = BorrowedSource(source: source)
        NamedThread.start("kp-prefetch") { [self] in
            BackgroundPriority.lowerCurrentThread()
            outcome = Result { () throws(SyncError) -> Fetched in
                let page = try borrowed.source.fetch(since: since, limit: limit)
                let outcome = PagePreparation.run(page.changes, peer: OriginKeys(member: member), localOrigin: localOrigin,
                                                  writer: writer, inBackground: true)
                return Fetched(page: page, verification: outcome.verification, prepared: outcome.prepared, keys: member.keys)
            }
            finished.signal()
        }
    }

    /// Waits for the page; nil when fetching it failed (the puller then fetches it itself, and
    /// meets the error, if it lasts, in its own round).
    func take() -> Fetched? {
        finish()
        guard case .success(let fetched) = outcome else { return nil }
        return fetched
    }

    /// Waits for the helper thread to be done with the source. Safe to call more than once.
    func finish() {
        guard !isJoined else { return }
        finished.wait()
        isJoined = true
    }
}

/// Carries the feed source to the helper thread; see `PagePrefetch` for why that is safe.
private struct BorrowedSource<Source: ChangeFeedSource>: @unchecked Sendable {
    let source: Source
}
