import Node
import Schemas

/// A member: the directory from disk first, then from the registry every interval.
struct MemberRuntime: ExtensionRuntime {
    let peerAuthorizer: (any PeerAuthorizer)?
    private let refresher: DirectoryRefresher

    init(context: NodeContext, registryURL: String, registryOIN: OIN) throws {
        let configuration = context.configuration
        let tls = PeerTLSFiles(dataDirectory: context.dataDirectory, configuration: configuration)
        let holder = DirectoryHolder()
        refresher = DirectoryRefresher(
            settings: .init(registryURL: registryURL, registryOIN: registryOIN,
                            intervalSeconds: configuration.federation.directoryRefreshSeconds),
            tls: tls, verifier: try DirectoryVerifier(registryOIN: registryOIN, trustAnchorPath: tls.trustAnchorPath),
            holder: holder, cache: DirectoryCacheFile(dataDirectory: context.dataDirectory), logger: context.logger,
            metrics: context.metrics)
        refresher.loadCachedCopy()
        peerAuthorizer = DirectoryPeerAuthorizer(holder: holder)
    }

    func start() { refresher.start() }

    func stop() { refresher.stop() }
}
