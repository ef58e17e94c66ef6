import Node

/// Signs this node's records with its own TLS private key (ECDSA P-256 over SHA-256), so that
/// peers verify them with the public key the directory lists for this node.
public struct NodeKeySigner: ContentSigner {
    private let key: PrivateKey

    public init(key: PrivateKey) {
        self.key = key
    }

    /// Loads the key named in the data folder's configuration.
    public init(dataDirectory: String, configuration: NodeConfiguration) throws {
        key = try PrivateKey(pemFile: NodeConfiguration.resolve(configuration.tls.privateKey, in: dataDirectory))
    }

    public func sign(_ bytes: [UInt8]) throws -> [UInt8] {
        try key.sign(bytes)
    }
}
