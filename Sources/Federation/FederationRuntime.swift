import Node
import Schemas

/// What the federation keeps while the node runs, by role:
/// - the registry decides membership from its own members table (at once) and serves the
///   signed directory;
/// - a member with `federation.registryURL` decides from the registry's directory, which a
///   background thread keeps fresh, starting from the copy on disk;
/// - a node with neither (standalone, or not yet joined) leaves the decision to Node's default,
///   which admits any certificate from the trust anchor that names an OIN; it says so at start.
enum FederationRuntime {
    static func make(context: NodeContext) throws -> (any ExtensionRuntime)? {
        let configuration = context.configuration
        if configuration.role == .registry {
            return try RegistryRuntime(context: context)
        }
        guard configuration.federation.pollsDirectory, let registryURL = configuration.federation.registryURL,
              let registryOIN = configuration.federation.registryOIN else {
            context.logger.warning("no registry configured (federation.registryURL); any certificate from the trust "
                                   + "anchor that names an OIN is accepted as a member")
            return nil
        }
        return try MemberRuntime(context: context, registryURL: registryURL, registryOIN: registryOIN)
    }
}

/// The registry: its members table is the truth, and it signs the directory with its node key.
struct RegistryRuntime: ExtensionRuntime {
    let peerAuthorizer: (any PeerAuthorizer)?
    private let publisher: RegistryDirectoryPublisher

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
    }

    func register(in table: inout RouteTable) {
        DirectoryRoute.register(in: &table, publisher: publisher)
    }
}

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

enum RegistryConfigurationError: Error, CustomStringConvertible {
    case certificateOIN(expected: String, found: String)

    var description: String {
        switch self {
        case .certificateOIN(let expected, let found):
            "the registry's certificate carries OIN \(found), but config.json says \(expected)"
        }
    }
}
