/// Hears how the background WAL checkpoints go, so the node can log and count what the store
/// alone would drop: a checkpoint that keeps failing (a disk error) lets the WAL grow until the
/// writer's own backstop checkpoint, inside a commit, takes over.
public struct CheckpointObserver: Sendable {
    /// A checkpoint failed; `consecutive` counts the failures in a row, 1 for the first.
    public var failed: @Sendable (_ error: StoreError, _ consecutive: Int) -> Void
    /// A checkpoint worked after `failedRounds` failures in a row.
    public var recovered: @Sendable (_ failedRounds: Int) -> Void

    public init(failed: @escaping @Sendable (StoreError, Int) -> Void, recovered: @escaping @Sendable (Int) -> Void) {
        self.failed = failed
        self.recovered = recovered
    }

    /// For the CLI's short-lived opens, where nobody would read a report.
    public static let ignoring = CheckpointObserver(failed: { _, _ in }, recovered: { _ in })
}
