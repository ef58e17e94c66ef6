import Synchronization

/// One counter series (a name with a fixed label set), registered once with
/// `Metrics.counter(_:help:labels:)`. Incrementing is one relaxed atomic add: no lock, no label
/// rendering, no dictionary lookup, so it fits paths that run thousands of times a second
/// (every payment).
public final class CounterSeries: Sendable {
    private let value = Atomic<Int>(0)

    init() {}

    /// Counters only go up, so `amount` must not be negative.
    public func increment(by amount: Int = 1) {
        precondition(amount >= 0, "a counter never goes down")
        value.add(amount, ordering: .relaxed)
    }

    public var count: Int { value.load(ordering: .relaxed) }
}

/// One histogram series with its own bucket bounds, registered once with
/// `Metrics.histogram(_:help:upperBounds:labels:)`. Bucket counts, count and sum change under one
/// short lock, so a scrape never sees a count that its buckets do not add up to.
public final class HistogramSeries: Sendable {
    struct Snapshot {
        var bucketCounts: [Int]
        var count = 0
        var sum = 0.0
    }

    /// Upper bounds in ascending order; `+Inf` is implied.
    public let upperBounds: [Double]
    private let state: Mutex<Snapshot>

    init(upperBounds: [Double]) {
        precondition(!upperBounds.isEmpty, "a histogram has at least one bucket")
        precondition(zip(upperBounds, upperBounds.dropFirst()).allSatisfy { $0 < $1 }, "bucket bounds ascend")
        self.upperBounds = upperBounds
        state = Mutex(Snapshot(bucketCounts: [Int](repeating: 0, count: upperBounds.count)))
    }

    public func observe(_ value: Double) {
        let bucket = upperBounds.firstIndex { value <= $0 }
        state.withLock { state in
            if let bucket { state.bucketCounts[bucket] += 1 }
            state.count += 1
            state.sum += value
        }
    }

    var snapshot: Snapshot { state.withLock { $0 } }
}
