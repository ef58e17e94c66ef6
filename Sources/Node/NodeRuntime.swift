import Foundation
import Schemas

/// A module that adds component APIs to the node (the federation layer, later the catalogue and
/// the coin ledger): its migrations run at start-up and its routes mount on the node's router.
public protocol NodeExtension: Sendable {
    var components: [APIComponent] { get }
    var migrations: [Migration] { get }
    /// The components this node serves given its configuration (the registry component only on
    /// the registry); by default all of `components`.
    func components(for configuration: NodeConfiguration) -> [APIComponent]
    func register(in table: inout RouteTable, context: NodeContext)
    /// Builds what the extension keeps while the node runs (a peer authorizer, background
    /// threads, routes that use them), once the context exists and before the server listens.
    /// Throwing stops start-up: a node that cannot decide who its members are must not serve.
    func activate(context: NodeContext) throws -> (any ExtensionRuntime)?
    /// How this extension applies peers' changes of the record kinds it owns (the catalogue's
    /// solutions and adoptions, the knowledge base's entries). The federation's sync engine is
    /// handed every extension's appliers through `NodeContext.replicaAppliers`, so it stays blind
    /// to the components' tables and the components stay blind to the network; by default none.
    func replicaAppliers(localOrigin: OIN) -> [any ReplicaApplier]
}

extension NodeExtension {
    public func components(for configuration: NodeConfiguration) -> [APIComponent] { components }

    public func replicaAppliers(localOrigin: OIN) -> [any ReplicaApplier] { [] }

    public func activate(context: NodeContext) throws -> (any ExtensionRuntime)? { nil }
}

/// The running part of an extension. `start` runs once the server listens; `stop` runs on
/// shutdown before in-flight requests drain and the database closes, and must return promptly
/// (a background thread is told to stop and joined within a bounded time).
public protocol ExtensionRuntime: Sendable {
    /// Who may call `.peerCertificate` routes; nil leaves the decision to another extension.
    /// At most one extension may decide.
    var peerAuthorizer: (any PeerAuthorizer)? { get }
    func register(in table: inout RouteTable)
    func start()
    func stop()
}

extension ExtensionRuntime {
    public var peerAuthorizer: (any PeerAuthorizer)? { nil }
    public func register(in table: inout RouteTable) {}
    public func start() {}
    public func stop() {}
}

/// What an extension's handlers may use.
public struct NodeContext: Sendable {
    public let configuration: NodeConfiguration
    public let dataDirectory: String
    public let database: Database
    /// The database's one group-commit writer, shared by every component, so that concurrent
    /// writes of all components share commits (and fsyncs) instead of taking turns per component.
    public let writer: GroupCommitWriter
    public let logger: Logger
    public let metrics: Metrics
    /// Signs this node's own records for the federation (the node's private key).
    public let signer: any ContentSigner
    /// Every extension's replica appliers, at most one per record kind.
    public let replicaAppliers: [any ReplicaApplier]
}

/// One running node: configuration, database, router and HTTPS server, wired once at start-up.
public final class NodeRuntime: Sendable {
    public let configuration: NodeConfiguration
    public let database: Database
    public let logger: Logger
    private let server: HTTPServer
    private let extensionRuntimes: [any ExtensionRuntime]
    private let writer: GroupCommitWriter

    public init(dataDirectory: String, specsDirectory: String, listenOverride: String? = nil,
                extensions: [any NodeExtension] = [], signer: any ContentSigner,
                logSink: any LogSink = StandardErrorSink()) throws {
        let configuration = try NodeConfiguration.load(dataDirectory: dataDirectory)
        let level = LogLevel(name: configuration.logLevel) ?? .info
        let logger = Logger(label: "node", minimumLevel: level, sink: logSink)
        let metrics = Metrics(version: SoftwareVersion.current)
        let database = try Self.openDatabase(dataDirectory: dataDirectory, extensions: extensions,
                                             checkpointObserver: Self.reportingCheckpoints(logger: logger, metrics: metrics))
        let writer = GroupCommitWriter(database: database, logger: logger, metrics: GroupCommitMetrics(metrics: metrics))
        let context = NodeContext(configuration: configuration, dataDirectory: dataDirectory, database: database, writer: writer,
                                  logger: logger, metrics: metrics, signer: signer,
                                  replicaAppliers: Self.replicaAppliers(extensions: extensions, localOrigin: configuration.oin))

        let components = [NodeComponent.component] + extensions.flatMap { $0.components(for: configuration) }
        let runtimes = try extensions.compactMap { try $0.activate(context: context) }
        let authorizers = runtimes.compactMap(\.peerAuthorizer)
        precondition(authorizers.count <= 1, "more than one extension decides who is a member")
        let documents = try OpenAPIDocuments(directory: specsDirectory, components: components.map(\.name))
        var table = RouteTable()
        NodeComponent(configuration: configuration, logger: logger) { try database.checkHealth() }
            .register(in: &table, components: components)
        OpenAPIRoutes.register(in: &table, documents: documents, components: components)
        MetricsRoute.register(in: &table, metrics: metrics, access: configuration.metricsAccess)
        AuditRoute.register(in: &table, database: database)
        for nodeExtension in extensions { nodeExtension.register(in: &table, context: context) }
        for runtime in runtimes { runtime.register(in: &table) }

        let tls = try TLSContext(
            certificateChainPath: NodeConfiguration.resolve(configuration.tls.certificate, in: dataDirectory),
            privateKeyPath: NodeConfiguration.resolve(configuration.tls.privateKey, in: dataDirectory),
            trustAnchorPath: NodeConfiguration.resolve(configuration.tls.trustAnchor, in: dataDirectory))
        let responder = Responder(router: table.freeze(), apiKeys: APIKeyStore(database: database), peers: authorizers.first ?? TrustAnchorPeerAuthorizer(),
                                  logger: logger, metrics: metrics, corsAllowedOrigins: Set(configuration.corsAllowedOrigins))
        let listen = try ListenAddress(parsing: listenOverride ?? configuration.listen)
        server = try HTTPServer(
            configuration: .init(listen: listen, limits: configuration.limits, eventLoopCount: configuration.eventLoops,
                                 workerCount: configuration.workers),
            tls: tls, responder: responder, metrics: metrics, logger: logger)
        self.configuration = configuration
        self.database = database
        self.logger = logger
        self.extensionRuntimes = runtimes
        self.writer = writer
    }

    public var address: ListenAddress { server.address }

    /// The node's own tables (metadata, API keys, audit trail) and then each extension's, in
    /// version order. The first release numbered them by area: node 1-9, catalogue and
    /// knowledge 10-19, coin 20-29, federation 30-39. A database refuses a migration below one it
    /// already applied, so every migration added since takes the next version above all of
    /// them, whichever extension it belongs to (40 and 41 rebuild the search tables, 42 binds API
    /// keys to merchants); the list is therefore sorted rather than concatenated.
    public static func migrations(extensions: [any NodeExtension]) -> [Migration] {
        (Database.baseMigrations + [APIKeyStore.migration, AuditLog.migration, ChangeLog.migration,
                                    APIKeyStore.merchantBindingMigration]
            + extensions.flatMap(\.migrations)).sorted { $0.version < $1.version }
    }

    /// Every extension's replica appliers. Two extensions claiming one record kind is a wiring
    /// mistake: which of them a change reaches would depend on the order of the list.
    public static func replicaAppliers(extensions: [any NodeExtension], localOrigin: OIN) -> [any ReplicaApplier] {
        let appliers = extensions.flatMap { $0.replicaAppliers(localOrigin: localOrigin) }
        precondition(Set(appliers.map(\.kind)).count == appliers.count, "two extensions apply the same record kind")
        return appliers
    }

    /// Opens the data folder's database with every migration applied; the CLI's commands use
    /// this too, so they never see a schema the server would not.
    public static func openDatabase(dataDirectory: String, extensions: [any NodeExtension],
                                    checkpointObserver: CheckpointObserver = .ignoring) throws -> Database {
        try Database(path: NodeConfiguration.resolve(NodeConfiguration.databaseFileName, in: dataDirectory),
                     migrations: migrations(extensions: extensions), checkpointObserver: checkpointObserver)
    }

    /// Every failed background checkpoint is counted; the first of a run of failures is logged as
    /// a warning (the rest would flood the log while a disk is failing), and the end of the run.
    static func reportingCheckpoints(logger: Logger, metrics: Metrics) -> CheckpointObserver {
        let failures = metrics.counter("knooppunt_store_checkpoint_failures_total",
                                       help: "Background WAL checkpoints that failed; the WAL grows while they do")
        return CheckpointObserver(
            failed: { error, consecutive in
                failures.increment()
                guard consecutive == 1 else { return }
                logger.warning("WAL checkpoint failed; the WAL grows until one works", [("error", .string(String(describing: error)))])
            },
            recovered: { failedRounds in
                logger.info("WAL checkpoints work again", [("failedRounds", .integer(failedRounds))])
            })
    }

    public func start() throws {
        try server.start()
        logger.info("listening", [
            ("address", .string(address.description)), ("url", .string("https://\(address)")),
            ("name", .string(configuration.name)), ("oin", .string(configuration.oin.value)),
            ("role", .string(configuration.role.rawValue)), ("version", .string(SoftwareVersion.current)),
        ])
        for runtime in extensionRuntimes { runtime.start() }
    }

    /// Stops the extensions' background threads, drains in-flight requests (bounded by the
    /// configured grace), stops the group-commit writer (it finishes its queue, so every request
    /// that drained got its commit), then closes the store.
    public func shutdown() {
        logger.info("shutting down", [("graceSeconds", .integer(configuration.limits.shutdownGraceSeconds))])
        // Background threads first: they may use the database, which closes last.
        for runtime in extensionRuntimes { runtime.stop() }
        server.shutdown(grace: .seconds(configuration.limits.shutdownGraceSeconds))
        writer.stop()
        database.close()
        logger.info("stopped")
    }
}
