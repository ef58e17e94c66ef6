/// The group-commit writer's Prometheus series: batches and jobs committed (their ratio is the
/// mean batch size, the measure of how much fsyncs are shared) and how long each batch's
/// `COMMIT` took, fsync included, which is where a slow disk shows first. Registered when the
/// node starts, so they read zero before the first write.
public struct GroupCommitMetrics: Sendable {
    /// From 0.1 ms (a write cache that acknowledges at once) to 1 s (a disk that is failing or
    /// saturated); a healthy SSD's fsync lands around 0.5 to 5 ms.
    public static let commitBucketsSeconds: [Double] = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1]

    private let batches: CounterSeries
    private let jobs: CounterSeries
    private let commitDuration: HistogramSeries

    public init(metrics: Metrics) {
        batches = metrics.counter("knooppunt_group_commit_batches_total", help: "Group-commit transactions committed.")
        jobs = metrics.counter("knooppunt_group_commit_jobs_total",
                               help: "Write jobs in committed group-commit transactions (jobs / batches is the mean batch size).")
        commitDuration = metrics.histogram("knooppunt_group_commit_duration_seconds",
                                           help: "Time each group-commit transaction's COMMIT took, fsync included.",
                                           upperBounds: Self.commitBucketsSeconds)
    }

    /// After a batch's `COMMIT` succeeded.
    func recordBatch(jobs jobCount: Int, commitDuration duration: Duration) {
        batches.increment()
        jobs.increment(by: jobCount)
        let (seconds, attoseconds) = duration.components
        commitDuration.observe(Double(seconds) + Double(attoseconds) / 1e18)
    }
}
