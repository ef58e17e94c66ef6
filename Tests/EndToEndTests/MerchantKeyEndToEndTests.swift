import Foundation
import Testing

/// A merchant's own key, made by `knooppunt apikey create --merchant`, against a real
/// `knooppunt serve`: it redeems and lists for its merchant only, while an unbound
/// `coin:merchant` key (an integrator serving many merchants) still acts for any; and the CLI
/// refuses a binding on a key that is not a lone `coin:merchant` key.
@Suite struct MerchantKeyEndToEndTests {
    typealias CoinNode = CoinEndToEndTests.CoinNode

    static func createKey(_ data: URL, _ arguments: [String]) throws -> CommandResult {
        try Run.knooppunt(["apikey", "create", "--data", data.path, "--name", "Kassa"] + arguments)
    }

    static func redeem(_ coin: CoinNode, _ node: NodeProcess, key: String, merchant: String) throws -> HTTPResult {
        try coin.call(node, "POST", "/redemptions", key: key, idempotencyKey: CoinEndToEndTests.uuid(),
                      body: #"{"merchant":"\#(merchant)","amountCents":100,"payoutReference":"FIN-\#(merchant)"}"#)
    }

    static func redemptionMerchants(_ answer: HTTPResult) -> [String] {
        (answer.json?["results"] as? [[String: Any]] ?? []).compactMap { $0["merchant"] as? String }
    }

    @Test func aBoundKeyActsOnlyForItsMerchant() throws {
        let coin = try CoinNode.make()
        let created = try Self.createKey(coin.data, ["--scopes", "coin:merchant", "--merchant", "m-1"])
        #expect(created.status == 0, "\(created.errors)")
        let till = try #require(created.output.split(separator: "\n").last.map(String.init))
        let listed = try Run.knooppunt(["apikey", "list", "--data", coin.data.path])
        #expect(listed.output.split(separator: "\n").contains { $0.contains("Kassa") && $0.contains("merchant m-1") })
        #expect(!listed.output.contains(till))

        let node = try NodeProcess(dataDirectory: coin.data)
        #expect(try coin.call(node, "POST", "/transfers", key: "admin", idempotencyKey: CoinEndToEndTests.uuid(),
                              body: #"{"debitAccount":"issuance","creditAccount":"resident:r-1","amountCents":5000,"code":"reward"}"#).status == 201)
        for merchant in ["m-1", "m-2"] {
            #expect(try coin.call(node, "POST", "/merchants", key: "admin", body: #"{"id":"\#(merchant)","name":"Winkel"}"#).status == 201)
            #expect(try coin.call(node, "POST", "/payments", key: "pay", idempotencyKey: CoinEndToEndTests.uuid(),
                                  body: #"{"resident":"r-1","merchant":"\#(merchant)","amountCents":1000}"#).status == 201)
        }

        #expect(try Self.redeem(coin, node, key: till, merchant: "m-1").status == 201)
        let refused = try Self.redeem(coin, node, key: till, merchant: "m-2")
        ServerTests.expectProblem(refused, status: 403)
        #expect(refused.json?["code"] as? String == "forbidden")
        #expect((refused.json?["detail"] as? String)?.contains("bound to merchant m-1") == true)
        #expect(try Self.redeem(coin, node, key: "merchant", merchant: "m-2").status == 201, "an unbound key redeems for any merchant")
        #expect(try Self.redeem(coin, node, key: "merchant", merchant: "m-1").status == 201)

        #expect(Self.redemptionMerchants(try coin.call(node, "GET", "/redemptions", key: till)) == ["m-1", "m-1"])
        ServerTests.expectProblem(try coin.call(node, "GET", "/redemptions?merchant=m-2", key: till), status: 403)
        #expect(Set(Self.redemptionMerchants(try coin.call(node, "GET", "/redemptions", key: "merchant"))) == ["m-1", "m-2"])
        ServerTests.expectProblem(try coin.call(node, "GET", "/accounts/merchant:m-2", key: till), status: 403)
        #expect(try coin.call(node, "GET", "/accounts/merchant:m-1", key: till).json?["balanceCents"] as? Int == 800)
        #expect(node.stop() == 0)
        #expect(node.logLines.allSatisfy { !$0.contains(till) })
    }

    @Test(arguments: [["--scopes", "solutions:write", "--merchant", "m-1"], ["--scopes", "coin:admin", "--merchant", "m-1"],
                      ["--scopes", "coin:merchant,coin:pay", "--merchant", "m-1"], ["--scopes", "coin:merchant", "--merchant", "m 1"]])
    func theCLIRefusesABindingThatCannotHold(arguments: [String]) throws {
        let data = try TestPKI.shared().initNode()
        let refused = try Self.createKey(data, arguments)
        #expect(refused.status == 64, "\(refused.output)\(refused.errors)")
        #expect(refused.errors.contains("--merchant"))
        let listed = try Run.knooppunt(["apikey", "list", "--data", data.path])
        #expect(!listed.output.contains("Kassa"), "no key was made")
    }
}
