import Foundation
import Schemas
import Testing

@testable import Federation

/// The bytes the directory signature covers. Pinned: a change here breaks every signature made
/// before it, so it must be deliberate.
@Suite struct DirectoryCanonicalJSONTests {
    @Test func directoryMemberBytesArePinned() {
        let member = DirectoryMember(
            oin: OIN("00000001000000917000")!, name: "Heerlen", cbsCode: CBSCode("0917"), baseURL: "https://knooppunt.heerlen.nl",
            certificateSHA256: String(repeating: "ab", count: 32),
            keys: [DirectoryMember.Key(sha256: String(repeating: "0f", count: 32), spkiDER: [1, 2, 3])],
            status: .active, updatedAt: "2026-11-23T10:00:00.000Z")
        let directory = MemberDirectory(serial: 7, issuedAt: "2026-11-23T10:00:01.000Z", signerOIN: OIN("00000001000000000001")!,
                                        signerCertificateDER: [4, 5], members: [member])
        let expected = #"{"issuedAt":"2026-11-23T10:00:01.000Z","members":[{"baseUrl":"https://knooppunt.heerlen.nl","#
            + #""cbsCode":"0917","certificateSha256":""# + String(repeating: "ab", count: 32) + #"","name":"Heerlen","#
            + #""oin":"00000001000000917000","publicKeySha256":[""# + String(repeating: "0f", count: 32) + #""],"#
            + #""publicKeySpki":["AQID"],"status":"active","updatedAt":"2026-11-23T10:00:00.000Z"}],"serial":7,"#
            + #""signerCertificate":"BAU=","signerOin":"00000001000000000001"}"#
        #expect(String(decoding: directory.signedBytes, as: UTF8.self) == expected)
        // "signature" sorts before "signerCertificate" ('a' < 'e').
        #expect(String(decoding: directory.documentBytes(signature: [9]), as: UTF8.self)
            == expected.replacingOccurrences(of: #""serial":7,"#, with: #""serial":7,"signature":"CQ==","#))
    }
}
