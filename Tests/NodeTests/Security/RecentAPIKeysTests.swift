import Foundation
import Testing
@testable import Node

/// The cache of recently verified keys: a change to the keys made through any store, in this
/// process or another, empties every cache at its next lookup; entries expire; only digests are
/// kept; and the store answers from it without weakening revocation.
@Suite struct RecentAPIKeysTests {
    static let identity = APIKeyIdentity(id: "k1", name: "till", scopes: ["coin:pay"])

    func withChangeFile<T>(_ body: (String) throws -> T) throws -> T {
        try withStoreTestDirectory { directory in try body(directory.appendingPathComponent("keys-changed").path) }
    }

    @Test func remembersAVerifiedKeyUntilAnyInstanceNotesAChange() throws {
        try withChangeFile { path in
            let cache = RecentAPIKeys(changeFilePath: path)
            #expect(cache.identity(for: "kp_a") == nil)
            cache.remember(Self.identity, for: "kp_a", verifiedAtChangeMark: cache.currentChangeMark())
            #expect(cache.identity(for: "kp_a") == Self.identity)
            #expect(cache.identity(for: "kp_b") == nil)
            // Another process's store, on the same database, revokes a key.
            try RecentAPIKeys(changeFilePath: path).noteChange()
            #expect(cache.identity(for: "kp_a") == nil, "a change elsewhere was not seen")
            // Two changes in a row, however quick, are both seen.
            cache.remember(Self.identity, for: "kp_a", verifiedAtChangeMark: cache.currentChangeMark())
            try cache.noteChange()
            #expect(cache.identity(for: "kp_a") == nil)
        }
    }

    @Test func aVerificationOvertakenByAChangeIsNotRemembered() throws {
        try withChangeFile { path in
            let cache = RecentAPIKeys(changeFilePath: path)
            let markBeforeLookup = cache.currentChangeMark()
            try cache.noteChange()
            cache.remember(Self.identity, for: "kp_a", verifiedAtChangeMark: markBeforeLookup)
            #expect(cache.identity(for: "kp_a") == nil)
        }
    }

    @Test func entriesExpireAndTheCacheStaysBounded() throws {
        try withChangeFile { path in
            let cache = RecentAPIKeys(changeFilePath: path, maxAge: .milliseconds(50), capacity: 2)
            cache.remember(Self.identity, for: "kp_a", verifiedAtChangeMark: cache.currentChangeMark())
            Thread.sleep(forTimeInterval: 0.1)
            #expect(cache.identity(for: "kp_a") == nil, "an entry outlived maxAge")
            let bounded = RecentAPIKeys(changeFilePath: path, capacity: 2)
            for token in ["kp_a", "kp_b", "kp_c"] {
                bounded.remember(Self.identity, for: token, verifiedAtChangeMark: bounded.currentChangeMark())
            }
            #expect(bounded.identity(for: "kp_c") == Self.identity)
            #expect(bounded.identity(for: "kp_a") == nil && bounded.identity(for: "kp_b") == nil, "past capacity it starts over")
        }
    }

    @Test func aKeyRevokedThroughAnotherProcessIsRefusedAtTheNextRequest() throws {
        try withStoreTestDirectory { directory in
            let path = storeDatabasePath(in: directory)
            let node = try Database(path: path, migrations: NodeRuntime.migrations(extensions: []))
            let nodeKeys = APIKeyStore(database: node)
            let created = try nodeKeys.create(name: "till", scopes: ["coin:pay"])
            #expect(nodeKeys.recentlyVerified(token: created.token) == nil, "a key is known without the store only once verified")
            #expect(try nodeKeys.verify(token: created.token)?.id == created.id)
            #expect(nodeKeys.recentlyVerified(token: created.token)?.id == created.id)
            // `knooppunt apikey revoke` runs in a process of its own with its own connections.
            let cli = try Database(path: path, migrations: NodeRuntime.migrations(extensions: []))
            try APIKeyStore(database: cli).revoke(id: created.id)
            cli.close()
            #expect(nodeKeys.recentlyVerified(token: created.token) == nil)
            #expect(try nodeKeys.verify(token: created.token) == nil)
            node.close()
        }
    }

    @Test func keepsNoSecretOnDisk() throws {
        try withChangeFile { path in
            let cache = RecentAPIKeys(changeFilePath: path)
            try cache.noteChange()
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            #expect(attributes[.posixPermissions] as? Int == 0o600)
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data([0x0A]), "the change file only counts changes")
        }
    }
}
