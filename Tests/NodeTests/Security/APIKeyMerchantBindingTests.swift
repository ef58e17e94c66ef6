import Foundation
import Testing
@testable import Node

/// Keys bound to one merchant: the binding is stored, listed and carried by the verified
/// identity, only a lone `coin:merchant` key takes one, and migration 42 adds it over a database
/// that has every earlier migration, leaving the keys it holds unbound.
@Suite struct APIKeyMerchantBindingTests {
    static let everyExtension: [any NodeExtension] = [CatalogueExtension(), KnowledgeExtension(), CoinExtension()]

    @Test func aBoundKeyIsListedAndVerifiesWithItsMerchant() throws {
        try withStoreTestDirectory { directory in
            let database = try Database(path: storeDatabasePath(in: directory), migrations: NodeRuntime.migrations(extensions: []))
            defer { database.close() }
            let store = APIKeyStore(database: database)
            let bound = try store.create(name: "Kassa Bakkerij", scopes: [APIScope.coinMerchant], merchant: "m-1")
            let unbound = try store.create(name: "Kassakoppeling", scopes: [APIScope.coinMerchant])
            #expect(try store.verify(token: bound.token)?.merchant == "m-1")
            #expect(try store.verify(token: bound.token)?.scopes == [APIScope.coinMerchant])
            #expect(try store.verify(token: unbound.token)?.merchant == nil)
            let listed = Dictionary(uniqueKeysWithValues: try store.list().map { ($0.id, $0.merchant) })
            #expect(listed == [bound.id: "m-1", unbound.id: nil])
        }
    }

    @Test(arguments: [[APIScope.coinAdmin], [APIScope.coinPay], [APIScope.solutionsWrite],
                      [APIScope.coinMerchant, APIScope.coinPay], [APIScope.coinMerchant, APIScope.coinAdmin]])
    func onlyALoneMerchantScopeTakesABinding(scopes: [String]) throws {
        try withStoreTestDirectory { directory in
            let database = try Database(path: storeDatabasePath(in: directory), migrations: NodeRuntime.migrations(extensions: []))
            defer { database.close() }
            let store = APIKeyStore(database: database)
            #expect(throws: APIKeyError.bindingNeedsOnlyMerchantScope) { try store.create(name: "p", scopes: scopes, merchant: "m-1") }
            #expect(try store.list().isEmpty)
        }
    }

    @Test(arguments: ["", "m 1", "-m", "jan.jansen@example.nl"])
    func theMerchantMustBeAHolderReference(merchant: String) throws {
        try withStoreTestDirectory { directory in
            let database = try Database(path: storeDatabasePath(in: directory), migrations: NodeRuntime.migrations(extensions: []))
            defer { database.close() }
            #expect(throws: APIKeyError.self) {
                try APIKeyStore(database: database).create(name: "p", scopes: [APIScope.coinMerchant], merchant: merchant)
            }
        }
    }

    @Test func migration42AddsTheBindingOverADatabaseWithEveryEarlierMigration() throws {
        try withStoreTestDirectory { directory in
            let path = storeDatabasePath(in: directory)
            let all = NodeRuntime.migrations(extensions: Self.everyExtension)
            let released = all.filter { $0.version < 42 }
            let added = all.filter { $0.version >= 42 }
            #expect(added.first == APIKeyStore.merchantBindingMigration, "42 is above every version shipped before it")

            let before = try Database(path: path, migrations: released)
            let secret = "old-secret"
            let salt = Digest.randomBytes(APIKeyStore.saltBytes)
            try before.write { connection in
                _ = try connection.run(
                    "INSERT INTO api_keys (id, name, scopes, salt, hash, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                    [.text("00112233aabbccdd"), .text("Kassakoppeling"), .text(APIScope.coinMerchant), .blob(salt),
                     .blob(APIKeyStore.hash(secret: secret, salt: salt)), .text("2026-01-01T00:00:00Z")])
            }
            before.close()

            let upgraded = try Database(path: path, migrations: all)
            defer { upgraded.close() }
            let store = APIKeyStore(database: upgraded)
            let old = try #require(try store.verify(token: "kp_00112233aabbccdd_\(secret)"))
            #expect(old.merchant == nil && old.scopes == [APIScope.coinMerchant], "a key made before 42 stays unbound")
            let bound = try store.create(name: "Kassa", scopes: [APIScope.coinMerchant], merchant: "m-1")
            #expect(try store.verify(token: bound.token)?.merchant == "m-1")
            let recorded = try upgraded.read { try $0.queryOne("SELECT name FROM schema_migrations WHERE version = 42") }
            #expect(recorded?.string("name") == "api key merchant binding")
        }
    }
}
