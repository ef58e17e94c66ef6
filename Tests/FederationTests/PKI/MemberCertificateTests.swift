import COpenSSL
import Foundation
import Testing

@testable import Federation

@Suite struct MemberCertificateTests {
    @Test func memberCertificateVerifiesAgainstItsCAOnly() throws {
        try withTemporaryDirectory { directory in
            let authority = try makeAuthority(in: directory)
            let foreign = try CertificateAuthority.create(directory: directory + "/foreign", name: "Knooppunt Test CA")
            let member = try authority.issue(oin: heerlenOIN, name: "Gemeente Heerlen", hosts: ["localhost"]).certificate

            #expect(member.verify(issuedBy: authority.certificate))
            // Same CA name, different key: the signature is what counts.
            #expect(!member.verify(issuedBy: foreign.certificate))
            #expect(!member.isCertificateAuthority)
            #expect(X509_get_extension_flags(member.handle) & UInt32(EXFLAG_CA) == 0)
        }
    }

    @Test func oinRoundTripsThroughSubjectSerialNumber() throws {
        try withTemporaryDirectory { directory in
            let authority = try makeAuthority(in: directory)
            let issued = try authority.issue(oin: heerlenOIN, name: "Gemeente Heerlen", hosts: [])
            try PEMFile.writeIssued(certificate: issued.certificate, key: issued.key, prefix: directory + "/heerlen")
            let reread = try Certificate(pemFile: directory + "/heerlen.crt")

            #expect(reread.subjectOIN == heerlenOIN)
            #expect(reread.commonName == "Gemeente Heerlen")
            let subject = try #require(X509_get_subject_name(reread.handle))
            #expect(DistinguishedName.singleEntry(NID_serialNumber, in: subject) == heerlenOIN.value)
            #expect(DistinguishedName.singleEntry(NID_organizationName, in: subject) == "Gemeente Heerlen")
            let issuer = try #require(X509_get_issuer_name(reread.handle))
            #expect(DistinguishedName.singleEntry(NID_commonName, in: issuer) == "Knooppunt Test CA")
        }
    }

    @Test func memberIsForServerAndClientAuthWithDigitalSignature() throws {
        try withTemporaryDirectory { directory in
            let authority = try makeAuthority(in: directory)
            let member = try authority.issue(oin: heerlenOIN, name: "Gemeente Heerlen", hosts: []).certificate

            let extendedUsage = X509_get_extended_key_usage(member.handle)
            #expect(extendedUsage & UInt32(XKU_SSL_SERVER) != 0)
            #expect(extendedUsage & UInt32(XKU_SSL_CLIENT) != 0)
            #expect(X509_get_key_usage(member.handle) == UInt32(KU_DIGITAL_SIGNATURE))
            #expect(X509_check_purpose(member.handle, X509_PURPOSE_SSL_SERVER, 0) == 1)
            #expect(X509_check_purpose(member.handle, X509_PURPOSE_SSL_CLIENT, 0) == 1)
            // Both key identifiers are present, and the AKID names the CA's key.
            let memberAuthorityKeyID = try #require(X509_get0_authority_key_id(member.handle))
            let caSubjectKeyID = try #require(X509_get0_subject_key_id(authority.certificate.handle))
            #expect(ASN1_OCTET_STRING_cmp(memberAuthorityKeyID, caSubjectKeyID) == 0)
            #expect(X509_get0_subject_key_id(member.handle) != nil)
        }
    }

    @Test func subjectAlternativeNamesCarryTheGivenDNSNameAndIP() throws {
        try withTemporaryDirectory { directory in
            let authority = try makeAuthority(in: directory)
            let hosts = ["Node.Heerlen.example", "10.0.0.5", "2001:db8::0:1"]
            let member = try authority.issue(oin: heerlenOIN, name: "Gemeente Heerlen", hosts: hosts).certificate

            #expect(member.subjectAlternativeNames == [
                .dns("node.heerlen.example"), .ipAddress("10.0.0.5"), .ipAddress("2001:db8::1"),
            ])
            // OpenSSL's own matching, as a TLS client applies it to the host it dialled.
            #expect(X509_check_host(member.handle, "node.heerlen.example", 0, 0, nil) == 1)
            #expect(X509_check_ip_asc(member.handle, "10.0.0.5", 0) == 1)
            #expect(X509_check_ip_asc(member.handle, "2001:db8::1", 0) == 1)
            #expect(X509_check_host(member.handle, "node.veldhoven.example", 0, 0, nil) == 0)
            #expect(X509_check_ip_asc(member.handle, "10.0.0.6", 0) == 0)
        }
    }

    @Test func noHostsMeansLocalhostAndLoopback() throws {
        try withTemporaryDirectory { directory in
            let authority = try makeAuthority(in: directory)
            let member = try authority.issue(oin: heerlenOIN, name: "Gemeente Heerlen", hosts: []).certificate
            #expect(member.subjectAlternativeNames == [.dns("localhost"), .ipAddress("127.0.0.1")])
        }
    }

    @Test(arguments: ["", "node..example", "-node.example", "node_1.example", "*.heerlen.example",
                      "node.example,DNS:evil.example", "10.1", "fe80::1%eth0", "[::1]", "héérlen.example"])
    func aHostThatIsNeitherAnAddressNorADNSNameIsRefused(host: String) throws {
        #expect(throwsPKIError({ _ = try SubjectAlternativeName(host: host) }) { error in
            if case .invalidHost = error { return true }
            return false
        })
    }

    @Test(arguments: ["", String(repeating: "x", count: 65), "Heerlen\nlevel=admin", "Gemeente \u{202E}nelreeH"])
    func aNameThatCannotBeACommonNameIsRefused(name: String) throws {
        try withTemporaryDirectory { directory in
            let authority = try makeAuthority(in: directory)
            #expect(throwsPKIError({ _ = try authority.issue(oin: heerlenOIN, name: name, hosts: []) }) { error in
                if case .invalidName = error { return true }
                return false
            })
        }
    }

    @Test func validityStartsBeforeNowForClockSkewAndRunsTheGivenDays() throws {
        try withTemporaryDirectory { directory in
            let authority = try makeAuthority(in: directory)
            let before = Date()
            let member = try authority.issue(oin: heerlenOIN, name: "Gemeente Heerlen", hosts: [], validityDays: 90)
                .certificate
            let after = Date()

            #expect(member.notBefore <= before.addingTimeInterval(-299))
            #expect(member.notBefore >= before.addingTimeInterval(-301))
            #expect(member.notAfter >= before.addingTimeInterval(90 * 86_400 - 1))
            #expect(member.notAfter <= after.addingTimeInterval(90 * 86_400 + 1))
        }
    }

    @Test func serialNumbersAreRandomPositive128BitNumbers() throws {
        try withTemporaryDirectory { directory in
            let authority = try makeAuthority(in: directory)
            let first = try authority.issue(oin: heerlenOIN, name: "Gemeente Heerlen", hosts: []).certificate
            let second = try authority.issue(oin: heerlenOIN, name: "Gemeente Heerlen", hosts: []).certificate

            #expect(first.serialNumberHex != second.serialNumberHex)
            for certificate in [first, second, authority.certificate] {
                #expect(certificate.serialNumberHex.count == 32)
                #expect(!certificate.serialNumberHex.hasPrefix("-"))
            }
        }
    }

    @Test func pemRoundTripAndChainLoading() throws {
        try withTemporaryDirectory { directory in
            let authority = try makeAuthority(in: directory)
            let member = try authority.issue(oin: heerlenOIN, name: "Gemeente Heerlen", hosts: []).certificate
            let chainPath = directory + "/chain.pem"
            try Data((member.pemString() + authority.certificate.pemString()).utf8).write(to: URL(fileURLWithPath: chainPath))

            let chain = try Certificate.loadChain(pemFile: chainPath)
            #expect(chain.map(\.sha256FingerprintHex) == [member.sha256FingerprintHex, authority.certificate.sha256FingerprintHex])
            #expect(try Certificate(pemFile: chainPath).sha256FingerprintHex == member.sha256FingerprintHex)
            #expect(try Certificate(der: member.derBytes).sha256FingerprintHex == member.sha256FingerprintHex)
            #expect(member.sha256FingerprintHex == DER.lowercaseHex(try DER.sha256(member.derBytes)))
        }
    }

    @Test func textWithoutACertificateIsRefused() throws {
        #expect(throwsPKIError({ _ = try Certificate(pem: "not a certificate\n") }) { error in
            if case .noCertificate = error { return true }
            return false
        })
    }

    @Test func aDamagedPEMBlockIsAnErrorNotTheEndOfTheFile() throws {
        try withTemporaryDirectory { directory in
            let authority = try makeAuthority(in: directory)
            let good = try authority.certificate.pemString()
            let damaged = "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n"
            let path = directory + "/bundle.pem"
            try Data((good + damaged).utf8).write(to: URL(fileURLWithPath: path))

            #expect(throwsPKIError({ _ = try Certificate.loadChain(pemFile: path) }) { error in
                if case .openssl(let detail) = error { return !detail.queuedErrors.isEmpty }
                return false
            })
        }
    }

    @Test func writeIssuedNeverOverwritesAKey() throws {
        try withTemporaryDirectory { directory in
            let authority = try makeAuthority(in: directory)
            let first = try authority.issue(oin: heerlenOIN, name: "Gemeente Heerlen", hosts: [])
            let second = try authority.issue(oin: heerlenOIN, name: "Gemeente Heerlen", hosts: [])
            let prefix = directory + "/heerlen"
            try PEMFile.writeIssued(certificate: first.certificate, key: first.key, prefix: prefix)
            #expect(try permissionBits(of: prefix + ".crt") == 0o644)
            #expect(try permissionBits(of: prefix + ".key") == 0o600)

            #expect(throwsPKIError({
                try PEMFile.writeIssued(certificate: second.certificate, key: second.key, prefix: prefix)
            }) { error in
                if case .fileExists = error { return true }
                return false
            })
            #expect(try PrivateKey(pemFile: prefix + ".key").spkiSHA256Hex == first.key.spkiSHA256Hex)
            #expect(try Certificate(pemFile: prefix + ".crt").sha256FingerprintHex == first.certificate.sha256FingerprintHex)
        }
    }

    @Test func aRenewedCertificateReplacesTheOldOneOnlyWhenAsked() throws {
        try withTemporaryDirectory { directory in
            let authority = try makeAuthority(in: directory)
            let issued = try authority.issue(oin: heerlenOIN, name: "Gemeente Heerlen", hosts: [])
            let path = directory + "/heerlen.crt"
            try issued.certificate.write(to: path)
            let renewed = try authority.issue(
                request: CertificateSigningRequest.create(key: issued.key, oin: heerlenOIN, name: "Gemeente Heerlen", hosts: []))

            #expect(throwsPKIError({ try renewed.write(to: path) }) { error in
                if case .fileExists = error { return true }
                return false
            })
            try renewed.write(to: path, replacing: true)
            let onDisk = try Certificate(pemFile: path)
            #expect(onDisk.sha256FingerprintHex == renewed.sha256FingerprintHex)
            // The same key: the directory's SPKI pin still matches after renewal.
            #expect(onDisk.spkiSHA256Hex == issued.certificate.spkiSHA256Hex)
            #expect(try permissionBits(of: path) == 0o644)
        }
    }
}
