import Foundation
import Testing

/// What the sync tests do to and ask of real nodes: knowledge entries through the API, the
/// digest of an origin as a peer sees it, and the sync metrics.
enum SyncProbe {
    /// An API key with `scopes`, made by the CLI beside the running node.
    static func apiKey(_ member: TestFederation.Member, scopes: String) throws -> String {
        let created = try Run.knooppunt(["apikey", "create", "--data", member.dataDirectory.path, "--name", scopes, "--scopes", scopes])
        try TestFederation.check(created)
        return String(created.output.split(separator: "\n").last ?? "")
    }

    static func send(_ node: NodeProcess, _ method: String, _ path: String, key: String? = nil, json: String? = nil,
                     headers: [String] = []) throws -> HTTPResult {
        var all = headers
        if let key { all.append("Authorization: Bearer \(key)") }
        if json != nil { all.append("Content-Type: application/json") }
        return try Curl.request(node, path, method: method, headers: all, body: json)
    }

    static func entryJSON(_ title: String) -> String {
        #"{"kind":"lesson-learned","language":"nl","title":"\#(title)","body":"Wat we leerden van \#(title)."}"#
    }

    /// Creates a knowledge entry; returns its id and entity tag.
    static func createEntry(_ node: NodeProcess, key: String, title: String) throws -> (id: String, etag: String) {
        let created = try send(node, "POST", "/api/knowledge/v1/entries", key: key, json: entryJSON(title))
        #expect(created.status == 201, "\(created.text)")
        return (try #require(created.json?["id"] as? String), try #require(created.headers["etag"]))
    }

    static func entry(_ node: NodeProcess, _ id: String) throws -> HTTPResult {
        try send(node, "GET", "/api/knowledge/v1/entries/\(id)")
    }

    /// `GET /digest?origin=` on `node`, called with `caller`'s member certificate.
    static func digest(_ node: NodeProcess, origin: String, as caller: TestFederation.Member) throws -> [String: Any] {
        let result = try Curl.request(node, "/api/federation/v1/digest?origin=\(origin)", certificate: caller.certificate)
        #expect(result.status == 200, "\(result.text)")
        return result.json ?? [:]
    }

    /// The digest triple as one comparable string.
    static func digestLine(_ node: NodeProcess, origin: String, as caller: TestFederation.Member) throws -> String {
        let digest = try Self.digest(node, origin: origin, as: caller)
        return "\(digest["sequence"] as? Int ?? -1)/\(digest["count"] as? Int ?? -1)/\(digest["hash"] as? String ?? "")"
    }

    /// Waits until every node in `nodes` holds the same state of `origin` as the origin itself.
    static func waitForConvergence(origin: TestFederation.Member, at nodes: [NodeProcess], as caller: TestFederation.Member,
                                   timeout: Duration = .seconds(30)) throws -> Bool {
        try TestFederation.waitUntil(timeout: timeout) {
            let served = try digestLine(origin.node, origin: origin.oin, as: caller)
            return try nodes.allSatisfy { try digestLine($0, origin: origin.oin, as: caller) == served }
        } != nil
    }

    /// The value of one sample in a node's `/metrics`, e.g. `knooppunt_sync_lag_sequences{peer="…"}`.
    static func metric(_ node: NodeProcess, _ sample: String) throws -> Double? {
        let text = try MetricsScrape.text(node)
        for line in text.split(separator: "\n") where line.hasPrefix(sample + " ") {
            return Double(line.dropFirst(sample.count + 1))
        }
        return nil
    }
}
