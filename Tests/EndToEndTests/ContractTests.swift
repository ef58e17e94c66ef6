import Foundation
import Testing

/// Every component's OpenAPI document against a live node: schemathesis generates requests from
/// the document and checks that responses conform to it (status codes, headers, bodies) and that
/// no request makes the node fail with a 5xx.
@Suite struct ContractTests {
    /// The components a node serves; each new component adds itself here.
    static let components = ["node", "solutions", "knowledge", "coin", "federation"]
    static let allScopes = "node:admin,solutions:write,knowledge:write,coin:admin,coin:resident,coin:pay,coin:merchant"

    static var schemathesis: String? {
        let result = try? Run.tool("sh", ["-c", "command -v schemathesis"])
        guard let result, result.status == 0 else { return nil }
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// scripts/test.sh installs schemathesis and sets this, so CI cannot skip the contract tests.
    static var isRequired: Bool { ProcessInfo.processInfo.environment["KNOOPPUNT_REQUIRE_SCHEMATHESIS"] == "1" }

    @Test(.enabled(if: schemathesis != nil || isRequired, "schemathesis is not installed (scripts/test.sh installs it)"),
          arguments: components)
    func responsesConformToTheOpenAPIDocument(component: String) throws {
        let executable = try #require(Self.schemathesis, "schemathesis is required but not on PATH")
        let pki = try TestPKI.shared()
        let data = try pki.initNode()
        let created = try Run.knooppunt(["apikey", "create", "--data", data.path, "--name", "contract", "--scopes", Self.allScopes])
        let key = try #require(created.output.split(separator: "\n").last.map(String.init))
        let node = try NodeProcess(dataDirectory: data)
        let config = Paths.repository.appendingPathComponent("Tests/EndToEndTests/Clients/schemathesis.toml").path
        let result = try Run.program(executable, [
            "--config-file", config, "run", "\(Paths.specs)/\(component).openapi.json", "--url", "\(node.baseURL)/api/\(component)/v1",
            "--tls-verify", pki.trustAnchor, "--request-cert", pki.memberCertificate, "--request-cert-key", pki.memberKey,
            "-H", "Authorization: Bearer \(key)", "--checks", "all", "--max-examples", "40", "--seed", "1",
        ])
        #expect(result.status == 0, "schemathesis found problems:\n\(result.output.suffix(4000))")
        #expect(node.isRunning)
        #expect(node.logLines.allSatisfy { !$0.contains(key) })
    }
}
