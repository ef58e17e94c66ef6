import Testing
@testable import Node

/// A key bound to merchant m-1 (`till-m-1`) through the node's request pipeline: it acts and
/// reads for m-1 only, and learns nothing of m-2's redemptions and transfers; an unbound
/// `coin:merchant` key still acts for both.
@Suite("Coin API: merchant-bound keys")
struct MerchantBindingAPITests {
    /// Merchants m-1 and m-2, each paid 1000 by resident r-1 and holding one redemption of 100.
    static func withTwoMerchants(_ body: (CoinAPIFixture, _ redemptions: [String: String], _ payments: [String: String]) throws -> Void) throws {
        try CoinAPIFixture.run { api in
            api.call("POST", "/transfers", idempotencyKey: CoinAPIFixture.uuid(),
                     body: #"{"debitAccount":"issuance","creditAccount":"resident:r-1","amountCents":5000,"code":"reward"}"#)
            var redemptions: [String: String] = [:]
            var payments: [String: String] = [:]
            for merchant in ["m-1", "m-2"] {
                #expect(api.call("POST", "/merchants", body: #"{"id":"\#(merchant)","name":"Winkel"}"#).status == 201)
                let payment = CoinAPIFixture.uuid()
                #expect(api.call("POST", "/payments", key: "pay", idempotencyKey: payment,
                                 body: #"{"resident":"r-1","merchant":"\#(merchant)","amountCents":1000}"#).status == 201)
                let redemption = CoinAPIFixture.uuid()
                #expect(api.call("POST", "/redemptions", key: "merchant", idempotencyKey: redemption,
                                 body: #"{"merchant":"\#(merchant)","amountCents":100,"payoutReference":"FIN-1"}"#).status == 201,
                        "an unbound coin:merchant key redeems for \(merchant)")
                redemptions[merchant] = redemption
                payments[merchant] = payment
            }
            try body(api, redemptions, payments)
        }
    }

    @Test func aBoundKeyRedeemsOnlyForItsMerchant() throws {
        try Self.withTwoMerchants { api, _, _ in
            let own = api.call("POST", "/redemptions", key: "till-m-1", idempotencyKey: CoinAPIFixture.uuid(),
                               body: #"{"merchant":"m-1","amountCents":50,"payoutReference":"FIN-2"}"#)
            #expect(own.status == 201)
            let other = api.call("POST", "/redemptions", key: "till-m-1", idempotencyKey: CoinAPIFixture.uuid(),
                                 body: #"{"merchant":"m-2","amountCents":50,"payoutReference":"FIN-3"}"#)
            CoinAPITests.expectProblem(other, 403, code: "forbidden")
            #expect(api.call("GET", "/accounts/merchant:m-2", key: "admin").json["balanceCents"] as? Int == 900, "nothing moved")
        }
    }

    @Test func aBoundKeyListsOnlyItsMerchantsRedemptions() throws {
        try Self.withTwoMerchants { api, redemptions, _ in
            for path in ["/redemptions", "/redemptions?merchant=m-1"] {
                let listed = api.call("GET", path, key: "till-m-1")
                #expect(listed.status == 200 && listed.json["count"] as? Int == 1, "\(path)")
                let ids = (listed.json["results"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
                #expect(ids == [redemptions["m-1"]], "\(path)")
            }
            CoinAPITests.expectProblem(api.call("GET", "/redemptions?merchant=m-2", key: "till-m-1"), 403, code: "forbidden")
            #expect(api.call("GET", "/redemptions", key: "merchant").json["count"] as? Int == 2, "an unbound key lists all")
        }
    }

    @Test func anotherMerchantsRedemptionOrTransferIsNotFound() throws {
        try Self.withTwoMerchants { api, redemptions, payments in
            let ownRedemption = try #require(redemptions["m-1"])
            let otherRedemption = try #require(redemptions["m-2"])
            #expect(api.call("GET", "/redemptions/\(ownRedemption)", key: "till-m-1").status == 200)
            let hidden = api.call("GET", "/redemptions/\(otherRedemption)", key: "till-m-1")
            let unknown = api.call("GET", "/redemptions/\(CoinAPIFixture.uuid())", key: "till-m-1")
            CoinAPITests.expectProblem(hidden, 404)
            #expect(hidden.problemCode == unknown.problemCode && hidden.json["title"] as? String == unknown.json["title"] as? String)
            #expect(api.call("GET", "/redemptions/\(otherRedemption)", key: "merchant").status == 200)
            #expect(api.call("GET", "/transfers/\(try #require(payments["m-1"]))", key: "till-m-1").status == 200)
            CoinAPITests.expectProblem(api.call("GET", "/transfers/\(try #require(payments["m-2"]))", key: "till-m-1"), 404)
        }
    }

    @Test(arguments: ["/accounts/merchant:m-2", "/accounts/merchant:m-2/transfers", "/accounts/resident:r-1",
                      "/accounts/resident:r-1/transfers", "/accounts/treasury", "/accounts/merchant:m-9"])
    func aBoundKeyReadsNoOtherAccount(path: String) throws {
        try Self.withTwoMerchants { api, _, _ in
            CoinAPITests.expectProblem(api.call("GET", path, key: "till-m-1"), 403, code: "forbidden")
            #expect([200, 404].contains(api.call("GET", path, key: "merchant").status), "an unbound key reads it as before")
        }
    }

    @Test func aBoundKeyReadsItsOwnAccountAndTransfers() throws {
        try Self.withTwoMerchants { api, _, _ in
            #expect(api.call("GET", "/accounts/merchant:m-1", key: "till-m-1").json["balanceCents"] as? Int == 900)
            #expect(api.call("GET", "/accounts/merchant:m-1/transfers", key: "till-m-1").json["count"] as? Int == 2)
        }
    }
}
