import Node
import Schemas

/// A member: the directory from disk first, then from the registry every interval; and the
/// pullers, which take their peers and keys from that same directory (so they keep syncing
/// from the copy on disk while the registry is down).
struct MemberRuntime: ExtensionRuntime {
    let peerAuthorizer: (any PeerAuthorizer)?
    private let refresher: DirectoryRefresher
    private let sync: SyncService

    init(context: NodeContext, registryURL: String, registryOIN: OIN) throws {
        let configuration = context.configuration
        let tls = PeerTLSFiles(dataDirectory: context.dataDirectory, configuration: configuration)
        let holder = DirectoryHolder()
        refresher = DirectoryRefresher(
            settings: .init(registryURL: registryURL, registryOIN: registryOIN,
                            intervalSeconds: configuration.federation.directoryRefreshSeconds,
                            clientLimits: PeerClientLimits(configuration.federation)),
            tls: tls, verifier: try DirectoryVerifier(registryOIN: registryOIN, trustAnchorPath: tls.trustAnchorPath),
            holder: holder, cache: DirectoryCacheFile(dataDirectory: context.dataDirectory), logger: context.logger,
            metrics: context.metrics)
        refresher.loadCachedCopy()
        peerAuthorizer = DirectoryPeerAuthorizer(holder: holder)
        sync = SyncService(
            settings: .init(database: context.database, localOrigin: configuration.oin, appliers: context.replicaAppliers,
                            peers: DirectoryPeers(holder: holder, localOrigin: configuration.oin), tls: tls,
                            intervalSeconds: configuration.federation.syncIntervalSeconds,
                            clientLimits: PeerClientLimits(configuration.federation)),
            logger: context.logger, metrics: context.metrics)
    }

    func start() {
        refresher.start()
        sync.start()
    }

    func stop() {
        sync.stop()
        refresher.stop()
    }
}
