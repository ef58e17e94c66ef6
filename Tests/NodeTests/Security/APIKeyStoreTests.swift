import Foundation
import Testing
@testable import Node

@Suite struct APIKeyStoreTests {
    func withStore<T>(_ body: (APIKeyStore, Database) throws -> T) throws -> T {
        try withStoreTestDirectory { directory in
            let database = try Database(path: storeDatabasePath(in: directory),
                                        migrations: NodeRuntime.migrations(extensions: []))
            defer { database.close() }
            return try body(APIKeyStore(database: database), database)
        }
    }

    @Test func createdKeyVerifiesWithItsScopes() throws {
        try withStore { store, _ in
            let created = try store.create(name: "Buurtportaal", scopes: ["solutions:write", "knowledge:write"])
            #expect(created.token.hasPrefix("kp_\(created.id)_"))
            let identity = try #require(try store.verify(token: created.token))
            #expect(identity.id == created.id)
            #expect(identity.name == "Buurtportaal")
            #expect(identity.scopes == ["solutions:write", "knowledge:write"])
        }
    }

    @Test func wrongSecretOrUnknownIdOrGarbageDoesNotVerify() throws {
        try withStore { store, _ in
            let created = try store.create(name: "p", scopes: ["solutions:write"])
            var tampered = created.token
            tampered.removeLast()
            tampered.append(created.token.last == "A" ? "B" : "A")
            #expect(try store.verify(token: tampered) == nil)
            #expect(try store.verify(token: "kp_0000000000000000_" + String(created.token.split(separator: "_", maxSplits: 2)[2])) == nil)
            for garbage in ["", "kp_", "kp__", "Bearer", "kp_\(created.id)", "xx" + created.token] {
                #expect(try store.verify(token: garbage) == nil)
            }
        }
    }

    @Test func storesOnlyASaltedHashNeverTheSecret() throws {
        try withStore { store, database in
            let created = try store.create(name: "p", scopes: ["solutions:write"])
            let secret = String(created.token.split(separator: "_", maxSplits: 2)[2])
            let rows = try database.read { try $0.query("SELECT * FROM api_keys") }
            let row = try #require(rows.first)
            for value in row.values {
                if case .text(let text) = value { #expect(!text.contains(secret)) }
            }
            #expect(row.blob("hash") != Digest.sha256(Array(secret.utf8)), "the hash is salted")
        }
    }

    @Test func revokedKeyStopsVerifyingAndIsListedAsRevoked() throws {
        try withStore { store, _ in
            let created = try store.create(name: "p", scopes: ["coin:pay"])
            try store.revoke(id: created.id)
            #expect(try store.verify(token: created.token) == nil)
            #expect(try store.list().first?.revokedAt != nil)
            #expect(throws: APIKeyError.notFound(created.id)) { try store.revoke(id: created.id) }
        }
    }

    @Test func refusesUnknownOrMissingScopes() throws {
        try withStore { store, _ in
            #expect(throws: APIKeyError.unknownScopes(["root"])) { try store.create(name: "p", scopes: ["root"]) }
            #expect(throws: APIKeyError.noScopes) { try store.create(name: "p", scopes: []) }
        }
    }

    @Test func constantTimeEqualsComparesWholeValues() {
        #expect(Digest.constantTimeEquals([1, 2, 3], [1, 2, 3]))
        #expect(!Digest.constantTimeEquals([1, 2, 3], [1, 2, 4]))
        #expect(!Digest.constantTimeEquals([1, 2, 3], [1, 2]))
    }

    @Test func auditLogIsAppendOnly() throws {
        try withStore { _, database in
            try database.write { connection in
                try AuditLog.record(in: connection, actor: "cli", action: "create", resource: "solution", resourceID: "x",
                                    version: 1, oldContent: nil, newContent: Array("{}".utf8), requestID: nil)
            }
            #expect(throws: StoreError.self) {
                try database.write { try $0.run("UPDATE audit_log SET actor = 'someone else'") }
            }
            #expect(throws: StoreError.self) {
                try database.write { try $0.run("DELETE FROM audit_log") }
            }
            let page = try database.read { try AuditLog.page(in: $0, resource: nil, request: PageRequest()) }
            #expect(page.count == 1)
            #expect(page.entries.first?.newHash == Digest.sha256Hex(Array("{}".utf8)))
            #expect(page.entries.first?.actor == "cli")
        }
    }
}

@Suite struct PagingAndMediaTypeTests {
    @Test func pageLinksKeepFiltersAndCountPages() {
        let query = QueryParameters([(name: "theme", value: "air quality"), (name: "page", value: "2")])
        let request = PageRequest(page: 2, size: 10)
        let page = Page(results: [1, 2, 3], count: 25, request: request, path: "/api/x/v1/items", query: query)
        #expect(page.next == "/api/x/v1/items?theme=air%20quality&page=3")
        #expect(page.previous == "/api/x/v1/items?theme=air%20quality&page=1")
        let last = Page(results: [1], count: 25, request: PageRequest(page: 3, size: 10), path: "/p", query: QueryParameters())
        #expect(last.next == nil)
        let body = String(decoding: JSONCoding.encode(last), as: UTF8.self)
        #expect(body.contains(#""next":null"#), "next is present as null on the last page")
        let link = last.response(request: PageRequest(page: 3, size: 10), path: "/p", query: QueryParameters()).headers["Link"] ?? ""
        #expect(link.contains(#"</p?page=1>; rel="first""#) && link.contains(#"</p?page=3>; rel="last""#))
    }

    @Test(arguments: [("pageSize", "101"), ("pageSize", "0"), ("page", "0"), ("page", "x")])
    func invalidPagingIsReported(name: String, value: String) {
        var issues: [InvalidParam] = []
        _ = PageRequest.parse(QueryParameters([(name: name, value: value)]), issues: &issues)
        #expect(issues.map(\.name) == [name])
    }

    @Test(arguments: [
        ("application/json", true), ("*/*", true), ("application/*", true), ("text/html, application/json;q=0.5", true),
        ("text/html", false), ("application/json;q=0", false), ("application/xml", false),
    ])
    func acceptMatching(accept: String, expected: Bool) {
        #expect(MediaType.accepts(accept, "application/json") == expected)
    }

    @Test func jsonContentTypeRecognisedWithParameters() {
        #expect(MediaType.isJSON("application/json; charset=utf-8"))
        #expect(MediaType.isJSON("Application/JSON"))
        #expect(!MediaType.isJSON("text/json"))
        #expect(!MediaType.isJSON("application/jsonx"))
    }
}
