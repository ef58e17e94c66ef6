import COpenSSL
import Foundation
import Testing

@testable import Federation

@Suite struct PrivateKeyTests {
    @Test func signatureVerifiesAndAFlippedBitDoesNot() throws {
        let key = try PrivateKey.generateP256()
        let message = Array(#"{"origin":"00000001001589623000","version":1}"#.utf8)
        let signature = try key.sign(message)

        #expect(key.publicKey.verify(signature: signature, of: message))
        // The directory carries the SPKI; a key rebuilt from it verifies the same.
        #expect(try PublicKey(spkiDER: key.publicKeyDER()).verify(signature: signature, of: message))

        var alteredMessage = message
        alteredMessage[3] ^= 0x01
        #expect(!key.publicKey.verify(signature: signature, of: alteredMessage))
        var alteredSignature = signature
        alteredSignature[alteredSignature.count - 1] ^= 0x01
        #expect(!key.publicKey.verify(signature: alteredSignature, of: message))
        #expect(!(try PrivateKey.generateP256()).publicKey.verify(signature: signature, of: message))
        #expect(!key.publicKey.verify(signature: [], of: message))
    }

    @Test func anEmptyMessageCanBeSigned() throws {
        let key = try PrivateKey.generateP256()
        #expect(key.publicKey.verify(signature: try key.sign([]), of: []))
    }

    @Test func pemRoundTripKeepsTheKey() throws {
        let key = try PrivateKey.generateP256()
        let pem = try key.pemString()
        #expect(pem.hasPrefix("-----BEGIN PRIVATE KEY-----\n"))

        let reread = try PrivateKey(pem: pem)
        #expect(reread.spkiSHA256Hex == key.spkiSHA256Hex)
        #expect(key.publicKey.verify(signature: try reread.sign([1, 2, 3]), of: [1, 2, 3]))
        #expect(key.spkiSHA256Hex.count == 64)
        #expect(key.spkiSHA256Hex == DER.lowercaseHex(try DER.sha256(key.publicKeyDER())))
        #expect(key.spkiSHA256Hex.allSatisfy { $0.isHexDigit && !$0.isUppercase })
    }

    @Test func aKeyFileIsCreatedPrivateAndNeverOverwritten() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/node.key"
            let first = try PrivateKey.generateP256()
            try first.write(to: path)
            #expect(try permissionBits(of: path) == 0o600)

            #expect(throwsPKIError({ try PrivateKey.generateP256().write(to: path) }) { error in
                if case .fileExists(let existing) = error { return existing == path }
                return false
            })
            #expect(try PrivateKey(pemFile: path).spkiSHA256Hex == first.spkiSHA256Hex)
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["node.key"])
        }
    }

    @Test func anEncryptedKeyIsRefusedRatherThanPromptedFor() throws {
        let key = try PrivateKey.generateP256()
        let bio = try MemoryBIO()
        let passphrase = Array("correct horse".utf8)
        let written = passphrase.withUnsafeBufferPointer { phrase in
            PEM_write_bio_PKCS8PrivateKey(bio.handle, key.handle, EVP_aes_256_cbc(), phrase.baseAddress, Int32(phrase.count),
                                          nil, nil)
        }
        try #require(written == 1)
        let encrypted = bio.text()
        try #require(encrypted.hasPrefix("-----BEGIN ENCRYPTED PRIVATE KEY-----"))

        #expect(throwsPKIError({ _ = try PrivateKey(pem: encrypted) }) { error in
            if case .openssl(let detail) = error { return detail.operation.hasPrefix("PEM_read_bio_PrivateKey") }
            return false
        })
    }

    @Test func aPublicKeyWithTrailingBytesIsRefused() throws {
        let der = try PrivateKey.generateP256().publicKeyDER()
        #expect(throwsPKIError({ _ = try PublicKey(spkiDER: der + [0]) }) { error in
            if case .malformed = error { return true }
            return false
        })
    }

    @Test func aKeyWeakerThan112BitsIsRefused() throws {
        let context = try #require(EVP_PKEY_CTX_new_from_name(nil, "RSA", nil))
        defer { EVP_PKEY_CTX_free(context) }
        try #require(EVP_PKEY_keygen_init(context) == 1)
        try #require(EVP_PKEY_CTX_set_rsa_keygen_bits(context, 1024) == 1)
        var generated: OpaquePointer?
        try #require(EVP_PKEY_generate(context, &generated) == 1)
        let rsa1024 = try #require(generated)
        defer { EVP_PKEY_free(rsa1024) }
        let der = try DER.encode(operation: "i2d_PUBKEY") { i2d_PUBKEY(rsa1024, $0) }

        #expect(throwsPKIError({ _ = try PublicKey(spkiDER: der) }) { error in
            if case .weakKey(let securityBits) = error { return securityBits == 80 }
            return false
        })
    }
}
