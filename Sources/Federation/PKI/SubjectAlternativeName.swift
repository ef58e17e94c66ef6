import Node
import COpenSSL
import Glibc

/// A name a member certificate is valid for. TLS clients match the host they dialled against
/// these (RFC 6125); the CN is not consulted, so every server needs at least one.
public enum SubjectAlternativeName: Hashable, Sendable, CustomStringConvertible {
    /// A DNS name, lowercase.
    case dns(String)
    /// An IPv4 or IPv6 address in its canonical text form (`inet_ntop`).
    case ipAddress(String)

    /// The OpenSSL spelling, as `openssl x509 -text` prints it: `DNS:node.heerlen.nl`, `IP:10.0.0.5`.
    public var description: String {
        switch self {
        case .dns(let name): return "DNS:\(name)"
        case .ipAddress(let address): return "IP:\(address)"
        }
    }

    /// The bare host, as `hosts:` parameters take it.
    public var host: String {
        switch self {
        case .dns(let name): return name
        case .ipAddress(let address): return address
        }
    }

    /// Reads a host as an operator types it: an IPv4 or IPv6 literal becomes an IP name, anything
    /// else must be a DNS name of letters, digits and hyphens (RFC 1123), which also keeps
    /// separators and wildcards out of the certificate.
    public init(host: String) throws(PKIError) {
        if let address = Self.canonicalAddress(host) {
            self = .ipAddress(address)
            return
        }
        let name = host.lowercased()
        guard Self.isDNSName(name) else { throw .invalidHost(host) }
        self = .dns(name)
    }

    /// The names for a member certificate: parsed, duplicates dropped (first one wins), at most
    /// `PKILimits.maxHosts`. No hosts means a local node: `localhost` and `127.0.0.1`.
    static func names(forHosts hosts: [String]) throws(PKIError) -> [SubjectAlternativeName] {
        guard hosts.count <= PKILimits.maxHosts else {
            throw .tooManyHosts(count: hosts.count, maxCount: PKILimits.maxHosts)
        }
        if hosts.isEmpty { return [.dns("localhost"), .ipAddress("127.0.0.1")] }
        var names: [SubjectAlternativeName] = []
        for host in hosts {
            let name = try SubjectAlternativeName(host: host)
            if !names.contains(name) { names.append(name) }
        }
        return names
    }

    private static func canonicalAddress(_ text: String) -> String? {
        for (family, length) in [(AF_INET, 4), (AF_INET6, 16)] {
            var address = [UInt8](repeating: 0, count: length)
            if inet_pton(family, text, &address) == 1 { return format(address: address) }
        }
        return nil
    }

    /// The text form of a 4- or 16-byte address; nil for any other length.
    static func format(address: [UInt8]) -> String? {
        let family: Int32
        switch address.count {
        case 4: family = AF_INET
        case 16: family = AF_INET6
        default: return nil
        }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(family, address, &text, socklen_t(text.count)) != nil else { return nil }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func isDNSName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty, bytes.count <= PKILimits.maxDNSNameBytes else { return false }
        let labels = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        for label in labels {
            guard !label.isEmpty, label.count <= PKILimits.maxDNSLabelBytes,
                  label.first != UInt8(ascii: "-"), label.last != UInt8(ascii: "-"),
                  label.allSatisfy({ isLetterOrDigit($0) || $0 == UInt8(ascii: "-") }) else { return false }
        }
        // RFC 3696 §2: a top-level label is never all digits, so "10.1" is a mistyped address.
        return !(labels.last ?? []).allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    private static func isLetterOrDigit(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }
}

/// A `GENERAL_NAMES` stack: the body of a subjectAltName extension.
struct GeneralNames: ~Copyable {
    /// `GENERAL_NAMES*`, owned together with its entries (`GENERAL_NAMES_free` frees both).
    let handle: OpaquePointer

    /// Encodes `names`. Each entry is built by `a2i_GENERAL_NAME` from text already validated
    /// by `SubjectAlternativeName(host:)`, so no configuration syntax is ever parsed from a host.
    init(_ names: [SubjectAlternativeName]) throws(PKIError) {
        guard let handle = GENERAL_NAMES_new() else { throw .openssl(OpenSSLError(operation: "GENERAL_NAMES_new")) }
        do throws(PKIError) {
            for name in names {
                try Self.append(name, to: handle)
            }
        } catch {
            // Not yet owned by self, whose deinit only runs once init completes.
            GENERAL_NAMES_free(handle)
            throw error
        }
        self.handle = handle
    }

    private static func append(_ name: SubjectAlternativeName, to handle: OpaquePointer) throws(PKIError) {
        let type: Int32
        switch name {
        case .dns: type = GEN_DNS
        case .ipAddress: type = GEN_IPADD
        }
        guard let entry = a2i_GENERAL_NAME(nil, nil, nil, type, name.host, 0) else {
            throw .openssl(OpenSSLError(operation: "a2i_GENERAL_NAME(\(name))"))
        }
        guard kp_sk_GENERAL_NAME_push(handle, entry) > 0 else {
            // The stack did not take the entry, so it is still ours to free.
            GENERAL_NAME_free(entry)
            throw .openssl(OpenSSLError(operation: "sk_GENERAL_NAME_push"))
        }
    }

    /// Takes ownership of a decoded stack (from `X509_get_ext_d2i` or `X509V3_get_d2i`).
    init(taking handle: OpaquePointer) {
        self.handle = handle
    }

    deinit { GENERAL_NAMES_free(handle) }

    /// The DNS and IP entries. Other kinds (email, URI, directory names) play no part in how
    /// members find and authenticate each other, so they are left out.
    var names: [SubjectAlternativeName] {
        var names: [SubjectAlternativeName] = []
        for index in 0..<kp_sk_GENERAL_NAME_num(handle) {
            guard let entry = kp_sk_GENERAL_NAME_value(handle, index) else { continue }
            switch entry.pointee.type {
            case GEN_DNS:
                if let text = entry.pointee.d.dNSName, let bytes = ASN1_STRING_get0_data(text) {
                    let count = Int(ASN1_STRING_length(text))
                    names.append(.dns(String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)))
                }
            case GEN_IPADD:
                if let octets = entry.pointee.d.iPAddress, let bytes = ASN1_STRING_get0_data(octets),
                   let address = SubjectAlternativeName.format(
                       address: Array(UnsafeBufferPointer(start: bytes, count: Int(ASN1_STRING_length(octets)))))
                {
                    names.append(.ipAddress(address))
                }
            default:
                continue
            }
        }
        return names
    }
}
