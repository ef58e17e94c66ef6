import Testing

@testable import Node

/// Series registered once and updated without the metrics lock: they render at zero before their
/// first event, registering again hands back the same series, and histograms use their own buckets.
@Suite struct MetricSeriesTests {
    @Test func registeredCountersRenderFromZero() {
        let metrics = Metrics(version: "test")
        let created = metrics.counter("knooppunt_things_total", help: "Things.", labels: [("outcome", "created"), ("code", "a")])
        _ = metrics.counter("knooppunt_things_total", help: "Things.", labels: [("code", "a"), ("outcome", "refused")])
        #expect(metrics.render().contains("knooppunt_things_total{code=\"a\",outcome=\"refused\"} 0\n"))
        created.increment()
        metrics.counter("knooppunt_things_total", help: "Things.", labels: [("code", "a"), ("outcome", "created")]).increment(by: 2)
        let text = metrics.render()
        #expect(text.contains("# TYPE knooppunt_things_total counter\n"))
        #expect(text.contains("knooppunt_things_total{code=\"a\",outcome=\"created\"} 3\n"), "the same labels give the same series")
        #expect(text.contains("knooppunt_things_total{code=\"a\",outcome=\"refused\"} 0\n"))
    }

    @Test func histogramsRenderCumulativeBuckets() {
        let metrics = Metrics(version: "test")
        let histogram = metrics.histogram("knooppunt_step_duration_seconds", help: "Steps.", upperBounds: [0.001, 0.01])
        #expect(metrics.render().contains("knooppunt_step_duration_seconds_count 0\n"))
        for seconds in [0.0005, 0.001, 0.005, 2] {
            histogram.observe(seconds)
        }
        let text = metrics.render()
        #expect(text.contains("# TYPE knooppunt_step_duration_seconds histogram\n"))
        #expect(text.contains("knooppunt_step_duration_seconds_bucket{le=\"0.001\"} 2\n"))
        #expect(text.contains("knooppunt_step_duration_seconds_bucket{le=\"0.01\"} 3\n"))
        #expect(text.contains("knooppunt_step_duration_seconds_bucket{le=\"+Inf\"} 4\n"))
        #expect(text.contains("knooppunt_step_duration_seconds_sum 2.0065\n"))
        #expect(text.contains("knooppunt_step_duration_seconds_count 4\n"))
    }

    @Test func histogramLabelsJoinTheBucketLabel() {
        let metrics = Metrics(version: "test")
        metrics.histogram("knooppunt_step_duration_seconds", help: "Steps.", upperBounds: [1], labels: [("step", "load")]).observe(0.5)
        let text = metrics.render()
        #expect(text.contains("knooppunt_step_duration_seconds_bucket{step=\"load\",le=\"1.0\"} 1\n"))
        #expect(text.contains("knooppunt_step_duration_seconds_count{step=\"load\"} 1\n"))
    }

    @Test func aRegisteredCounterNameMustEndInTotal() async {
        await #expect(processExitsWith: .failure) {
            _ = Metrics(version: "test").counter("knooppunt_things", help: "Things.")
        }
    }
}
