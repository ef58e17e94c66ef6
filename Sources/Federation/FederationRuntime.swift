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
