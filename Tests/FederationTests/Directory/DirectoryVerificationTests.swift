import Foundation
import Node
import Schemas
import Testing

@testable import Federation

/// A directory is believed only when the configured registry signed it under a certificate
/// from the trust anchor, over exactly the bytes received.
@Suite struct DirectoryVerificationTests {
    @Test func signedDirectoryRoundTrips() throws {
        try withTemporaryDirectory { directory in
            let fixture = try FederationFixture(directory: directory)
            let zoetermeer = try fixture.member(zoetermeerOIN, "Zoetermeer")
            let signed = try signDirectory([directoryEntry(zoetermeer), directoryEntry(fixture.registry)], by: fixture.registry)
            let verified = try fixture.verifier().verify(signed.documentBytes)
            #expect(verified.serial == 1)
            #expect(verified.members.map(\.oin) == [registryOIN, zoetermeerOIN], "ordered by OIN")
            #expect(verified.member(zoetermeerOIN) == directoryEntry(zoetermeer))
            #expect(verified.signed.documentBytes == signed.documentBytes)
        }
    }

    @Test func anAlteredDirectoryIsRefused() throws {
        try withTemporaryDirectory { directory in
            let fixture = try FederationFixture(directory: directory)
            let zoetermeer = try fixture.member(zoetermeerOIN, "Zoetermeer")
            let signed = try signDirectory([directoryEntry(zoetermeer, status: .revoked)], by: fixture.registry)
            let verifier = try fixture.verifier()
            // Un-revoking the member in the signed bytes: still canonical, but not what was signed.
            let text = String(decoding: signed.documentBytes, as: UTF8.self)
            let tampered = Array(text.replacingOccurrences(of: "\"status\":\"revoked\"", with: "\"status\":\"active\"").utf8)
            #expect(tampered != signed.documentBytes)
            throwsDirectoryError(.badSignature) { _ = try verifier.verify(tampered) }
            // The same content re-encoded with whitespace is not the canonical form that was signed.
            let spaced = Array(text.replacingOccurrences(of: "\",\"", with: "\", \"").utf8)
            throwsDirectoryError(.notCanonical) { _ = try verifier.verify(spaced) }
            // A field the format does not know is not covered by the verifier's re-encoding.
            let extra = Array(("{\"admin\":true," + text.dropFirst()).utf8)
            throwsDirectoryError(.notCanonical) { _ = try verifier.verify(extra) }
            // A signature from another key over the same bytes.
            let forged = SignedDirectory(directory: signed.directory, signature: try zoetermeer.key.sign(signed.directory.signedBytes))
            throwsDirectoryError(.badSignature) { _ = try verifier.verify(forged.documentBytes) }
        }
    }

    @Test func onlyTheConfiguredRegistryUnderTheTrustAnchorMaySign() throws {
        try withTemporaryDirectory { directory in
            let fixture = try FederationFixture(directory: directory)
            let zoetermeer = try fixture.member(zoetermeerOIN, "Zoetermeer")
            let verifier = try fixture.verifier()
            // A member signing a directory of its own, under its own (valid) certificate.
            let byMember = try signDirectory([directoryEntry(zoetermeer)], by: zoetermeer)
            throwsDirectoryError(.wrongSigner(expected: registryOIN, found: "OIN \(zoetermeerOIN)")) {
                _ = try verifier.verify(byMember.documentBytes)
            }
            // A member's certificate presented under the registry's OIN in the document.
            let borrowed = MemberDirectory(serial: 1, issuedAt: "2026-11-23T10:00:00.000Z", signerOIN: registryOIN,
                                           signerCertificateDER: zoetermeer.certificate.derBytes, members: [directoryEntry(zoetermeer)])
            let borrowedSigned = SignedDirectory(directory: borrowed, signature: try zoetermeer.key.sign(borrowed.signedBytes))
            throwsDirectoryError(.wrongSigner(expected: registryOIN, found: "OIN \(zoetermeerOIN)")) {
                _ = try verifier.verify(borrowedSigned.documentBytes)
            }
            // A "registry" certificate with the right OIN from a foreign CA.
            let foreign = try CertificateAuthority.create(directory: directory + "/foreign", name: "Foreign CA")
            let fakeRegistry = try IssuedMember.issue(by: foreign, oin: registryOIN, name: "VNG registry", in: directory)
            let byForeign = try signDirectory([directoryEntry(zoetermeer)], by: fakeRegistry)
            do {
                _ = try verifier.verify(byForeign.documentBytes)
                Issue.record("a signer outside the trust anchor must be refused")
            } catch let error as DirectoryError {
                guard case .untrustedSigner = error else { throw error }
            }
        }
    }

    @Test(arguments: [
        ("not json", "{"),
        ("no members", #"{"serial":1}"#),
        ("bad base64", #"{"issuedAt":"2026-11-23T10:00:00.000Z","members":[],"serial":1,"signature":"!!","signerCertificate":"AQ==","signerOin":"00000001000000000001"}"#),
        ("zero serial", #"{"issuedAt":"2026-11-23T10:00:00.000Z","members":[],"serial":0,"signature":"AQ==","signerCertificate":"AQ==","signerOin":"00000001000000000001"}"#),
    ])
    func malformedDocumentsAreRefused(label: String, text: String) throws {
        try withTemporaryDirectory { directory in
            let verifier = try FederationFixture(directory: directory).verifier()
            do {
                _ = try verifier.verify(Array(text.utf8))
                Issue.record("\(label) must be refused")
            } catch let error as DirectoryError {
                guard case .malformed = error else { throw error }
            }
        }
    }

    @Test func membersMustBeOrderedUniqueAndKeysMustMatchTheirHashes() throws {
        try withTemporaryDirectory { directory in
            let fixture = try FederationFixture(directory: directory)
            let zoetermeer = try fixture.member(zoetermeerOIN, "Zoetermeer")
            let verifier = try fixture.verifier()
            let entry = directoryEntry(zoetermeer)
            let twice = try signDirectory([entry, entry], by: fixture.registry)
            #expect(throws: DirectoryError.self) { _ = try verifier.verify(twice.documentBytes) }
            let otherKey = try PrivateKey.generateP256()
            let mismatched = DirectoryMember(oin: entry.oin, name: entry.name, cbsCode: nil, baseURL: entry.baseURL,
                                             certificateSHA256: entry.certificateSHA256,
                                             keys: [DirectoryMember.Key(sha256: entry.keys[0].sha256, spkiDER: otherKey.publicKeyDER())],
                                             status: .active, updatedAt: entry.updatedAt)
            let lying = try signDirectory([mismatched], by: fixture.registry)
            #expect(throws: DirectoryError.self) { _ = try verifier.verify(lying.documentBytes) }
        }
    }

    @Test func theHolderRefusesAnOlderDirectory() throws {
        try withTemporaryDirectory { directory in
            let fixture = try FederationFixture(directory: directory)
            let zoetermeer = try fixture.member(zoetermeerOIN, "Zoetermeer")
            let verifier = try fixture.verifier()
            let older = try verifier.verify(signDirectory([directoryEntry(zoetermeer)], serial: 5, by: fixture.registry).documentBytes)
            let newer = try verifier.verify(signDirectory([directoryEntry(zoetermeer, status: .revoked)], serial: 6,
                                                          by: fixture.registry).documentBytes)
            let holder = DirectoryHolder()
            #expect(try holder.replace(with: newer) == nil)
            throwsDirectoryError(.rollback(heldSerial: 6, offeredSerial: 5)) { try holder.replace(with: older) }
            #expect(holder.current?.serial == 6, "the revocation stays in force")
        }
    }

    @Test func theCacheFileKeepsExactBytes() throws {
        try withTemporaryDirectory { directory in
            let fixture = try FederationFixture(directory: directory)
            let signed = try signDirectory([directoryEntry(fixture.registry)], by: fixture.registry)
            let cache = DirectoryCacheFile(dataDirectory: directory)
            #expect(try cache.read() == nil)
            try cache.write(signed.documentBytes)
            #expect(try cache.read() == signed.documentBytes)
            #expect(try permissionBits(of: cache.path) == 0o644)
            #expect(try fixture.verifier().verify(try #require(try cache.read())).serial == 1)
        }
    }
}
