import Federation
import Foundation
import Schemas

/// `knooppunt pki init-ca`: creates the federation CA (the registry's trust anchor).
struct PKIInitCACommand: Command {
    static let path = ["pki", "init-ca"]
    static let summary = "create a certificate authority (writes DIR/ca.crt and DIR/ca.key)"
    static let options: [OptionSpec] = [
        .single("dir", "CA_DIR", "folder for ca.crt and ca.key (created with mode 0700)", required: true),
        .single("name", "NAME", "the CA's name, e.g. \"VNG Knooppunt CA\"", required: true),
        .single("days", "DAYS", "validity in days (default 3650)"),
    ]

    let directory: String
    let name: String
    let validityDays: Int

    init(_ arguments: ParsedArguments) throws(UsageError) {
        directory = try arguments.required("dir")
        name = try arguments.required("name")
        validityDays = try Self.days(arguments.value("days"), default: 3650)
    }

    func run() throws -> Int32 {
        let authority = try CertificateAuthority.create(directory: directory, name: name, validityDays: validityDays)
        print("created CA \(name) in \(directory) (ca.crt, ca.key), valid until \(authority.certificate.notAfter)")
        return 0
    }

    static func days(_ text: String?, default fallback: Int) throws(UsageError) -> Int {
        guard let text else { return fallback }
        guard let days = Int(text), (1...36500).contains(days) else {
            throw UsageError("--days must be a whole number of days between 1 and 36500")
        }
        return days
    }
}

/// `knooppunt pki issue`: issues a member certificate with the OIN in the subject serialNumber.
struct PKIIssueCommand: Command {
    static let path = ["pki", "issue"]
    static let summary = "issue a member certificate and key (writes PREFIX.crt and PREFIX.key)"
    static let options: [OptionSpec] = [
        .single("ca", "CA_DIR", "folder holding ca.crt and ca.key", required: true),
        .single("oin", "OIN", "the member's 20-digit OIN", required: true),
        .single("name", "NAME", "the member's name, e.g. Heerlen", required: true),
        .repeated("host", "HOST_OR_IP", "a DNS name or IP address the member serves (default localhost and 127.0.0.1)"),
        .single("out", "PREFIX", "output path prefix", required: true),
        .single("days", "DAYS", "validity in days (default 825)"),
    ]

    let caDirectory: String
    let oin: OIN
    let name: String
    let hosts: [String]
    let prefix: String
    let validityDays: Int

    init(_ arguments: ParsedArguments) throws(UsageError) {
        caDirectory = try arguments.required("ca")
        oin = try Self.oin(try arguments.required("oin"))
        name = try arguments.required("name")
        hosts = arguments.values("host")
        prefix = try arguments.required("out")
        validityDays = try PKIInitCACommand.days(arguments.value("days"), default: 825)
    }

    func run() throws -> Int32 {
        let authority = try CertificateAuthority.load(directory: caDirectory)
        let issued = try authority.issue(oin: oin, name: name, hosts: hosts, validityDays: validityDays)
        try PEMFile.writeIssued(certificate: issued.certificate, key: issued.key, prefix: prefix)
        print("issued \(prefix).crt and \(prefix).key for \(name) (OIN \(oin)), valid until \(issued.certificate.notAfter)")
        return 0
    }

    static func oin(_ text: String) throws(UsageError) -> OIN {
        guard let oin = OIN(text) else { throw UsageError("--oin must be exactly 20 digits, got '\(text)'") }
        return oin
    }
}
