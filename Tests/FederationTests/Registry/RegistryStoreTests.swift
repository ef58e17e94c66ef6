import Foundation
import Node
import Schemas
import Testing

@testable import Federation

/// The registry's members table: admission, renewal, revocation, and the directory built from it.
@Suite struct RegistryStoreTests {
    struct Setup {
        let fixture: FederationFixture
        let database: Database
        let store: RegistryStore

        init(_ directory: String) throws {
            fixture = try FederationFixture(directory: directory)
            database = try fixture.openDatabase(name: "registry")
            store = RegistryStore(database: database, registryOIN: registryOIN)
            try store.addRegistryItself(name: "VNG registry", baseURL: "https://127.0.0.1:8440", certificate: fixture.registry.certificate)
        }

        func request(_ oin: OIN, _ name: String, key: PrivateKey, hosts: [String] = []) throws -> CertificateSigningRequest {
            try CertificateSigningRequest.create(key: key, oin: oin, name: name, hosts: hosts)
        }

        func admit(_ request: CertificateSigningRequest, baseURL: String = "https://127.0.0.1:8442", reinstate: Bool = false,
                   hosts: [String] = []) throws -> RegistryAdmission.Admitted {
            try RegistryAdmission(authority: fixture.authority, store: store).admit(
                request: request, baseURL: baseURL, cbsCode: CBSCode("0637"), hosts: hosts, validityDays: 30, reinstate: reinstate)
        }
    }

    @Test func admissionIssuesFromTheCSRAndListsTheMember() throws {
        try withTemporaryDirectory { directory in
            let setup = try Setup(directory)
            let key = try PrivateKey.generateP256()
            let serialBefore = try setup.store.snapshot().serial
            let admitted = try setup.admit(setup.request(zoetermeerOIN, "Zoetermeer", key: key))
            #expect(admitted.outcome == .admitted)
            #expect(admitted.certificate.spkiSHA256Hex == key.spkiSHA256Hex, "the member's own key, which never left it")
            #expect(admitted.certificate.subjectOIN == zoetermeerOIN)
            #expect(admitted.certificate.verify(issuedBy: setup.fixture.authority.certificate))
            #expect(admitted.certificate.subjectAlternativeNames == [.ipAddress("127.0.0.1")], "the base URL's host")
            #expect(admitted.member.baseURL == "https://127.0.0.1:8442" && admitted.member.cbsCode == CBSCode("0637"))
            #expect(try setup.store.admits(oin: zoetermeerOIN, publicKeySHA256: key.spkiSHA256Hex))
            #expect(try setup.store.snapshot().serial > serialBefore)
            let audit = try setup.database.read { try AuditLog.page(in: $0, resource: "member", request: PageRequest(page: 1, size: 10)) }
            #expect(audit.entries.map(\.action).contains("admit"))
        }
    }

    @Test func revocationCountsAtOnceAndReinstatementDropsOldKeys() throws {
        try withTemporaryDirectory { directory in
            let setup = try Setup(directory)
            let authorizer = RegistryPeerAuthorizer(store: setup.store, logger: Logger(label: "test", sink: DiscardingSink()))
            let key = try PrivateKey.generateP256()
            let admitted = try setup.admit(setup.request(zoetermeerOIN, "Zoetermeer", key: key))
            let peer = PeerIdentity(oin: zoetermeerOIN.value, commonName: "Zoetermeer", publicKeySHA256: admitted.certificate.spkiSHA256Hex)
            #expect(authorizer.isActiveMember(peer))
            try setup.store.revoke(zoetermeerOIN)
            #expect(!authorizer.isActiveMember(peer), "refused from the next call")
            #expect(throws: RegistryError.alreadyRevoked(zoetermeerOIN)) { try setup.store.revoke(zoetermeerOIN) }
            let newKey = try PrivateKey.generateP256()
            #expect(throws: RegistryError.revokedMember(zoetermeerOIN)) {
                _ = try setup.admit(setup.request(zoetermeerOIN, "Zoetermeer", key: newKey))
            }
            let back = try setup.admit(setup.request(zoetermeerOIN, "Zoetermeer", key: newKey), reinstate: true)
            #expect(back.outcome == .reinstated)
            #expect(back.member.keys.map(\.sha256) == [newKey.spkiSHA256Hex], "the old key is gone")
            #expect(!authorizer.isActiveMember(peer))
        }
    }

    @Test func renewalListsTheNewKeyBesideTheOld() throws {
        try withTemporaryDirectory { directory in
            let setup = try Setup(directory)
            let old = try PrivateKey.generateP256()
            let new = try PrivateKey.generateP256()
            _ = try setup.admit(setup.request(zoetermeerOIN, "Zoetermeer", key: old))
            let renewed = try setup.admit(setup.request(zoetermeerOIN, "Zoetermeer", key: new))
            #expect(renewed.outcome == .renewed)
            #expect(Set(renewed.member.keys.map(\.sha256)) == [old.spkiSHA256Hex, new.spkiSHA256Hex])
            for _ in 0..<DirectoryLimits.maxKeysPerMember {
                _ = try setup.admit(setup.request(zoetermeerOIN, "Zoetermeer", key: try PrivateKey.generateP256()))
            }
            let keys = try #require(try setup.store.member(zoetermeerOIN)).keys.map(\.sha256)
            #expect(keys.count == DirectoryLimits.maxKeysPerMember)
            #expect(!keys.contains(old.spkiSHA256Hex), "the oldest key rotated out")
        }
    }

    @Test func refusals() throws {
        try withTemporaryDirectory { directory in
            let setup = try Setup(directory)
            let key = try PrivateKey.generateP256()
            #expect(throws: RegistryError.registryOwnEntry(registryOIN)) { try setup.store.revoke(registryOIN) }
            #expect(throws: RegistryError.registryOwnEntry(registryOIN)) {
                _ = try setup.admit(setup.request(registryOIN, "VNG registry", key: key))
            }
            #expect(throws: RegistryError.baseURLHostNotInCertificate(host: "knooppunt.zoetermeer.nl", hosts: ["localhost"])) {
                _ = try setup.admit(setup.request(zoetermeerOIN, "Zoetermeer", key: key, hosts: ["localhost"]),
                                    baseURL: "https://knooppunt.zoetermeer.nl")
            }
            #expect(throws: RegistryError.invalidBaseURL("http://127.0.0.1:8442")) {
                _ = try setup.admit(setup.request(zoetermeerOIN, "Zoetermeer", key: key), baseURL: "http://127.0.0.1:8442")
            }
            #expect(throws: RegistryError.unknownMember(veldhovenOIN)) { try setup.store.revoke(veldhovenOIN) }
            #expect(try setup.store.member(zoetermeerOIN) == nil, "nothing refused was listed")
        }
    }

    @Test func thePublishedDirectoryVerifiesAtAMember() throws {
        try withTemporaryDirectory { directory in
            let setup = try Setup(directory)
            _ = try setup.admit(setup.request(zoetermeerOIN, "Zoetermeer", key: try PrivateKey.generateP256()))
            let publisher = RegistryDirectoryPublisher(store: setup.store, signer: NodeKeySigner(key: setup.fixture.registry.key),
                                                       signerCertificate: setup.fixture.registry.certificate, registryOIN: registryOIN)
            let first = try publisher.current()
            let verified = try setup.fixture.verifier().verify(first.documentBytes)
            #expect(verified.members.map(\.oin) == [registryOIN, zoetermeerOIN])
            #expect(try publisher.current().documentBytes == first.documentBytes, "unchanged content is not signed again")
            try setup.store.revoke(zoetermeerOIN)
            let second = try publisher.current()
            #expect(second.entityTag != first.entityTag)
            #expect(second.directory.serial > first.directory.serial)
            #expect(try setup.fixture.verifier().verify(second.documentBytes).member(zoetermeerOIN)?.isActive == false)
            // A signer whose key is not the certificate's is caught at the registry.
            let mismatched = RegistryDirectoryPublisher(store: setup.store, signer: NodeKeySigner(key: try PrivateKey.generateP256()),
                                                        signerCertificate: setup.fixture.registry.certificate, registryOIN: registryOIN)
            #expect(throws: DirectoryError.badSignature) { _ = try mismatched.current() }
        }
    }

    /// The audit trail hashes a member entry in the directory's canonical JSON; pinned, written out
    /// by hand, so an entry's hash stays comparable with those audited before.
    @Test func auditHashesTheMemberEntryAsPinned() throws {
        try withTemporaryDirectory { directory in
            let setup = try Setup(directory)
            let member = try setup.admit(setup.request(zoetermeerOIN, "Zoetermeer", key: try PrivateKey.generateP256())).member
            let key = try #require(member.keys.first)
            let expected = #"{"baseUrl":"https://127.0.0.1:8442","cbsCode":"0637","certificateSha256":""# + member.certificateSHA256
                + #"","name":"Zoetermeer","oin":""# + zoetermeerOIN.value + #"","publicKeySha256":[""# + key.sha256
                + #""],"publicKeySpki":[""# + Data(key.spkiDER).base64EncodedString() + #""],"status":"active","updatedAt":""#
                + member.updatedAt + #""}"#
            let audit = try setup.database.read { try AuditLog.page(in: $0, resource: "member", request: PageRequest(page: 1, size: 1)) }
            let entry = try #require(audit.entries.first)
            #expect(entry.action == "admit" && entry.resourceId == zoetermeerOIN.value && entry.oldHash == nil)
            #expect(entry.newHash == Digest.sha256Hex(Array(expected.utf8)))
        }
    }

    @Test(arguments: [
        ("\"abc\"", "\"abc\"", true), ("W/\"abc\"", "\"abc\"", true), ("\"x\", \"abc\"", "\"abc\"", true),
        ("*", "\"abc\"", true), ("\"abd\"", "\"abc\"", false), ("abc", "\"abc\"", false),
    ])
    func ifNoneMatch(condition: String, entityTag: String, matches: Bool) {
        #expect(DirectoryRoute.matches(condition, entityTag) == matches)
    }
}

/// A log sink for tests that do not read the log.
struct DiscardingSink: LogSink {
    func write(line: [UInt8]) {}
}
