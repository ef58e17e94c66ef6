import Federation
import Foundation
import Node
import Schemas

/// `knooppunt init`: creates a data folder with configuration, database, and the node's key and
/// certificate. Three ways to get the certificate: issued at once from a local CA (`--ca`), taken
/// from existing files (`--cert`, `--key`, `--trust`), or a certificate signing request for the
/// registry to sign (neither), so that the private key never leaves the node.
struct InitCommand: Command {
    static let path = ["init"]
    static let summary = "create a node's data folder: config, database, key and certificate (or CSR)"
    static let options: [OptionSpec] = [
        .single("data", "DIR", "the data folder to create", required: true),
        .single("name", "NAME", "the organisation's name, e.g. Heerlen", required: true),
        .single("oin", "OIN", "the organisation's 20-digit OIN", required: true),
        .single("cbs", "CODE", "the municipality's 4-digit CBS code, e.g. 0917"),
        .single("role", "ROLE", "municipality (default) or registry"),
        .single("listen", "HOST:PORT", "address to serve on (default 127.0.0.1:8443)"),
        .repeated("host", "HOST_OR_IP", "DNS name or IP in the node's certificate (default localhost, 127.0.0.1)"),
        .single("ca", "CA_DIR", "issue the node's certificate from this CA and trust it"),
        .single("cert", "FILE", "use this existing certificate (PEM) ..."),
        .single("key", "FILE", "... with this private key (PEM) ..."),
        .single("trust", "FILE", "... and this trust anchor (PEM CA certificate)"),
        .single("base-url", "URL", "registry only: the URL members reach it at (default https://LISTEN)"),
        .single("coin-code", "CODE", "the community coin's code, e.g. HEITJE (default COIN)"),
        .single("coin-name", "NAME", "the coin's name, e.g. \"Heerlens Heitje\""),
        .single("coin-budget-cents", "CENTS", "the yearly issuance budget that caps rewards (default 0: no rewards)"),
    ]

    enum CertificateSource {
        case authority(directory: String)
        case files(certificate: String, key: String, trust: String)
        case signingRequest
    }

    let dataDirectory: String
    let name: String
    let oin: OIN
    let cbsCode: CBSCode?
    let role: NodeRole
    let listen: String
    let hosts: [String]
    let source: CertificateSource
    /// The registry's own base URL, for its entry in the directory it signs.
    let baseURL: String?
    let coinCode: String?
    let coinName: String?
    let coinBudgetCents: Int64?

    init(_ arguments: ParsedArguments) throws(UsageError) {
        dataDirectory = try arguments.required("data")
        name = try arguments.required("name")
        oin = try PKIIssueCommand.oin(try arguments.required("oin"))
        cbsCode = try Self.cbsCode(arguments.value("cbs"))
        let roleName = arguments.value("role") ?? NodeRole.municipality.rawValue
        guard let role = NodeRole(rawValue: roleName) else {
            throw UsageError("--role must be one of \(NodeRole.allCases.map(\.rawValue).joined(separator: ", ")), got '\(roleName)'")
        }
        self.role = role
        listen = arguments.value("listen") ?? "127.0.0.1:8443"
        do { _ = try ListenAddress(parsing: listen) } catch { throw UsageError(error.description) }
        hosts = arguments.values("host")
        coinCode = arguments.value("coin-code")
        if let coinCode, let problem = CoinScheme.problem(withCode: coinCode) { throw UsageError("--coin-code \(problem)") }
        coinName = arguments.value("coin-name")
        if let coinName, coinName.trimmingCharacters(in: .whitespaces).isEmpty || coinName.count > 100 {
            throw UsageError("--coin-name must be 1 to 100 characters")
        }
        if let text = arguments.value("coin-budget-cents") {
            guard let cents = Int64(text), (0...CoinLimits.maxYearlyBudgetCents).contains(cents) else {
                throw UsageError("--coin-budget-cents must be a whole number of cents from 0 to \(CoinLimits.maxYearlyBudgetCents)")
            }
            coinBudgetCents = cents
        } else {
            coinBudgetCents = nil
        }
        let files = [arguments.value("cert"), arguments.value("key"), arguments.value("trust")]
        switch (arguments.value("ca"), files.compactMap { $0 }.count) {
        case (let ca?, 0):
            source = .authority(directory: ca)
        case (nil, 3):
            source = .files(certificate: files[0]!, key: files[1]!, trust: files[2]!)
        case (nil, 0):
            source = .signingRequest
        case (_?, _):
            throw UsageError("--ca cannot be combined with --cert, --key or --trust")
        default:
            throw UsageError("--cert, --key and --trust go together")
        }
        if role == .registry {
            // The registry issues members' certificates, so its data folder must hold a CA.
            guard case .authority = source else {
                throw UsageError("--role registry needs --ca CA_DIR: the registry holds the federation CA")
            }
            let url = arguments.value("base-url") ?? "https://\(listen)"
            guard PeerClient.isValidBaseURL(url), !listen.hasPrefix("0.0.0.0") || arguments.value("base-url") != nil,
                  !listen.hasPrefix("[::]") || arguments.value("base-url") != nil else {
                throw UsageError("--base-url must be the https:// URL members reach the registry at, e.g. https://registry.example.nl:8443")
            }
            // Checked before anything is written: the base URL's host must be one of the names
            // in the registry's certificate (the defaults when no --host is given), or members'
            // TLS would refuse the registry.
            let certificateHosts = hosts.isEmpty ? ["localhost", "127.0.0.1"] : hosts
            guard let host = URLComponents(string: url)?.host,
                  let name = try? SubjectAlternativeName(host: host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))),
                  certificateHosts.contains(where: { (try? SubjectAlternativeName(host: $0)) == name }) else {
                throw UsageError("the base URL's host must be one of the certificate's names (\(certificateHosts.joined(separator: ", "))); "
                    + "add it with --host")
            }
            baseURL = url
        } else {
            guard arguments.value("base-url") == nil else {
                throw UsageError("--base-url is for --role registry; a municipality's base URL is set by the registry at admission")
            }
            baseURL = nil
        }
    }

    static func cbsCode(_ text: String?) throws(UsageError) -> CBSCode? {
        guard let text else { return nil }
        guard let code = CBSCode(text) else { throw UsageError("--cbs must be exactly 4 digits, got '\(text)'") }
        return code
    }

    func run() throws -> Int32 {
        let layout = DataFolderLayout(dataDirectory: dataDirectory)
        try layout.create()
        var registryCertificate: Certificate?
        let configuration = NodeConfiguration(name: name, oin: oin, cbsCode: cbsCode, role: role, listen: listen,
                                              tls: layout.tlsFiles)
        switch source {
        case .authority(let directory):
            let authority = try CertificateAuthority.load(directory: directory)
            let issued = try authority.issue(oin: oin, name: name, hosts: hosts)
            try issued.key.write(to: layout.keyPath)
            try PEMFile.writeCertificates([issued.certificate], to: layout.certificatePath)
            try PEMFile.writeCertificates([authority.certificate], to: layout.trustAnchorPath)
            if role == .registry {
                try authority.install(in: layout.authorityDirectory)
                registryCertificate = issued.certificate
            }
        case .files(let certificate, let key, let trust):
            try PrivateKey(pemFile: key).write(to: layout.keyPath)
            try PEMFile.writeCertificates(Certificate.loadChain(pemFile: certificate), to: layout.certificatePath)
            try PEMFile.writeCertificates(Certificate.loadChain(pemFile: trust), to: layout.trustAnchorPath)
        case .signingRequest:
            let key = try PrivateKey.generateP256()
            try key.write(to: layout.keyPath)
            let request = try CertificateSigningRequest.create(key: key, oin: oin, name: name, hosts: hosts)
            try PEMFile.writeRequest(request, to: layout.signingRequestPath)
        }
        try configuration.write(dataDirectory: dataDirectory)
        try NodeAssembly.withDatabase(dataDirectory: dataDirectory) { database in
            if let registryCertificate, let baseURL {
                // The registry is a member of the directory it signs, so members accept its calls too.
                try RegistryStore(database: database, registryOIN: oin)
                    .addRegistryItself(name: name, baseURL: baseURL, certificate: registryCertificate)
            }
            if coinCode != nil || coinName != nil || coinBudgetCents != nil {
                let scheme = try CoinSchemeStore.configure(database, code: coinCode, name: coinName, yearlyIssuanceBudgetCents: coinBudgetCents)
                print("coin scheme: \(scheme.code) \"\(scheme.name)\", yearly issuance budget \(scheme.yearlyIssuanceBudgetCents) cents")
            }
        }
        print("initialised \(role.rawValue) node \(name) (OIN \(oin)) in \(dataDirectory)")
        if let baseURL {
            print("the federation CA is in \(layout.authorityDirectory) (ca.key mode 0600; `serve` never reads it)")
            print("the registry lists itself at \(baseURL); admit members with `knooppunt registry admit`")
        }
        if case .signingRequest = source {
            print("certificate signing request: \(layout.signingRequestPath)")
            print("send it to the registry operator; install the returned certificate before `knooppunt serve`")
        } else {
            print("start it with: knooppunt serve --data \(dataDirectory)")
        }
        return 0
    }
}

/// Where `init` puts things inside a data folder.
struct DataFolderLayout {
    let dataDirectory: String

    var tlsDirectory: String { (dataDirectory as NSString).appendingPathComponent("tls") }
    var tlsFiles: NodeConfiguration.TLSFiles {
        NodeConfiguration.TLSFiles(certificate: "tls/node.crt", privateKey: "tls/node.key", trustAnchor: "tls/ca.crt")
    }
    var certificatePath: String { NodeConfiguration.resolve(tlsFiles.certificate, in: dataDirectory) }
    var keyPath: String { NodeConfiguration.resolve(tlsFiles.privateKey, in: dataDirectory) }
    var trustAnchorPath: String { NodeConfiguration.resolve(tlsFiles.trustAnchor, in: dataDirectory) }
    var signingRequestPath: String { (tlsDirectory as NSString).appendingPathComponent("node.csr") }
    /// A registry's copy of the federation CA, which `registry admit` issues certificates from.
    var authorityDirectory: String { (dataDirectory as NSString).appendingPathComponent("ca") }
    var databasePath: String { NodeConfiguration.resolve(NodeConfiguration.databaseFileName, in: dataDirectory) }

    /// Creates the folder and `tls/` with mode 0700; refuses a folder that already holds a node.
    func create() throws {
        let configPath = (dataDirectory as NSString).appendingPathComponent(NodeConfiguration.fileName)
        guard !FileManager.default.fileExists(atPath: configPath) else {
            throw InitError.alreadyInitialised(dataDirectory)
        }
        try FileManager.default.createDirectory(atPath: tlsDirectory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: dataDirectory)
    }
}

enum InitError: Error, CustomStringConvertible {
    case alreadyInitialised(String)

    var description: String {
        switch self {
        case .alreadyInitialised(let directory): "\(directory) already holds a node (config.json exists); nothing was changed"
        }
    }
}
