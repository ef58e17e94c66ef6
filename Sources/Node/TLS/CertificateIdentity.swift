import COpenSSL

/// Reads the member identity out of an X.509 certificate: OIN from the subject `serialNumber`
/// (as PKIoverheid certificates carry it), common name, and the SHA-256 of the SubjectPublicKeyInfo.
enum CertificateIdentity {
    /// - Parameter certificate: borrowed (`get0`); not freed here.
    static func identity(of certificate: OpaquePointer) -> PeerIdentity? {
        guard let subject = X509_get_subject_name(certificate), let publicKey = X509_get0_pubkey(certificate) else {
            return nil
        }
        let oin = entry(NID_serialNumber, in: subject).flatMap { value in
            value.utf8.count == 20 && value.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } ? value : nil
        }
        guard let spkiHash = publicKeySHA256Hex(publicKey) else { return nil }
        return PeerIdentity(oin: oin, commonName: entry(NID_commonName, in: subject), publicKeySHA256: spkiHash)
    }

    private static func entry(_ nid: Int32, in name: OpaquePointer) -> String? {
        let index = X509_NAME_get_index_by_NID(name, nid, -1)
        guard index >= 0, let entry = X509_NAME_get_entry(name, index), let data = X509_NAME_ENTRY_get_data(entry) else {
            return nil
        }
        var utf8: UnsafeMutablePointer<UInt8>?
        let length = ASN1_STRING_to_UTF8(&utf8, data)
        guard length >= 0, let utf8 else { return nil }
        defer { kp_OPENSSL_free(utf8) }
        return String(decoding: UnsafeBufferPointer(start: utf8, count: Int(length)), as: UTF8.self)
    }

    private static func publicKeySHA256Hex(_ key: OpaquePointer) -> String? {
        var der: UnsafeMutablePointer<UInt8>?
        let length = i2d_PUBKEY(key, &der)
        guard length > 0, let der else { return nil }
        defer { kp_OPENSSL_free(der) }
        var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        _ = SHA256(der, Int(length), &digest)
        return digest.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
