import Node

/// The node's own TLS material as its client presents it: the same certificate and key it
/// serves with (member certificates carry clientAuth), and the trust anchor as the only CA a
/// peer's certificate may chain to.
public struct PeerTLSFiles: Sendable, Equatable {
    public let certificatePath: String
    public let privateKeyPath: String
    public let trustAnchorPath: String

    public init(certificatePath: String, privateKeyPath: String, trustAnchorPath: String) {
        self.certificatePath = certificatePath
        self.privateKeyPath = privateKeyPath
        self.trustAnchorPath = trustAnchorPath
    }

    /// The files a data folder's configuration names, resolved against the folder.
    public init(dataDirectory: String, configuration: NodeConfiguration) {
        certificatePath = NodeConfiguration.resolve(configuration.tls.certificate, in: dataDirectory)
        privateKeyPath = NodeConfiguration.resolve(configuration.tls.privateKey, in: dataDirectory)
        trustAnchorPath = NodeConfiguration.resolve(configuration.tls.trustAnchor, in: dataDirectory)
    }
}
