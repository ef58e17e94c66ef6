import Federation
import Foundation
import Node
import Schemas

/// What every registry command needs: the registry's configuration and its members store.
struct RegistryFolder {
    let dataDirectory: String
    let configuration: NodeConfiguration

    init(dataDirectory: String) throws {
        configuration = try NodeConfiguration.load(dataDirectory: dataDirectory)
        guard configuration.role == .registry else { throw RegistryError.notRegistry(dataDirectory: dataDirectory) }
        self.dataDirectory = dataDirectory
    }

    /// The CA `init --role registry` copied into the data folder.
    var authorityDirectory: String { DataFolderLayout(dataDirectory: dataDirectory).authorityDirectory }

    func withStore<T>(_ body: (RegistryStore) throws -> T) throws -> T {
        try NodeAssembly.withDatabase(dataDirectory: dataDirectory) {
            try body(RegistryStore(database: $0, registryOIN: configuration.oin))
        }
    }
}

/// `knooppunt registry admit`: issues a member's certificate from its CSR and lists it in the
/// directory. A running registry serves the new directory at once.
struct RegistryAdmitCommand: Command {
    static let path = ["registry", "admit"]
    static let summary = "admit a member: issue its certificate from its CSR and add it to the directory"
    static let options: [OptionSpec] = [
        .single("data", "DIR", "the registry's data folder", required: true),
        .single("csr", "FILE", "the member's certificate signing request (its tls/node.csr)", required: true),
        .single("base-url", "URL", "where the member's node serves, e.g. https://knooppunt.heerlen.nl:8443", required: true),
        .single("cbs", "CODE", "the municipality's 4-digit CBS code"),
        .single("out", "CERT_FILE", "where to write the certificate (default: the CSR's path with .crt)"),
        .repeated("host", "HOST_OR_IP", "a name for the certificate (default: the CSR's names, else the base URL's host)"),
        .single("days", "DAYS", "validity in days (default 825)"),
        .single("ca", "CA_DIR", "issue from this CA instead of DATA/ca (for a CA key kept offline)"),
        .flag("reinstate", "re-admit a revoked member; its old keys are dropped"),
    ]

    let dataDirectory: String
    let requestPath: String
    let baseURL: String
    let cbsCode: CBSCode?
    let outputPath: String
    let hosts: [String]
    let validityDays: Int
    let caDirectory: String?
    let reinstate: Bool

    init(_ arguments: ParsedArguments) throws(UsageError) {
        dataDirectory = try arguments.required("data")
        requestPath = try arguments.required("csr")
        baseURL = try arguments.required("base-url")
        guard PeerClient.isValidBaseURL(baseURL) else {
            throw UsageError("--base-url must be https://host[:port][/path] without query, fragment or trailing slash")
        }
        cbsCode = try InitCommand.cbsCode(arguments.value("cbs"))
        outputPath = arguments.value("out")
            ?? (requestPath.hasSuffix(".csr") ? String(requestPath.dropLast(4)) + ".crt" : requestPath + ".crt")
        hosts = arguments.values("host")
        validityDays = try PKIInitCACommand.days(arguments.value("days"), default: 825)
        caDirectory = arguments.value("ca")
        reinstate = arguments.flag("reinstate")
    }

    func run() throws -> Int32 {
        let folder = try RegistryFolder(dataDirectory: dataDirectory)
        // Checked before issuing: a certificate nobody received must not exist.
        guard !FileManager.default.fileExists(atPath: outputPath) else { throw PKIError.fileExists(path: outputPath) }
        let authority = try CertificateAuthority.load(directory: caDirectory ?? folder.authorityDirectory)
        let request = try CertificateSigningRequest(pemFile: requestPath)
        let (admitted, registryURL) = try folder.withStore { store in
            let admitted = try RegistryAdmission(authority: authority, store: store).admit(
                request: request, baseURL: baseURL, cbsCode: cbsCode, hosts: hosts, validityDays: validityDays,
                reinstate: reinstate)
            return (admitted, try store.member(folder.configuration.oin)?.baseURL)
        }
        try admitted.certificate.write(to: outputPath)
        let member = admitted.member
        print("\(admitted.outcome.rawValue) \(member.name) (OIN \(member.oin)) at \(member.baseURL)")
        print("certificate: \(outputPath), valid until \(RFC3339.string(from: admitted.certificate.notAfter))")
        print("key sha256: \(admitted.certificate.spkiSHA256Hex)")
        print("send the member \(outputPath) and \(authority.certificate.commonName ?? "the CA")'s ca.crt; it runs:")
        print("  knooppunt install-cert --data DIR --cert \((outputPath as NSString).lastPathComponent) --trust ca.crt "
            + "--registry-url \(registryURL ?? "REGISTRY_URL") --registry-oin \(folder.configuration.oin)")
        return 0
    }
}

/// `knooppunt registry revoke`: the registry refuses the member at once; every member after
/// its next directory refresh.
struct RegistryRevokeCommand: Command {
    static let path = ["registry", "revoke"]
    static let summary = "revoke a member: refused by the registry at once, by every node after one refresh"
    static let options: [OptionSpec] = [
        .single("data", "DIR", "the registry's data folder", required: true),
        .single("oin", "OIN", "the member's OIN", required: true),
    ]

    let dataDirectory: String
    let oin: OIN

    init(_ arguments: ParsedArguments) throws(UsageError) {
        dataDirectory = try arguments.required("data")
        oin = try PKIIssueCommand.oin(try arguments.required("oin"))
    }

    func run() throws -> Int32 {
        let folder = try RegistryFolder(dataDirectory: dataDirectory)
        try folder.withStore { try $0.revoke(oin) }
        print("revoked \(oin); the registry refuses it now, members after their next directory refresh")
        return 0
    }
}

/// `knooppunt registry update`: a member's node moved, or its CBS code was missing.
struct RegistryUpdateCommand: Command {
    static let path = ["registry", "update"]
    static let summary = "change a member's base URL or CBS code (the registry's own entry included)"
    static let options: [OptionSpec] = [
        .single("data", "DIR", "the registry's data folder", required: true),
        .single("oin", "OIN", "the member's OIN", required: true),
        .single("base-url", "URL", "where the member's node serves now"),
        .single("cbs", "CODE", "the municipality's 4-digit CBS code"),
    ]

    let dataDirectory: String
    let oin: OIN
    let baseURL: String?
    let cbsCode: CBSCode?

    init(_ arguments: ParsedArguments) throws(UsageError) {
        dataDirectory = try arguments.required("data")
        oin = try PKIIssueCommand.oin(try arguments.required("oin"))
        baseURL = arguments.value("base-url")
        if let baseURL, !PeerClient.isValidBaseURL(baseURL) {
            throw UsageError("--base-url must be https://host[:port][/path] without query, fragment or trailing slash")
        }
        cbsCode = try InitCommand.cbsCode(arguments.value("cbs"))
        guard baseURL != nil || cbsCode != nil else { throw UsageError("give --base-url, --cbs or both") }
    }

    func run() throws -> Int32 {
        let folder = try RegistryFolder(dataDirectory: dataDirectory)
        try folder.withStore { try $0.update(oin, baseURL: baseURL, cbsCode: cbsCode) }
        print("updated \(oin)")
        return 0
    }
}

/// `knooppunt registry members`: the directory as the registry holds it.
struct RegistryMembersCommand: Command {
    static let path = ["registry", "members"]
    static let summary = "list the directory's members: OIN, status, CBS code, name, base URL, keys"
    static let options: [OptionSpec] = [.single("data", "DIR", "the registry's data folder", required: true)]

    let dataDirectory: String

    init(_ arguments: ParsedArguments) throws(UsageError) {
        dataDirectory = try arguments.required("data")
    }

    func run() throws -> Int32 {
        let folder = try RegistryFolder(dataDirectory: dataDirectory)
        let snapshot = try folder.withStore { try $0.snapshot() }
        print("directory serial \(snapshot.serial), changed \(snapshot.changedAt)")
        MemberListing.print(snapshot.members)
        return 0
    }
}

/// The member table as `registry members` and `directory show` print it.
enum MemberListing {
    static func print(_ members: [DirectoryMember]) {
        for member in members {
            let keys = member.keys.map { String($0.sha256.prefix(16)) }.joined(separator: ",")
            Swift.print([member.oin.value, member.status.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0),
                         member.cbsCode?.value ?? "----", member.name, member.baseURL, "keys:" + keys,
                         "updated " + member.updatedAt].joined(separator: "  "))
        }
    }
}
