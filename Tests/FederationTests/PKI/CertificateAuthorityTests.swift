import COpenSSL
import Foundation
import Testing

@testable import Federation

@Suite struct CertificateAuthorityTests {
    @Test func createWritesPublicCertificateAndPrivateKeyAndIsACA() throws {
        try withTemporaryDirectory { directory in
            let caDirectory = directory + "/registry-ca"
            let authority = try CertificateAuthority.create(directory: caDirectory, name: "VNG Federatie CA")

            #expect(try permissionBits(of: caDirectory) == 0o700)
            #expect(try permissionBits(of: caDirectory + "/ca.crt") == 0o644)
            #expect(try permissionBits(of: caDirectory + "/ca.key") == 0o600)
            // Nothing else, temporary files included, is left behind.
            #expect(try FileManager.default.contentsOfDirectory(atPath: caDirectory).sorted() == ["ca.crt", "ca.key"])

            let certificate = try Certificate(pemFile: caDirectory + "/ca.crt")
            #expect(certificate.isCertificateAuthority)
            #expect(certificate.commonName == "VNG Federatie CA")
            #expect(certificate.subjectOIN == nil)
            #expect(certificate.verify(issuedBy: certificate))
            #expect(certificate.sha256FingerprintHex == authority.certificate.sha256FingerprintHex)
            // pathlen:0: a member certificate can never be used to issue more.
            let flags = X509_get_extension_flags(certificate.handle)
            #expect(flags & UInt32(EXFLAG_CA) != 0)
            #expect(X509_get_pathlen(certificate.handle) == 0)
            #expect(X509_get_key_usage(certificate.handle) == UInt32(KU_KEY_CERT_SIGN | KU_CRL_SIGN))
        }
    }

    @Test func createRefusesToReplaceAnExistingCA() throws {
        try withTemporaryDirectory { directory in
            let original = try makeAuthority(in: directory)
            let keyBefore = try String(contentsOfFile: directory + "/ca/ca.key", encoding: .utf8)

            #expect(throwsPKIError({ _ = try makeAuthority(in: directory) }) { error in
                if case .fileExists = error { return true }
                return false
            })
            let reloaded = try CertificateAuthority.load(directory: directory + "/ca")
            #expect(reloaded.certificate.sha256FingerprintHex == original.certificate.sha256FingerprintHex)
            #expect(try String(contentsOfFile: directory + "/ca/ca.key", encoding: .utf8) == keyBefore)
        }
    }

    @Test func loadRefusesAKeyThatIsNotTheCertificates() throws {
        try withTemporaryDirectory { directory in
            _ = try makeAuthority(in: directory)
            _ = try CertificateAuthority.create(directory: directory + "/other", name: "Other CA")
            try FileManager.default.removeItem(atPath: directory + "/ca/ca.key")
            try FileManager.default.copyItem(atPath: directory + "/other/ca.key", toPath: directory + "/ca/ca.key")

            #expect(throwsPKIError({ _ = try CertificateAuthority.load(directory: directory + "/ca") }) { error in
                if case .keyDoesNotMatchCertificate = error { return true }
                return false
            })
        }
    }

    @Test func loadRefusesAMemberCertificateAsCA() throws {
        try withTemporaryDirectory { directory in
            let authority = try makeAuthority(in: directory)
            let issued = try authority.issue(oin: heerlenOIN, name: "Gemeente Heerlen", hosts: ["localhost"])
            try FileManager.default.createDirectory(atPath: directory + "/fake", withIntermediateDirectories: false)
            try PEMFile.writeIssued(certificate: issued.certificate, key: issued.key, prefix: directory + "/fake/ca")

            #expect(throwsPKIError({ _ = try CertificateAuthority.load(directory: directory + "/fake") }) { error in
                if case .notACertificateAuthority = error { return true }
                return false
            })
        }
    }

    @Test func aCertificateMayNotOutliveItsCA() throws {
        try withTemporaryDirectory { directory in
            let authority = try makeAuthority(in: directory, validityDays: 30)
            #expect(throwsPKIError({
                _ = try authority.issue(oin: heerlenOIN, name: "Gemeente Heerlen", hosts: [], validityDays: 31)
            }) { error in
                if case .validityExceedsAuthority = error { return true }
                return false
            })
            _ = try authority.issue(oin: heerlenOIN, name: "Gemeente Heerlen", hosts: [], validityDays: 29)
        }
    }

    @Test(arguments: [0, -1, 826])
    func memberValidityOutsideTheLimitIsRefused(days: Int) throws {
        try withTemporaryDirectory { directory in
            let authority = try makeAuthority(in: directory)
            #expect(throwsPKIError({
                _ = try authority.issue(oin: heerlenOIN, name: "Gemeente Heerlen", hosts: [], validityDays: days)
            }) { error in
                if case .invalidValidity = error { return true }
                return false
            })
        }
    }
}
