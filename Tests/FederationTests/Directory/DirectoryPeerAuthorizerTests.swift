import Foundation
import Node
import Schemas
import Testing

@testable import Federation

/// Who a member node lets in: an active member of the directory it holds, by OIN and key.
@Suite struct DirectoryPeerAuthorizerTests {
    @Test func decisions() throws {
        try withTemporaryDirectory { directory in
            let fixture = try FederationFixture(directory: directory)
            let zoetermeer = try fixture.member(zoetermeerOIN, "Zoetermeer")
            let veldhoven = try fixture.member(veldhovenOIN, "Veldhoven")
            let rotatedKey = try PrivateKey.generateP256()
            let holder = DirectoryHolder()
            let authorizer = DirectoryPeerAuthorizer(holder: holder)
            #expect(!authorizer.isActiveMember(zoetermeer.identity), "no directory yet: nobody is a member")

            try holder.replace(with: fixture.verifier().verify(signDirectory([
                directoryEntry(zoetermeer, extraKeys: [rotatedKey]), directoryEntry(veldhoven, status: .revoked),
            ], by: fixture.registry).documentBytes))
            #expect(authorizer.isActiveMember(zoetermeer.identity), "active, with its current key")
            #expect(authorizer.isActiveMember(PeerIdentity(oin: zoetermeerOIN.value, commonName: nil,
                                                           publicKeySHA256: rotatedKey.spkiSHA256Hex)),
                    "a rotated key listed beside the current one")
            #expect(!authorizer.isActiveMember(veldhoven.identity), "revoked")
            #expect(!authorizer.isActiveMember(PeerIdentity(oin: zoetermeerOIN.value, commonName: "Zoetermeer",
                                                            publicKeySHA256: veldhoven.certificate.spkiSHA256Hex)),
                    "the right OIN over an unlisted key")
            #expect(!authorizer.isActiveMember(PeerIdentity(oin: "00000001000000999000", commonName: nil,
                                                            publicKeySHA256: zoetermeer.certificate.spkiSHA256Hex)),
                    "an OIN the directory does not list")
            #expect(!authorizer.isActiveMember(PeerIdentity(oin: nil, commonName: "Zoetermeer",
                                                            publicKeySHA256: zoetermeer.certificate.spkiSHA256Hex)),
                    "a certificate without an OIN")
        }
    }
}
