import Foundation
import Testing

/// A registry and municipalities as real `knooppunt serve` processes, each member admitted the
/// way an operator admits one: `init` without a CA (key and CSR), `registry admit`,
/// `install-cert`, `serve`. Members poll the directory and pull each other's feeds every second.
final class TestFederation {
    static let registryOIN = "00000001000000000001"

    /// One admitted member and its running node.
    final class Member {
        let name: String
        let oin: String
        let dataDirectory: URL
        var node: NodeProcess

        init(name: String, oin: String, dataDirectory: URL, node: NodeProcess) {
            self.name = name
            self.oin = oin
            self.dataDirectory = dataDirectory
            self.node = node
        }

        /// The member's own certificate, as its node presents it to peers.
        var certificate: Curl.ClientCertificate {
            .files(certificate: dataDirectory.appendingPathComponent("tls/node.crt").path,
                   key: dataDirectory.appendingPathComponent("tls/node.key").path)
        }

        func restart() throws {
            node.stop()
            node = try NodeProcess(dataDirectory: dataDirectory)
        }
    }

    let root: URL
    let registryData: URL
    let registry: NodeProcess
    let pki: TestPKI

    init() throws {
        pki = try TestPKI.shared()
        root = Paths.temporaryDirectory("federation")
        registryData = root.appendingPathComponent("registry")
        try Self.check(Run.knooppunt(["init", "--data", registryData.path, "--name", "VNG registry", "--oin", Self.registryOIN,
                                      "--role", "registry", "--ca", pki.caDirectory.path]))
        try Self.configure(registryData) { $0["syncIntervalSeconds"] = 1 }
        registry = try NodeProcess(dataDirectory: registryData)
        try Self.check(Run.knooppunt(["registry", "update", "--data", registryData.path, "--oin", Self.registryOIN,
                                      "--base-url", registry.baseURL]))
    }

    /// Admits a municipality by CSR and starts its node; the registry then lists its real URL.
    func admit(_ name: String, oin: String, cbs: String) throws -> Member {
        let data = root.appendingPathComponent(name.lowercased())
        try Self.check(Run.knooppunt(["init", "--data", data.path, "--name", name, "--oin", oin, "--cbs", cbs, "--host", "127.0.0.1"]))
        let certificate = root.appendingPathComponent("\(name.lowercased()).crt").path
        // The port is the kernel's choice at `serve`, so the member is admitted at a placeholder
        // URL and moved to its real one once it listens, as `registry update` moves any member.
        try Self.check(Run.knooppunt(["registry", "admit", "--data", registryData.path, "--csr", data.appendingPathComponent("tls/node.csr").path,
                                      "--base-url", "https://127.0.0.1:1", "--cbs", cbs, "--out", certificate]))
        try Self.check(Run.knooppunt(["install-cert", "--data", data.path, "--cert", certificate, "--trust", pki.trustAnchor,
                                      "--registry-url", registry.baseURL, "--registry-oin", Self.registryOIN]))
        try Self.configure(data) { federation in
            federation["directoryRefreshSeconds"] = 1
            federation["syncIntervalSeconds"] = 1
        }
        let node = try NodeProcess(dataDirectory: data)
        try Self.check(Run.knooppunt(["registry", "update", "--data", registryData.path, "--oin", oin, "--base-url", node.baseURL]))
        return Member(name: name, oin: oin, dataDirectory: data, node: node)
    }

    /// Changes the `federation` section of a data folder's config.json.
    static func configure(_ data: URL, _ change: (inout [String: Any]) -> Void) throws {
        let configURL = data.appendingPathComponent("config.json")
        var config = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: configURL)) as? [String: Any])
        var federation = config["federation"] as? [String: Any] ?? [:]
        change(&federation)
        config["federation"] = federation
        try JSONSerialization.data(withJSONObject: config).write(to: configURL)
    }

    /// Starts a stopped member again and lists its new port in the directory, so peers find it.
    func start(_ member: Member) throws {
        member.node = try NodeProcess(dataDirectory: member.dataDirectory)
        try Self.check(Run.knooppunt(["registry", "update", "--data", registryData.path, "--oin", member.oin,
                                      "--base-url", member.node.baseURL]))
    }

    func revoke(_ member: Member) throws {
        try Self.check(Run.knooppunt(["registry", "revoke", "--data", registryData.path, "--oin", member.oin]))
    }

    /// The status `caller` gets from `GET /api/federation/v1/peer` on `node`.
    static func peerStatus(_ node: NodeProcess, as certificate: Curl.ClientCertificate) throws -> Int {
        try Curl.request(node, "/api/federation/v1/peer", certificate: certificate).status
    }

    /// Polls `condition` every 100 ms until it holds or `timeout` passes; the time it took, or nil.
    static func waitUntil(timeout: Duration = .seconds(15), _ condition: () throws -> Bool) rethrows -> Duration? {
        let started = ContinuousClock.now
        while ContinuousClock.now - started < timeout {
            if try condition() { return ContinuousClock.now - started }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return nil
    }

    static func check(_ result: CommandResult) throws {
        guard result.status == 0 else { throw HarnessError.commandFailed(result.errors + result.output) }
    }
}
