import Foundation
import Testing

@testable import Federation

@Suite struct CertificateSigningRequestTests {
    @Test func requestRoundTripsAndIsIssuedWithItsKeyAndOIN() throws {
        try withTemporaryDirectory { directory in
            let authority = try makeAuthority(in: directory)
            let key = try PrivateKey.generateP256()
            let created = try CertificateSigningRequest.create(
                key: key, oin: heerlenOIN, name: "Gemeente Heerlen", hosts: ["knooppunt.heerlen.example", "192.0.2.7"])

            let parsed = try CertificateSigningRequest(pem: created.pemString())
            #expect(parsed.verifySelfSignature())
            #expect(parsed.subjectOIN == heerlenOIN)
            #expect(parsed.commonName == "Gemeente Heerlen")
            #expect(parsed.requestedHosts == ["knooppunt.heerlen.example", "192.0.2.7"])
            #expect(parsed.publicKey.spkiSHA256Hex == key.spkiSHA256Hex)

            let certificate = try authority.issue(request: parsed)
            #expect(certificate.verify(issuedBy: authority.certificate))
            #expect(certificate.subjectOIN == heerlenOIN)
            #expect(certificate.commonName == "Gemeente Heerlen")
            #expect(certificate.spkiSHA256Hex == key.spkiSHA256Hex)
            #expect(certificate.publicKey.spkiDER == key.publicKeyDER())
            #expect(certificate.subjectAlternativeNames == [.dns("knooppunt.heerlen.example"), .ipAddress("192.0.2.7")])
        }
    }

    @Test func hostsGivenToTheCAReplaceTheRequestedOnes() throws {
        try withTemporaryDirectory { directory in
            let authority = try makeAuthority(in: directory)
            let request = try CertificateSigningRequest.create(
                key: PrivateKey.generateP256(), oin: heerlenOIN, name: "Gemeente Heerlen", hosts: ["evil.example"])

            let certificate = try authority.issue(request: request, hosts: ["knooppunt.heerlen.example"])
            #expect(certificate.subjectAlternativeNames == [.dns("knooppunt.heerlen.example")])
        }
    }

    enum Tampering: String, CaseIterable, Sendable {
        /// A letter of the subject's CN: the request claims a name it was not signed for.
        case subject
        /// The last byte of the DER, inside the ECDSA signature value.
        case signature
    }

    @Test(arguments: Tampering.allCases)
    func aRequestWhoseSignatureIsBrokenIsRefused(tampering: Tampering) throws {
        try withTemporaryDirectory { directory in
            let authority = try makeAuthority(in: directory)
            let request = try CertificateSigningRequest.create(
                key: PrivateKey.generateP256(), oin: heerlenOIN, name: "Gemeente Heerlen", hosts: [])
            var der = try derBody(ofPEM: request.pemString())
            switch tampering {
            case .subject:
                let index = try #require(firstIndex(of: Array("Heerlen".utf8), in: der))
                der[index] = UInt8(ascii: "M")
            case .signature:
                der[der.count - 1] ^= 0x01
            }
            let tampered = try CertificateSigningRequest(pem: pem(der: der, label: "CERTIFICATE REQUEST"))

            #expect(!tampered.verifySelfSignature())
            #expect(throwsPKIError({ _ = try authority.issue(request: tampered) }) { error in
                if case .signatureInvalid = error { return true }
                return false
            })
        }
    }

    private func derBody(ofPEM text: String) throws -> [UInt8] {
        let body = text.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        return try [UInt8](#require(Data(base64Encoded: body)))
    }

    private func pem(der: [UInt8], label: String) -> String {
        "-----BEGIN \(label)-----\n" + Data(der).base64EncodedString(options: .lineLength64Characters)
            + "\n-----END \(label)-----\n"
    }

    private func firstIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        return (0...(haystack.count - needle.count)).first { Array(haystack[$0..<($0 + needle.count)]) == needle }
    }
}
