/// The bounds of the change feed and of the pullers. Every number the sync engine uses is named
/// here, so none hides in the code.
public struct SyncLimits: Sendable, Equatable {
    /// Changes per page when a puller names no `limit`.
    public static let defaultPageSize = 500
    /// The most changes one page may ask for; beyond it `/changes` answers 400. With records of
    /// a few KiB, 2,000 keeps a page under the byte budget below and one apply transaction
    /// under a second.
    public static let maxPageSize = 2_000
    /// Content and signatures per page, before base64: a page ends early when the next change
    /// would pass it (the first change always goes, so one large record cannot stall a feed).
    /// 4 MiB base64-encodes to about 5.4 MiB, well inside the client's response limit.
    public static let maxPageBytes = 4 << 20
    /// The largest record content a puller accepts in one change; a request body is at most
    /// 1 MiB by default, so a record signed by its origin is never larger than a few of those.
    public static let maxContentBytes = 8 << 20
    /// A DER ECDSA P-256 signature is at most 72 bytes; RSA-4096 would be 512.
    public static let maxSignatureBytes = 1_024
    /// Kinds (`knowledge-entry`), ids (UUIDs) and epochs (UUIDs) are short; this bounds what a
    /// peer can make the puller log or store.
    public static let maxTokenBytes = 128

    /// What a puller asks for per page: the most a peer serves. Large pages mean fewer round
    /// trips and commits, and fewer FTS5 segments to write and merge: pulling 100,000 knowledge
    /// entries took about 13% less CPU and time with 2,000 than with 1,000 (bench/sync.sh). One
    /// page's apply transaction holds the node's single writer, so local API writes wait for it
    /// while a peer's backlog is pulled: about 0.3 s for 2,000 records on a release build.
    public var pullPageSize = SyncLimits.maxPageSize
    /// Pages per peer per round; a peer with a longer backlog continues in the next round,
    /// which starts at once, so other peers and a shutdown get their turn in between.
    public var maxPagesPerRound = 100
    /// One page's fetch, retries included.
    public var pageDeadlineSeconds = 60
    /// Threads pulling peers in the background. The peers are dealt out between them (see
    /// `SyncService.peers(of:among:count:)`), so a slow or dead peer delays only the peers sharing
    /// its thread; fetching and verifying run beside each other, while applying serializes on the
    /// single writer anyway.
    public var pullerThreads = 2
    /// Warnings about passed-over changes per peer per round; the rest are counted in one line
    /// and in the metrics, so a peer serving a page of forgeries cannot flood the log.
    public var maxRejectionLogLinesPerRound = 20
    /// How long `stop` waits for a puller to finish its page before giving up on it.
    public var stopWaitSeconds = 10

    public init() {}
}
