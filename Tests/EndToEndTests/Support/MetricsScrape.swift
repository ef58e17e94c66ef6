import Foundation
import Synchronization

/// Reads a node's `/metrics` as Prometheus would: with a `node:metrics` key, made once per data
/// folder and kept for the rest of the run (tests poll metrics, and a key per poll would cost a
/// process each time).
enum MetricsScrape {
    private static let keys = Mutex<[String: String]>([:])

    static func text(_ node: NodeProcess) throws -> String {
        try Curl.request(node, "/metrics", headers: ["Authorization: Bearer \(try key(for: node))"]).text
    }

    static func key(for node: NodeProcess) throws -> String {
        let folder = node.dataDirectory.path
        if let key = keys.withLock({ $0[folder] }) { return key }
        let created = try Run.knooppunt(["apikey", "create", "--data", folder, "--name", "Prometheus", "--scopes", "node:metrics"])
        guard created.status == 0, let key = created.output.split(separator: "\n").last.map(String.init), key.hasPrefix("kp_") else {
            throw HarnessError.commandFailed("apikey create: \(created.errors)")
        }
        keys.withLock { $0[folder] = key }
        return key
    }
}
