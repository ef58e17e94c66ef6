import Federation
import Node

/// The modules a node is made of. `serve` and every command that opens a node's database use the
/// same list, so they agree on the schema.
enum NodeAssembly {
    static var extensions: [any NodeExtension] { [CatalogueExtension(), KnowledgeExtension(), CoinExtension(), FederationExtension()] }
}
