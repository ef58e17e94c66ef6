import Node

/// The federation layer's part of a node: its component APIs mounted on the node's router (the
/// change feed and digest included), its tables, and who counts as a member. On the registry that is the registry's own members
/// table; on a member it is the registry's signed directory, polled in the background.
public struct FederationExtension: NodeExtension {
    public static let component = APIComponent(name: "federation", version: "1.0.0")
    public static let registryComponent = DirectoryRoute.component

    public init() {}

    public var components: [APIComponent] { [Self.component, Self.registryComponent] }

    public func components(for configuration: NodeConfiguration) -> [APIComponent] {
        configuration.role == .registry ? [Self.component, Self.registryComponent] : [Self.component]
    }

    public var migrations: [Migration] { [RegistryStore.migration, SyncCheckpoint.migration] }

    public func register(in table: inout RouteTable, context: NodeContext) {
        PeerRoute.register(in: &table)
        ChangesRoute.register(in: &table, database: context.database, localOrigin: context.configuration.oin)
        DigestRoute.register(in: &table, database: context.database)
    }

    public func activate(context: NodeContext) throws -> (any ExtensionRuntime)? {
        try FederationRuntime.make(context: context)
    }
}
