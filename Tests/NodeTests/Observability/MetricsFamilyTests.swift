import Testing

@testable import Node

/// Gauges and counters other modules own, in the exposition format.
@Suite struct MetricsFamilyTests {
    @Test func gaugesAndCountersRender() {
        let metrics = Metrics(version: "test")
        metrics.setGauge("knooppunt_directory_serial", help: "Serial in force.", value: 1_795_443_385_762)
        metrics.setGauge("knooppunt_directory_serial", help: "Serial in force.", value: 1_795_443_385_763)
        metrics.incrementCounter("knooppunt_directory_refreshes_total", help: "Polls.", labels: [("result", "updated")])
        metrics.incrementCounter("knooppunt_directory_refreshes_total", help: "Polls.", labels: [("result", "updated")], by: 2)
        metrics.incrementCounter("knooppunt_directory_refreshes_total", help: "Polls.", labels: [("result", "fail\"ed")])
        let text = metrics.render()
        #expect(text.contains("# TYPE knooppunt_directory_serial gauge\nknooppunt_directory_serial 1795443385763\n"))
        #expect(text.contains("# TYPE knooppunt_directory_refreshes_total counter\n"))
        #expect(text.contains("knooppunt_directory_refreshes_total{result=\"updated\"} 3\n"))
        #expect(text.contains("knooppunt_directory_refreshes_total{result=\"fail\\\"ed\"} 1\n"), "label values are escaped")
    }

    @Test func aCounterNameMustEndInTotal() async {
        await #expect(processExitsWith: .failure) {
            Metrics(version: "test").incrementCounter("knooppunt_directory_refreshes", help: "Polls.")
        }
    }
}
