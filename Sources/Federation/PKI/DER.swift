import Node
import COpenSSL

/// DER encoding and decoding through OpenSSL's `i2d_*`/`d2i_*` pairs, and the SHA-256 digests
/// taken over DER: the directory pins members by the hex SHA-256 of their SubjectPublicKeyInfo,
/// and operators compare certificate fingerprints the same way.
enum DER {
    /// Runs an `i2d_*` function twice, the OpenSSL way: once for the length, once to fill.
    static func encode(
        operation: String, _ encode: (UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?) -> Int32
    ) throws(PKIError) -> [UInt8] {
        let length = encode(nil)
        guard length > 0 else { throw .openssl(OpenSSLError(operation: operation)) }
        var bytes = [UInt8](repeating: 0, count: Int(length))
        let written = bytes.withUnsafeMutableBufferPointer { buffer in
            var cursor = buffer.baseAddress
            return encode(&cursor)
        }
        guard written == length else { throw .openssl(OpenSSLError(operation: operation)) }
        return bytes
    }

    /// Runs a `d2i_*` function over all of `bytes`. Trailing bytes are refused (and the parsed
    /// object freed): a signed or pinned structure must not carry data its hash does not cover.
    static func decode(
        _ bytes: [UInt8], what: String, operation: String,
        _ decode: (UnsafeMutablePointer<UnsafePointer<UInt8>?>, Int) -> OpaquePointer?,
        free: (OpaquePointer) -> Void
    ) throws(PKIError) -> OpaquePointer {
        let (object, consumed) = bytes.withUnsafeBufferPointer { buffer -> (OpaquePointer?, Int) in
            guard let start = buffer.baseAddress else { return (nil, 0) }
            var cursor: UnsafePointer<UInt8>? = start
            let object = decode(&cursor, buffer.count)
            return (object, cursor.map { $0 - start } ?? 0)
        }
        guard let object else { throw .openssl(OpenSSLError(operation: operation)) }
        guard consumed == bytes.count else {
            free(object)
            throw .malformed("\(what) has \(bytes.count - consumed) bytes after its DER encoding")
        }
        return object
    }

    static func sha256(_ bytes: [UInt8]) throws(PKIError) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = bytes.withUnsafeBytes { input in
            EVP_Digest(input.baseAddress, input.count, &digest, &length, EVP_sha256(), nil)
        }
        guard ok == 1 else { throw .openssl(OpenSSLError(operation: "EVP_Digest(SHA-256)")) }
        return Array(digest.prefix(Int(length)))
    }

    static func lowercaseHex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
