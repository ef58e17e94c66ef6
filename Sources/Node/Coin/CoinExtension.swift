/// The community-coin ledger as a part of the node: its tables, its API at `/api/coin/v1`, and the
/// sweeper of expired reservations. All its writes go through the node's group-commit writer.
/// It lives in the Node module like the other component APIs; the federation layer will use
/// `CoinService` directly for cross-node payments (pending transfers to a clearing account).
public struct CoinExtension: NodeExtension {
    public static let component = APIComponent(name: "coin", version: "1.0.0")

    /// How often the sweeper looks for expired reservations.
    public let sweepInterval: Duration

    public init(sweepInterval: Duration = .seconds(1)) {
        self.sweepInterval = sweepInterval
    }

    public var components: [APIComponent] { [Self.component] }

    public var migrations: [Migration] { CoinSchema.migrations }

    /// The routes come with the runtime, which owns the service they share with the sweeper.
    public func register(in table: inout RouteTable, context: NodeContext) {}

    public func activate(context: NodeContext) throws -> (any ExtensionRuntime)? {
        let service = CoinService(database: context.database, writer: context.writer, metrics: CoinMetrics(metrics: context.metrics))
        return CoinRuntime(service: service,
                           sweeper: PendingTransferSweeper(service: service, interval: sweepInterval, logger: context.logger))
    }
}

/// The running coin component: its routes, and the sweeper that runs while the node serves.
private struct CoinRuntime: ExtensionRuntime {
    let service: CoinService
    let sweeper: PendingTransferSweeper

    func register(in table: inout RouteTable) {
        CoinRoutes.register(in: &table, service: service)
    }

    func start() {
        sweeper.start()
    }

    func stop() {
        sweeper.stop()
    }
}
