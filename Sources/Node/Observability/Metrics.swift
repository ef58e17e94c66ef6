import Foundation
import Synchronization

/// The node's Prometheus metrics. Counters are updated on the request path from every event
/// loop and worker, so they live behind one `Mutex` (a short critical section, never held across
/// I/O); the connection gauge is an `Atomic` read on every accept.
public final class Metrics: Sendable {
    /// Upper bounds of the request-duration histogram in seconds (Prometheus' default ladder
    /// shifted down: our requests are mostly sub-millisecond to tens of milliseconds).
    public static let durationBucketsSeconds: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    struct RequestKey: Hashable {
        let component: String
        let method: String
        let route: String
        let status: Int
    }

    struct Histogram {
        var bucketCounts = [Int](repeating: 0, count: Metrics.durationBucketsSeconds.count)
        var count = 0
        var sumSeconds = 0.0

        /// One observation; `bucket` is nil when it exceeds every bound (it counts in `+Inf` only).
        mutating func record(bucket: Int?, seconds: Double) {
            if let bucket { bucketCounts[bucket] += 1 }
            count += 1
            sumSeconds += seconds
        }
    }

    struct State {
        var requests: [RequestKey: Int] = [:]
        var durations: [String: Histogram] = [:]
        var handshakes = 0
        var handshakeFailures: [String: Int] = [:]
        var refusedConnections = 0
        var families: [String: Family] = [:]
    }

    /// A gauge, counter or histogram that another module owns (the directory refresher, sync
    /// pullers, the coin ledger), keyed by its rendered label set: samples set through the lock,
    /// and series registered once and then updated without it.
    struct Family {
        let type: String
        let help: String
        var samples: [String: Double] = [:]
        var counters: [String: CounterSeries] = [:]
        var histograms: [String: HistogramSeries] = [:]
    }

    private let state = Mutex(State())
    public let openConnections = Atomic<Int>(0)
    private let version: String

    public init(version: String) {
        self.version = version
    }

    public func recordRequest(component: String, method: String, route: String, status: Int, durationSeconds: Double) {
        let key = RequestKey(component: component, method: method, route: route, status: status)
        let bucket = Metrics.durationBucketsSeconds.firstIndex(where: { durationSeconds <= $0 })
        // Every request of every thread passes here: the histogram is changed where it lies in
        // the dictionary, since a copy taken out and put back would allocate inside the lock.
        state.withLock { state in
            state.requests[key, default: 0] += 1
            state.durations[component, default: Histogram()].record(bucket: bucket, seconds: durationSeconds)
        }
    }

    public func recordHandshake() {
        state.withLock { $0.handshakes += 1 }
    }

    /// `reason` must come from a small fixed set (see `HandshakeFailureReason`): labels are never
    /// free text from the network.
    public func recordHandshakeFailure(reason: String) {
        state.withLock { $0.handshakeFailures[reason, default: 0] += 1 }
    }

    public func recordRefusedConnection() {
        state.withLock { $0.refusedConnections += 1 }
    }

    /// Sets a gauge, e.g. `knooppunt_directory_serial`. Names and label names are fixed by the
    /// caller's code, never taken from the network; label values must come from a small set
    /// (no ids or free text), as the conventions ask of every label.
    public func setGauge(_ name: String, help: String, labels: [(String, String)] = [], value: Double) {
        precondition(Self.isValidName(name) && !name.hasSuffix("_total"), "gauge name \(name) breaks the naming rules")
        let key = renderLabels(labels)
        state.withLock { state in
            var family = state.families[name] ?? Family(type: "gauge", help: help)
            precondition(family.type == "gauge", "\(name) is already a \(family.type)")
            family.samples[key] = value
            state.families[name] = family
        }
    }

    /// Adds to a counter, e.g. `knooppunt_directory_refreshes_total{result="updated"}`; counters
    /// only go up, so `amount` must not be negative.
    public func incrementCounter(_ name: String, help: String, labels: [(String, String)] = [], by amount: Int = 1) {
        precondition(Self.isValidName(name) && name.hasSuffix("_total"), "counter name \(name) must end in _total")
        precondition(amount >= 0, "a counter never goes down")
        let key = renderLabels(labels)
        state.withLock { state in
            var family = state.families[name] ?? Family(type: "counter", help: help)
            precondition(family.type == "counter", "\(name) is already a \(family.type)")
            family.samples[key, default: 0] += Double(amount)
            state.families[name] = family
        }
    }

    /// Registers a counter series, e.g. `knooppunt_coin_transfers_total{code="payment",outcome="created"}`,
    /// and returns it; registering the same name and labels again returns the same series. It
    /// shows (at zero) from registration on, so a scrape lists it before its first event. The
    /// caller keeps the series and increments it directly, for hot paths.
    public func counter(_ name: String, help: String, labels: [(String, String)] = []) -> CounterSeries {
        precondition(Self.isValidName(name) && name.hasSuffix("_total"), "counter name \(name) must end in _total")
        let key = renderLabels(labels)
        return state.withLock { state in
            var family = state.families[name] ?? Family(type: "counter", help: help)
            precondition(family.type == "counter", "\(name) is already a \(family.type)")
            if let series = family.counters[key] { return series }
            let series = CounterSeries()
            family.counters[key] = series
            state.families[name] = family
            return series
        }
    }

    /// Registers a histogram series with its own bucket bounds, e.g.
    /// `knooppunt_group_commit_duration_seconds`, and returns it; registering the same name and
    /// labels again returns the same series (its bounds must match).
    public func histogram(_ name: String, help: String, upperBounds: [Double], labels: [(String, String)] = []) -> HistogramSeries {
        precondition(Self.isValidName(name) && !name.hasSuffix("_total"), "histogram name \(name) breaks the naming rules")
        let key = renderLabels(labels)
        return state.withLock { state in
            var family = state.families[name] ?? Family(type: "histogram", help: help)
            precondition(family.type == "histogram", "\(name) is already a \(family.type)")
            if let series = family.histograms[key] {
                precondition(series.upperBounds == upperBounds, "\(name) is registered with other buckets")
                return series
            }
            let series = HistogramSeries(upperBounds: upperBounds)
            family.histograms[key] = series
            state.families[name] = family
            return series
        }
    }

    /// `knooppunt_` plus lowercase snake_case, as the conventions' metric names are.
    static func isValidName(_ name: String) -> Bool {
        name.hasPrefix("knooppunt_") && name.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7a) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5f }
    }

    /// `{a="x",b="y"}` with label names sorted, or empty for no labels.
    private func renderLabels(_ labels: [(String, String)]) -> String {
        guard !labels.isEmpty else { return "" }
        for (name, _) in labels {
            precondition(!name.isEmpty && name.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7a) || ($0 >= 0x41 && $0 <= 0x5a) || $0 == 0x5f },
                         "label name \(name) breaks the naming rules")
        }
        let rendered = labels.sorted { $0.0 < $1.0 }.map { "\($0.0)=\"\(escapeLabel($0.1))\"" }
        return "{" + rendered.joined(separator: ",") + "}"
    }

    private static func formatSample(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        // Whole numbers (counts, serials, Unix seconds) print without a fraction.
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    /// The Prometheus text exposition format, version 0.0.4.
    public func render() -> String {
        let snapshot = state.withLock { $0 }
        var out = ""
        out += "# HELP knooppunt_build_info The running software version.\n# TYPE knooppunt_build_info gauge\n"
        out += "knooppunt_build_info{version=\"\(escapeLabel(version))\"} 1\n"
        out += "# HELP knooppunt_http_requests_total HTTP requests answered, by route template and status.\n"
        out += "# TYPE knooppunt_http_requests_total counter\n"
        for (key, count) in snapshot.requests.sorted(by: { "\($0.key)" < "\($1.key)" }) {
            out += "knooppunt_http_requests_total{component=\"\(escapeLabel(key.component))\",method=\"\(escapeLabel(key.method))\","
            out += "route=\"\(escapeLabel(key.route))\",status=\"\(key.status)\"} \(count)\n"
        }
        out += "# HELP knooppunt_http_request_duration_seconds Time from a complete request to its response.\n"
        out += "# TYPE knooppunt_http_request_duration_seconds histogram\n"
        for (component, histogram) in snapshot.durations.sorted(by: { $0.key < $1.key }) {
            out += Self.renderHistogram("knooppunt_http_request_duration_seconds", labels: "{component=\"\(escapeLabel(component))\"}",
                                        upperBounds: Metrics.durationBucketsSeconds, bucketCounts: histogram.bucketCounts,
                                        count: histogram.count, sum: histogram.sumSeconds)
        }
        out += "# HELP knooppunt_http_open_connections Connections currently open.\n# TYPE knooppunt_http_open_connections gauge\n"
        out += "knooppunt_http_open_connections \(openConnections.load(ordering: .relaxed))\n"
        out += "# HELP knooppunt_http_refused_connections_total Connections closed at once because the limit was reached.\n"
        out += "# TYPE knooppunt_http_refused_connections_total counter\n"
        out += "knooppunt_http_refused_connections_total \(snapshot.refusedConnections)\n"
        out += "# HELP knooppunt_tls_handshakes_total Completed TLS handshakes.\n# TYPE knooppunt_tls_handshakes_total counter\n"
        out += "knooppunt_tls_handshakes_total \(snapshot.handshakes)\n"
        out += "# HELP knooppunt_tls_handshake_failures_total Failed TLS handshakes, by reason.\n"
        out += "# TYPE knooppunt_tls_handshake_failures_total counter\n"
        for (reason, count) in snapshot.handshakeFailures.sorted(by: { $0.key < $1.key }) {
            out += "knooppunt_tls_handshake_failures_total{reason=\"\(escapeLabel(reason))\"} \(count)\n"
        }
        for (name, family) in snapshot.families.sorted(by: { $0.key < $1.key }) {
            out += "# HELP \(name) \(family.help)\n# TYPE \(name) \(family.type)\n"
            var values = family.samples
            for (labels, series) in family.counters {
                values[labels, default: 0] += Double(series.count)
            }
            for (labels, value) in values.sorted(by: { $0.key < $1.key }) {
                out += "\(name)\(labels) \(Self.formatSample(value))\n"
            }
            for (labels, series) in family.histograms.sorted(by: { $0.key < $1.key }) {
                let snapshot = series.snapshot
                out += Self.renderHistogram(name, labels: labels, upperBounds: series.upperBounds, bucketCounts: snapshot.bucketCounts,
                                            count: snapshot.count, sum: snapshot.sum)
            }
        }
        return out
    }

    /// The cumulative `_bucket` lines (the `le` label joined to the series' labels, which are
    /// empty or a `{...}` set), `_sum` and `_count`.
    private static func renderHistogram(_ name: String, labels: String, upperBounds: [Double], bucketCounts: [Int], count: Int,
                                        sum: Double) -> String {
        let prefix = labels.isEmpty ? "{" : String(labels.dropLast()) + ","
        var out = ""
        var cumulative = 0
        for (bound, bucketCount) in zip(upperBounds, bucketCounts) {
            cumulative += bucketCount
            out += "\(name)_bucket\(prefix)le=\"\(bound)\"} \(cumulative)\n"
        }
        out += "\(name)_bucket\(prefix)le=\"+Inf\"} \(count)\n"
        out += "\(name)_sum\(labels) \(sum)\n"
        out += "\(name)_count\(labels) \(count)\n"
        return out
    }

    private func escapeLabel(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}
