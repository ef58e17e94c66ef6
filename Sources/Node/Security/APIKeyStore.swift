import Foundation

/// API keys for integrators, kept as salted SHA-256 hashes. A key looks like
/// `kp_<id>_<secret>`: the id (public, logged, shown in lists) finds the row, the 256-bit secret
/// is compared in constant time. A full-entropy secret needs no slow password hash; the salt keeps
/// two databases' hashes of one secret apart.
///
/// A key may be bound to one merchant (its own till or back office): it then carries only
/// `coin:merchant`, since any other scope (staff, payments, residents) would act beyond that merchant.
public struct APIKeyStore: APIKeyVerifier {
    static let prefix = "kp_"
    static let idBytes = 8
    static let secretBytes = 32
    static let saltBytes = 16

    /// A key as listed: never its secret.
    public struct Listing: Sendable, Equatable {
        public let id: String
        public let name: String
        public let scopes: [String]
        /// The merchant the key is bound to, or nil.
        public let merchant: String?
        public let createdAt: String
        public let revokedAt: String?
    }

    /// A newly created key: `token` is shown once and stored nowhere.
    public struct Created: Sendable {
        public let id: String
        public let token: String
    }

    public static let migration = Migration(version: 2, name: "api keys", sql: """
        CREATE TABLE api_keys (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            scopes TEXT NOT NULL,
            salt BLOB NOT NULL,
            hash BLOB NOT NULL,
            created_at TEXT NOT NULL,
            revoked_at TEXT
        );
        """)

    /// Released after 1-41, so it takes the next version above all of them (see
    /// `NodeRuntime.migrations`). Existing keys stay unbound: they keep acting as they did.
    public static let merchantBindingMigration = Migration(version: 42, name: "api key merchant binding", sql: """
        ALTER TABLE api_keys ADD COLUMN merchant TEXT;
        """)

    private let database: Database
    private let recent: RecentAPIKeys

    public init(database: Database) {
        self.database = database
        recent = RecentAPIKeys(changeFilePath: database.path + "-api-key-changes")
    }

    /// A new key with `scopes`, bound to `merchant` (a holder reference) when given.
    public func create(name: String, scopes: [String], merchant: String? = nil) throws -> Created {
        guard !scopes.isEmpty else { throw APIKeyError.noScopes }
        let unknown = scopes.filter { !APIScope.all.contains($0) }
        guard unknown.isEmpty else { throw APIKeyError.unknownScopes(unknown) }
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.count <= 200 else { throw APIKeyError.invalidName }
        if let merchant {
            guard Set(scopes) == [APIScope.coinMerchant] else { throw APIKeyError.bindingNeedsOnlyMerchantScope }
            if let problem = HolderReference.problem(with: merchant) { throw APIKeyError.invalidMerchant(problem) }
        }
        let id = Digest.hex(Digest.randomBytes(Self.idBytes))
        let secret = Self.base64URL(Digest.randomBytes(Self.secretBytes))
        let salt = Digest.randomBytes(Self.saltBytes)
        try database.write { connection in
            try connection.run(
                "INSERT INTO api_keys (id, name, scopes, merchant, salt, hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [.text(id), .text(trimmed), .text(Set(scopes).sorted().joined(separator: " ")), merchant.map { .text($0) } ?? .null,
                 .blob(salt), .blob(Self.hash(secret: secret, salt: salt)), .text(RFC3339.string(from: Date()))])
        }
        try recent.noteChange()
        return Created(id: id, token: Self.prefix + id + "_" + secret)
    }

    public func list() throws -> [Listing] {
        try database.read { connection in
            try connection.query("SELECT id, name, scopes, merchant, created_at, revoked_at FROM api_keys ORDER BY created_at, id")
                .map { row in
                    Listing(id: try row.required("id"), name: try row.required("name"),
                            scopes: (try row.required("scopes", as: String.self)).split(separator: " ").map(String.init),
                            merchant: row.string("merchant"), createdAt: try row.required("created_at"), revokedAt: row.string("revoked_at"))
                }
        }
    }

    /// Revokes a key at once: the next request with it gets 401, on a node running in another
    /// process too (see `RecentAPIKeys`). If the change cannot be noted (the data folder is not
    /// writable), the key is revoked in the store but a running node may accept it for a few
    /// more seconds, and this throws to say so.
    public func revoke(id: String) throws {
        let changed = try database.write { connection in
            try connection.run("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                               [.text(RFC3339.string(from: Date())), .text(id)])
        }
        guard changed == 1 else { throw APIKeyError.notFound(id) }
        try recent.noteChange()
    }

    public func recentlyVerified(token: String) -> APIKeyIdentity? {
        recent.identity(for: token)
    }

    public func verify(token: String) throws -> APIKeyIdentity? {
        if let identity = recent.identity(for: token) { return identity }
        let changeMark = recent.currentChangeMark()
        guard let identity = try lookUp(token: token) else { return nil }
        recent.remember(identity, for: token, verifiedAtChangeMark: changeMark)
        return identity
    }

    private func lookUp(token: String) throws -> APIKeyIdentity? {
        guard token.hasPrefix(Self.prefix) else { return nil }
        let parts = token.dropFirst(Self.prefix.count).split(separator: "_", maxSplits: 1)
        guard parts.count == 2, parts[0].count == Self.idBytes * 2, parts[1].count <= 64 else { return nil }
        let id = String(parts[0])
        let secret = String(parts[1])
        let row = try database.readOne("SELECT name, scopes, merchant, salt, hash FROM api_keys WHERE id = ? AND revoked_at IS NULL",
                                       [.text(id)])
        guard let row, let salt = row.blob("salt"), let stored = row.blob("hash"),
              Digest.constantTimeEquals(Self.hash(secret: secret, salt: salt), stored)
        else { return nil }
        return APIKeyIdentity(id: id, name: try row.required("name"),
                              scopes: Set((try row.required("scopes", as: String.self)).split(separator: " ").map(String.init)),
                              merchant: row.string("merchant"))
    }

    static func hash(secret: String, salt: [UInt8]) -> [UInt8] {
        Digest.sha256(salt + Array(secret.utf8))
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

public enum APIKeyError: Error, CustomStringConvertible, Equatable {
    case noScopes
    case unknownScopes([String])
    case invalidName
    case notFound(String)
    case bindingNeedsOnlyMerchantScope
    case invalidMerchant(String)

    public var description: String {
        switch self {
        case .noScopes: "a key needs at least one scope (\(APIScope.all.sorted().joined(separator: ", ")))"
        case .unknownScopes(let scopes):
            "unknown scope(s) \(scopes.joined(separator: ", ")); known: \(APIScope.all.sorted().joined(separator: ", "))"
        case .invalidName: "the key's name must be 1 to 200 characters"
        case .notFound(let id): "no active API key with id \(id)"
        case .bindingNeedsOnlyMerchantScope:
            "a key bound to a merchant carries only the scope \(APIScope.coinMerchant): other scopes would act beyond that merchant"
        case .invalidMerchant(let problem): "the merchant reference \(problem)"
        }
    }
}
