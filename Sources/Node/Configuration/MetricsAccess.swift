/// Who may read `GET /metrics`. The node's port faces integrators and the internet, and the
/// metrics name the software version, the peers and the traffic on every route: by default only
/// a key with the `node:metrics` scope reads them (Prometheus sends it as a bearer token). `open`
/// suits a node whose port only a monitoring network can reach.
public enum MetricsAccess: String, Sendable, Codable, CaseIterable {
    case apiKey = "api-key"
    case open
}
