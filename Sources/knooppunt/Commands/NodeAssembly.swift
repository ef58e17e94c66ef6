import Federation
import Node

/// The modules a node is made of. `serve` and every command that opens a node's database use the
/// same list, so they agree on the schema.
enum NodeAssembly {
    static var extensions: [any NodeExtension] { [CatalogueExtension(), KnowledgeExtension(), CoinExtension(), FederationExtension()] }

    /// Opens the node's database in `dataDirectory` with this schema, runs `body` on it and
    /// closes it again, also when `body` throws.
    static func withDatabase<T>(dataDirectory: String, _ body: (Database) throws -> T) throws -> T {
        let database = try NodeRuntime.openDatabase(dataDirectory: dataDirectory, extensions: extensions)
        defer { database.close() }
        return try body(database)
    }
}
