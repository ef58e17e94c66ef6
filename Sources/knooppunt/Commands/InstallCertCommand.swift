import Federation
import Foundation
import Node
import Schemas

/// `knooppunt install-cert`: the member's side of admission. Installs the certificate the
/// registry issued for this node's CSR, after checking that it is for this node's own key and
/// OIN and that it chains to the trust anchor, and records where the registry is.
struct InstallCertCommand: Command {
    static let path = ["install-cert"]
    static let summary = "install the certificate the registry issued for this node's CSR (and the trust anchor)"
    static let options: [OptionSpec] = [
        .single("data", "DIR", "the node's data folder", required: true),
        .single("cert", "FILE", "the certificate from `registry admit` (PEM; intermediates may follow)", required: true),
        .single("trust", "CA_FILE", "the federation CA certificate (needed unless tls/ca.crt is already there)"),
        .single("registry-url", "URL", "the registry's base URL, to poll its member directory ..."),
        .single("registry-oin", "OIN", "... and the registry's OIN, which its directory signature must carry"),
    ]

    let dataDirectory: String
    let certificatePath: String
    let trustPath: String?
    let registry: (url: String, oin: OIN)?

    init(_ arguments: ParsedArguments) throws(UsageError) {
        dataDirectory = try arguments.required("data")
        certificatePath = try arguments.required("cert")
        trustPath = arguments.value("trust")
        switch (arguments.value("registry-url"), arguments.value("registry-oin")) {
        case (let url?, let oin?):
            guard PeerClient.isValidBaseURL(url) else {
                throw UsageError("--registry-url must be https://host[:port] without query, fragment or trailing slash")
            }
            registry = (url, try PKIIssueCommand.oin(oin))
        case (nil, nil):
            registry = nil
        default:
            throw UsageError("--registry-url and --registry-oin go together")
        }
    }

    func run() throws -> Int32 {
        var configuration = try NodeConfiguration.load(dataDirectory: dataDirectory)
        let layout = DataFolderLayout(dataDirectory: dataDirectory)
        let key = try PrivateKey(pemFile: layout.keyPath)
        let chain = try Certificate.loadChain(pemFile: certificatePath)
        let leaf = chain[0]
        guard leaf.spkiSHA256Hex == key.spkiSHA256Hex else { throw InstallCertError.notThisNodesKey(certificatePath) }
        guard leaf.subjectOIN == configuration.oin else {
            throw InstallCertError.wrongOIN(expected: configuration.oin, found: leaf.subjectOIN)
        }
        let anchors = try Certificate.loadChain(pemFile: trustPath ?? layout.trustAnchorPath)
        guard Self.chains(leaf, intermediates: Array(chain.dropFirst()), to: anchors) else {
            throw InstallCertError.doesNotChain(certificatePath)
        }
        if trustPath != nil {
            try PEMFile.replaceCertificates(anchors, at: layout.trustAnchorPath)
        }
        try PEMFile.replaceCertificates(chain, at: layout.certificatePath)
        if let registry {
            configuration.federation.registryURL = registry.url
            configuration.federation.registryOIN = registry.oin
            try configuration.write(dataDirectory: dataDirectory)
        }
        print("installed the certificate for \(leaf.commonName ?? configuration.name) (OIN \(configuration.oin)), "
            + "valid until \(RFC3339.string(from: leaf.notAfter))")
        if let registry {
            print("member directory: \(registry.url) (registry OIN \(registry.oin)), "
                + "every \(configuration.federation.directoryRefreshSeconds) s")
        } else if configuration.federation.registryURL == nil {
            print("no registry configured: pass --registry-url and --registry-oin so the node follows the member directory")
        }
        print("start it with: knooppunt serve --data \(dataDirectory)")
        return 0
    }

    /// The leaf verifies against an anchor directly, or through one of the file's intermediates
    /// that itself verifies against an anchor (a PKIoverheid-style chain).
    static func chains(_ leaf: Certificate, intermediates: [Certificate], to anchors: [Certificate]) -> Bool {
        if anchors.contains(where: { leaf.verify(issuedBy: $0) }) { return true }
        return intermediates.contains { intermediate in
            leaf.verify(issuedBy: intermediate) && anchors.contains { intermediate.verify(issuedBy: $0) }
        }
    }
}

enum InstallCertError: Error, CustomStringConvertible {
    case notThisNodesKey(String)
    case wrongOIN(expected: OIN, found: OIN?)
    case doesNotChain(String)

    var description: String {
        switch self {
        case .notThisNodesKey(let path):
            "\(path) is not for this node's key (tls/node.key): was it issued for another node's CSR?"
        case .wrongOIN(let expected, let found):
            "the certificate carries OIN \(found?.value ?? "none"), but this node is \(expected)"
        case .doesNotChain(let path):
            "\(path) does not chain to the trust anchor (or is expired); pass the registry's CA with --trust"
        }
    }
}
