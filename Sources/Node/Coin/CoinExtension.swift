/// The community-coin ledger as a part of the node: its tables, its API at `/api/coin/v1`, the
/// group-commit writer all its writes go through, and the sweeper of expired reservations.
/// It lives in the Node module like the other component APIs; the federation layer will use
/// `CoinService` directly for cross-node payments (pending transfers to a clearing account).
public struct CoinExtension: NodeExtension {
    public static let component = APIComponent(name: "coin", version: "1.0.0")

    /// How often the sweeper looks for expired reservations.
    public let sweepInterval: Duration
    public let writerLimits: GroupCommitWriter.Limits

    public init(sweepInterval: Duration = .seconds(1), writerLimits: GroupCommitWriter.Limits = .init()) {
        self.sweepInterval = sweepInterval
        self.writerLimits = writerLimits
    }

    public var components: [APIComponent] { [Self.component] }

    public var migrations: [Migration] { CoinSchema.migrations }

    public func register(in table: inout RouteTable, context: NodeContext) {
        let writer = GroupCommitWriter(database: context.database, limits: writerLimits, logger: context.logger, name: "coin-writer")
        let service = CoinService(database: context.database, writer: writer)
        context.services.register(CoinBackground(
            writer: writer, sweeper: PendingTransferSweeper(service: service, interval: sweepInterval, logger: context.logger)))
        CoinRoutes.register(in: &table, service: service)
    }
}

/// Starts the sweeper with the server; on shutdown stops it, then lets the writer finish its
/// queue, before the database closes.
private struct CoinBackground: BackgroundService {
    let writer: GroupCommitWriter
    let sweeper: PendingTransferSweeper

    func start() {
        sweeper.start()
    }

    func stop() {
        sweeper.stop()
        writer.stop()
    }
}
