import Node
import Schemas

/// The registry: its members table is the truth, and it signs the directory with its node key.
/// It also pulls every member's feed, from that same table: VNG publishes records of its own
/// (funding schemes, guides) and holds the whole federation's catalogue, and members pull the
/// registry like any other member, since it is listed in the directory it signs.
struct RegistryRuntime: ExtensionRuntime {
    let peerAuthorizer: (any PeerAuthorizer)?
    private let publisher: RegistryDirectoryPublisher
    private let sync: SyncService

    init(context: NodeContext) throws {
        let configuration = context.configuration
        let store = RegistryStore(database: context.database, registryOIN: configuration.oin)
        let certificate = try Certificate(pemFile: NodeConfiguration.resolve(configuration.tls.certificate, in: context.dataDirectory))
        guard certificate.subjectOIN == configuration.oin else {
            throw RegistryConfigurationError.certificateOIN(expected: configuration.oin.value,
                                                            found: certificate.subjectOIN?.value ?? "none")
        }
        if try store.member(configuration.oin)?.admits(publicKeySHA256: certificate.spkiSHA256Hex) != true {
            context.logger.warning("the registry's own key is not listed as an active member of its directory")
        }
        peerAuthorizer = RegistryPeerAuthorizer(store: store, logger: context.logger)
        publisher = RegistryDirectoryPublisher(store: store, signer: context.signer, signerCertificate: certificate,
                                               registryOIN: configuration.oin)
        sync = SyncService(
            settings: .init(database: context.database, localOrigin: configuration.oin, appliers: context.replicaAppliers,
                            peers: RegistryPeers(store: store, localOrigin: configuration.oin),
                            tls: PeerTLSFiles(dataDirectory: context.dataDirectory, configuration: configuration),
                            intervalSeconds: configuration.federation.syncIntervalSeconds,
                            clientLimits: PeerClientLimits(configuration.federation)),
            logger: context.logger, metrics: context.metrics)
    }

    func start() { sync.start() }

    func stop() { sync.stop() }

    func register(in table: inout RouteTable) {
        DirectoryRoute.register(in: &table, publisher: publisher)
    }
}

enum RegistryConfigurationError: Error, CustomStringConvertible {
    case certificateOIN(expected: String, found: String)

    var description: String {
        switch self {
        case .certificateOIN(let expected, let found):
            "the registry's certificate carries OIN \(found), but config.json says \(expected)"
        }
    }
}
