import Node
import COpenSSL
import Schemas

/// An X.509 subject name as the federation writes it: `O=name, CN=name, serialNumber=OIN`, the
/// OIN in `serialNumber` as PKIoverheid certificates carry it. The CA's name has no OIN.
struct DistinguishedName: ~Copyable {
    /// `X509_NAME*`, owned. `X509_set_subject_name` and friends copy it, so it dies here.
    let handle: OpaquePointer

    init(name: String, oin: OIN?) throws(PKIError) {
        try Self.validate(name: name)
        guard let handle = X509_NAME_new() else { throw .openssl(OpenSSLError(operation: "X509_NAME_new")) }
        do throws(PKIError) {
            try Self.add(NID_organizationName, name, type: MBSTRING_UTF8, to: handle)
            try Self.add(NID_commonName, name, type: MBSTRING_UTF8, to: handle)
            if let oin {
                // serialNumber is a PrintableString (RFC 5280 X520SerialNumber); OpenSSL picks it.
                try Self.add(NID_serialNumber, oin.value, type: MBSTRING_ASC, to: handle)
            }
        } catch {
            // Not yet owned by self, whose deinit only runs once init completes.
            X509_NAME_free(handle)
            throw error
        }
        self.handle = handle
    }

    deinit { X509_NAME_free(handle) }

    private static func add(_ nid: Int32, _ text: String, type: Int32, to handle: OpaquePointer) throws(PKIError) {
        let bytes = Array(text.utf8)
        guard X509_NAME_add_entry_by_NID(handle, nid, type, bytes, Int32(bytes.count), -1, 0) == 1 else {
            throw .openssl(OpenSSLError(operation: "X509_NAME_add_entry_by_NID(\(String(cString: OBJ_nid2sn(nid))))"))
        }
    }

    /// A name becomes both CN and O: 1 to 64 characters (RFC 5280's ub-common-name) and no
    /// control or format characters, with which a name could forge lines in logs and listings
    /// or display right-to-left as another member's name.
    static func validate(name: String) throws(PKIError) {
        let scalars = name.unicodeScalars
        guard !scalars.isEmpty, scalars.count <= PKILimits.maxNameCharacters,
              !scalars.contains(where: { [.control, .format].contains($0.properties.generalCategory) }) else {
            throw .invalidName(name)
        }
    }

    /// The text of the one entry of `nid` in a borrowed `X509_NAME`. Nil when the entry is
    /// absent, repeated (which of two OINs would be the member's?), not decodable, or holds a
    /// NUL (the classic trick to make a name read differently in C and in Swift).
    static func singleEntry(_ nid: Int32, in name: OpaquePointer) -> String? {
        let index = X509_NAME_get_index_by_NID(name, nid, -1)
        guard index >= 0, X509_NAME_get_index_by_NID(name, nid, index) < 0 else { return nil }
        guard let entry = X509_NAME_get_entry(name, index), let data = X509_NAME_ENTRY_get_data(entry) else {
            return nil
        }
        var utf8: UnsafeMutablePointer<UInt8>?
        let length = ASN1_STRING_to_UTF8(&utf8, data)
        guard length >= 0, let utf8 else {
            // An undecodable string (a malformed BMPString) counts as absent; its reason is dropped.
            OpenSSLError.discardQueue()
            return nil
        }
        defer { kp_OPENSSL_free(utf8) }
        let bytes = UnsafeBufferPointer(start: utf8, count: Int(length))
        guard !bytes.contains(0) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }
}
