import Foundation
import Schemas

/// The node's settings, stored as `config.json` in its data folder. Paths inside are relative to
/// that folder unless absolute, so a data folder can be moved as a whole.
public struct NodeConfiguration: Sendable, Equatable, Codable {
    public static let fileName = "config.json"
    public static let databaseFileName = "knooppunt.db"

    public struct TLSFiles: Sendable, Equatable, Codable {
        /// The node's certificate (PEM; intermediates may follow).
        public var certificate: String
        public var privateKey: String
        /// The federation CA (or PKIoverheid root) that client and peer certificates must chain to.
        public var trustAnchor: String

        public init(certificate: String, privateKey: String, trustAnchor: String) {
            self.certificate = certificate
            self.privateKey = privateKey
            self.trustAnchor = trustAnchor
        }
    }

    public var name: String
    public var oin: OIN
    public var cbsCode: CBSCode?
    public var role: NodeRole
    public var listen: String
    public var tls: TLSFiles
    public var limits: ServerLimits
    /// 0 means one per core.
    public var eventLoops: Int
    /// 0 means the server's default.
    public var workers: Int
    public var logLevel: String
    /// Browser origins allowed to call key-protected routes (public reads allow any origin).
    public var corsAllowedOrigins: [String]
    public var metricsAccess: MetricsAccess
    /// The registry and its member directory; empty on the registry and on a standalone node.
    public var federation: FederationSettings

    public init(name: String, oin: OIN, cbsCode: CBSCode?, role: NodeRole, listen: String = "127.0.0.1:8443",
                tls: TLSFiles = TLSFiles(certificate: "tls/node.crt", privateKey: "tls/node.key", trustAnchor: "tls/ca.crt")) {
        self.name = name
        self.oin = oin
        self.cbsCode = cbsCode
        self.role = role
        self.listen = listen
        self.tls = tls
        self.limits = ServerLimits()
        self.eventLoops = 0
        self.workers = 0
        self.logLevel = LogLevel.info.name
        self.corsAllowedOrigins = []
        self.metricsAccess = .apiKey
        self.federation = FederationSettings()
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        oin = try container.decode(OIN.self, forKey: .oin)
        cbsCode = try container.decodeIfPresent(CBSCode.self, forKey: .cbsCode)
        role = try container.decode(NodeRole.self, forKey: .role)
        listen = try container.decode(String.self, forKey: .listen)
        tls = try container.decode(TLSFiles.self, forKey: .tls)
        limits = try container.decodeIfPresent(ServerLimits.self, forKey: .limits) ?? ServerLimits()
        eventLoops = try container.decodeIfPresent(Int.self, forKey: .eventLoops) ?? 0
        workers = try container.decodeIfPresent(Int.self, forKey: .workers) ?? 0
        logLevel = try container.decodeIfPresent(String.self, forKey: .logLevel) ?? LogLevel.info.name
        corsAllowedOrigins = try container.decodeIfPresent([String].self, forKey: .corsAllowedOrigins) ?? []
        metricsAccess = try container.decodeIfPresent(MetricsAccess.self, forKey: .metricsAccess) ?? .apiKey
        federation = try container.decodeIfPresent(FederationSettings.self, forKey: .federation) ?? FederationSettings()
        guard LogLevel(name: logLevel) != nil else {
            throw DecodingError.dataCorruptedError(forKey: .logLevel, in: container,
                                                   debugDescription: "one of \(LogLevel.allCases.map(\.name))")
        }
    }

    /// Reads `DIR/config.json`, naming the file and the field in every error.
    public static func load(dataDirectory: String) throws(ConfigurationError) -> NodeConfiguration {
        let path = (dataDirectory as NSString).appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .missing(path: path)
        }
        do {
            return try JSONDecoder().decode(NodeConfiguration.self, from: data)
        } catch let error as DecodingError {
            throw .invalid(path: path, reason: ConfigurationError.describe(error))
        } catch {
            throw .invalid(path: path, reason: String(describing: error))
        }
    }

    /// Writes `DIR/config.json` readable by the owner only; it names the key file.
    public func write(dataDirectory: String) throws(ConfigurationError) {
        let path = (dataDirectory as NSString).appendingPathComponent(Self.fileName)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            let data = try encoder.encode(self)
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        } catch {
            throw .unwritable(path: path, reason: String(describing: error))
        }
    }

    /// Resolves a configured path against the data folder.
    public static func resolve(_ path: String, in dataDirectory: String) -> String {
        path.hasPrefix("/") ? path : (dataDirectory as NSString).appendingPathComponent(path)
    }
}

public enum ConfigurationError: Error, CustomStringConvertible, Sendable, Equatable {
    case missing(path: String)
    case invalid(path: String, reason: String)
    case unwritable(path: String, reason: String)

    public var description: String {
        switch self {
        case .missing(let path): "no configuration at \(path); run `knooppunt init` first"
        case .invalid(let path, let reason): "invalid configuration in \(path): \(reason)"
        case .unwritable(let path, let reason): "cannot write \(path): \(reason)"
        }
    }

    /// A decoding error as "field: reason", naming the dotted path of the field.
    public static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let joined = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            return joined.isEmpty ? "the document" : joined
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = path(context)
            return "missing field \(parent == "the document" ? key.stringValue : parent + "." + key.stringValue)"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(path(context)): \(context.debugDescription)"
        case .dataCorrupted(let context):
            return "\(path(context)): \(context.debugDescription)"
        @unknown default:
            return String(describing: error)
        }
    }
}
