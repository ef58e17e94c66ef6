import Federation
import Foundation
import Node
import Schemas

/// The members this node knows: on the registry its own table, on a member the directory it
/// keeps on disk, verified as at start-up.
enum KnownMembers {
    static func load(dataDirectory: String, configuration: NodeConfiguration) throws -> [DirectoryMember] {
        if configuration.role == .registry {
            return try RegistryFolder(dataDirectory: dataDirectory).withStore { try $0.snapshot().members }
        }
        guard let registryOIN = configuration.federation.registryOIN else { throw KnownMembersError.noRegistry }
        let cache = DirectoryCacheFile(dataDirectory: dataDirectory)
        guard let bytes = try cache.read() else { throw KnownMembersError.noDirectory(cache.path) }
        let trustAnchor = NodeConfiguration.resolve(configuration.tls.trustAnchor, in: dataDirectory)
        return try DirectoryVerifier(registryOIN: registryOIN, trustAnchorPath: trustAnchor).verify(bytes).members
    }
}

enum KnownMembersError: Error, CustomStringConvertible {
    case noRegistry
    case noDirectory(String)
    case notAnActiveMember(OIN)
    case notAPeer(OIN)

    var description: String {
        switch self {
        case .noRegistry: "no registry configured (federation.registryURL/registryOIN); see `knooppunt install-cert`"
        case .noDirectory(let path): "no member directory at \(path) yet; start the node so it fetches one"
        case .notAnActiveMember(let oin): "\(oin) is not an active member in this node's directory"
        case .notAPeer(let oin): "\(oin) is this node itself; it does not pull its own feed"
        }
    }
}

/// `knooppunt directory show`: the member directory this node acts on.
struct DirectoryShowCommand: Command {
    static let path = ["directory", "show"]
    static let summary = "list the members in this node's verified copy of the registry's directory"
    static let options: [OptionSpec] = [.single("data", "DIR", "the node's data folder", required: true)]

    let dataDirectory: String

    init(_ arguments: ParsedArguments) throws(UsageError) {
        dataDirectory = try arguments.required("data")
    }

    func run() throws -> Int32 {
        let configuration = try NodeConfiguration.load(dataDirectory: dataDirectory)
        MemberListing.print(try KnownMembers.load(dataDirectory: dataDirectory, configuration: configuration))
        return 0
    }
}

/// `knooppunt federation call`: one mutual-TLS GET to a member, by OIN, exactly as the node's
/// own federation client makes it: the member's base URL from the directory, this node's
/// certificate, the trust anchor as the only CA, and the member's OIN and key checked in the
/// handshake. For an operator checking that two nodes accept each other.
struct FederationCallCommand: Command {
    static let path = ["federation", "call"]
    static let summary = "GET a path on another member over mutual TLS, checking its OIN against the directory"
    static let options: [OptionSpec] = [
        .single("data", "DIR", "this node's data folder", required: true),
        .single("peer", "OIN", "the member to call", required: true),
        .single("path", "PATH", "the path to GET (default /api/federation/v1/peer)"),
    ]

    let dataDirectory: String
    let peer: OIN
    let requestPath: String

    init(_ arguments: ParsedArguments) throws(UsageError) {
        dataDirectory = try arguments.required("data")
        peer = try PKIIssueCommand.oin(try arguments.required("peer"))
        requestPath = arguments.value("path") ?? "/api/federation/v1/peer"
        guard requestPath.hasPrefix("/") else { throw UsageError("--path must start with /") }
    }

    func run() throws -> Int32 {
        let configuration = try NodeConfiguration.load(dataDirectory: dataDirectory)
        let members = try KnownMembers.load(dataDirectory: dataDirectory, configuration: configuration)
        guard let member = members.first(where: { $0.oin == peer }), member.isActive else {
            throw KnownMembersError.notAnActiveMember(peer)
        }
        let client = try PeerClient(member: member, tls: PeerTLSFiles(dataDirectory: dataDirectory, configuration: configuration),
                                    limits: PeerClientLimits(configuration.federation))
        let response = try client.get(requestPath)
        print("HTTP \(response.status) from \(member.name) at \(member.baseURL)")
        print(String(decoding: response.body, as: UTF8.self))
        return (200..<300).contains(response.status) ? 0 : CommandLineTool.failureExitCode
    }
}
