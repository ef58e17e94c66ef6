import Foundation
import Node
import Schemas
import Synchronization
import Testing

@testable import Federation

/// OINs of the federation's examples (`!`: valid 20-digit literals).
let registryOIN = OIN("00000001000000000001")!
let zoetermeerOIN = OIN("00000001000000637000")!
let veldhovenOIN = OIN("00000001000000861000")!

/// A member certificate and key issued by a test CA, written to files as a node keeps them.
struct IssuedMember {
    let oin: OIN
    let certificate: Certificate
    let key: PrivateKey
    let certificatePath: String
    let keyPath: String

    static func issue(by authority: CertificateAuthority, oin: OIN, name: String, in directory: String,
                      hosts: [String] = ["127.0.0.1"]) throws -> IssuedMember {
        let issued = try authority.issue(oin: oin, name: name, hosts: hosts)
        let prefix = "\(directory)/\(oin.value)-\(UUID().uuidString.prefix(6))"
        try PEMFile.writeIssued(certificate: issued.certificate, key: issued.key, prefix: prefix)
        return IssuedMember(oin: oin, certificate: issued.certificate, key: issued.key, certificatePath: prefix + ".crt",
                            keyPath: prefix + ".key")
    }

    var identity: PeerIdentity {
        PeerIdentity(oin: oin.value, commonName: certificate.commonName, publicKeySHA256: certificate.spkiSHA256Hex)
    }
}

/// A CA, a registry and members, all in one temporary directory.
struct FederationFixture {
    let directory: String
    let authority: CertificateAuthority
    let trustAnchorPath: String
    let registry: IssuedMember

    init(directory: String) throws {
        self.directory = directory
        authority = try makeAuthority(in: directory)
        trustAnchorPath = directory + "/ca/ca.crt"
        registry = try IssuedMember.issue(by: authority, oin: registryOIN, name: "VNG registry", in: directory)
    }

    func member(_ oin: OIN, _ name: String, hosts: [String] = ["127.0.0.1"]) throws -> IssuedMember {
        try IssuedMember.issue(by: authority, oin: oin, name: name, in: directory, hosts: hosts)
    }

    func tls(for member: IssuedMember) -> PeerTLSFiles {
        PeerTLSFiles(certificatePath: member.certificatePath, privateKeyPath: member.keyPath, trustAnchorPath: trustAnchorPath)
    }

    /// A database with every migration a node runs, the registry's tables included.
    func openDatabase(name: String = "node") throws -> Database {
        try Database(path: "\(directory)/\(name).db", migrations: NodeRuntime.migrations(extensions: [FederationExtension()]))
    }

    func verifier() throws -> DirectoryVerifier {
        try DirectoryVerifier(registryOIN: registryOIN, trustAnchorPath: trustAnchorPath)
    }
}

/// A directory entry for an issued member.
func directoryEntry(_ member: IssuedMember, status: DirectoryMember.Status = .active, baseURL: String = "https://127.0.0.1:8443",
                    extraKeys: [PrivateKey] = []) -> DirectoryMember {
    let keys = ([member.key] + extraKeys).map { DirectoryMember.Key(sha256: $0.spkiSHA256Hex, spkiDER: $0.publicKeyDER()) }
    return DirectoryMember(oin: member.oin, name: member.certificate.commonName ?? "member", cbsCode: nil, baseURL: baseURL,
                           certificateSHA256: member.certificate.sha256FingerprintHex, keys: keys, status: status,
                           updatedAt: "2026-11-23T10:00:00.000Z")
}

/// Signs `members` as the fixture's registry would.
func signDirectory(_ members: [DirectoryMember], serial: Int64 = 1, by signer: IssuedMember) throws -> SignedDirectory {
    let directory = MemberDirectory(serial: serial, issuedAt: "2026-11-23T10:00:00.000Z", signerOIN: signer.oin,
                                    signerCertificateDER: signer.certificate.derBytes, members: members)
    return SignedDirectory(directory: directory, signature: try signer.key.sign(directory.signedBytes))
}

/// True when `body` throws exactly the `DirectoryError` `expected`.
func throwsDirectoryError(_ expected: DirectoryError, _ body: () throws -> Void,
                          sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        try body()
        Issue.record("expected \(expected), nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as DirectoryError {
        #expect(error == expected, sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected \(expected), got \(error)", sourceLocation: sourceLocation)
    }
}
