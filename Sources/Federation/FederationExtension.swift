import Node

/// The federation layer's part of a node: its component API, mounted on the node's router.
public struct FederationExtension: NodeExtension {
    public static let component = APIComponent(name: "federation", version: "1.0.0")

    public init() {}

    public var components: [APIComponent] { [Self.component] }

    public var migrations: [Migration] { [] }

    public func register(in table: inout RouteTable, context: NodeContext) {
        PeerRoute.register(in: &table)
    }
}
