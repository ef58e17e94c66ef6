import Foundation
import Node

/// Why a PKI operation failed, worded for the operator who has to fix it.
public enum PKIError: Error, CustomStringConvertible, Sendable {
    /// Refused to replace an existing file: keys and CAs are never overwritten.
    case fileExists(path: String)
    /// A system call on `path` failed with `errno`.
    case io(path: String, errno: Int32)
    /// The file or text is larger than any PEM this PKI reads.
    case tooLarge(source: String, maxBytes: Int)
    /// The PEM text held no certificate.
    case noCertificate(source: String)
    case tooManyCertificates(source: String, maxCount: Int)
    /// A subject `serialNumber` that is not a 20-digit OIN.
    case invalidOIN(String)
    /// The subject carries no (or more than one) `serialNumber`, so no OIN.
    case missingOIN
    /// The subject carries no (or more than one) common name.
    case missingCommonName
    /// A member or CA name that cannot be a common name.
    case invalidName(String)
    /// A host that is neither an IP address literal nor a DNS name.
    case invalidHost(String)
    case tooManyHosts(count: Int, maxCount: Int)
    case invalidValidity(days: Int, allowed: ClosedRange<Int>)
    /// The certificate would stay valid after its CA expires, so it would fail early anyway.
    case validityExceedsAuthority(authorityNotAfter: Date)
    case notACertificateAuthority(path: String)
    case keyDoesNotMatchCertificate(keyPath: String, certificatePath: String)
    /// A key weaker than 112 bits of security (NIST SP 800-131A's floor).
    case weakKey(securityBits: Int32)
    /// A structure OpenSSL parsed but this PKI refuses, with the reason.
    case malformed(String)
    /// A certificate request whose signature does not verify with its own public key.
    case signatureInvalid
    case openssl(OpenSSLError)

    public var description: String {
        switch self {
        case .fileExists(let path):
            return "\(path) already exists; refusing to overwrite it (move it away first)"
        case .io(let path, let errno):
            return "\(path): \(String(cString: strerror(errno))) (errno \(errno))"
        case .tooLarge(let source, let maxBytes):
            return "\(source) is larger than \(maxBytes) bytes; no PEM this tool reads is that big"
        case .noCertificate(let source):
            return "\(source) holds no PEM certificate (expected -----BEGIN CERTIFICATE-----)"
        case .tooManyCertificates(let source, let maxCount):
            return "\(source) holds more than \(maxCount) certificates; no chain is that long"
        case .invalidOIN(let text):
            return "subject serialNumber \"\(text)\" is not an OIN (exactly 20 digits)"
        case .missingOIN:
            return "the subject has no single serialNumber carrying the member's OIN"
        case .missingCommonName:
            return "the subject has no single common name (CN)"
        case .invalidName(let name):
            return "\"\(name)\" cannot be a certificate name: use 1 to \(PKILimits.maxNameCharacters) characters"
        case .invalidHost(let host):
            return "\"\(host)\" is neither an IPv4/IPv6 address nor a DNS name (letters, digits, '-' and '.')"
        case .tooManyHosts(let count, let maxCount):
            return "\(count) hosts given; a certificate carries at most \(maxCount)"
        case .invalidValidity(let days, let allowed):
            return "validity of \(days) days is outside \(allowed.lowerBound)...\(allowed.upperBound) days"
        case .validityExceedsAuthority(let authorityNotAfter):
            return "the certificate would outlive its CA, which expires \(authorityNotAfter); "
                + "choose fewer validity days or renew the CA"
        case .notACertificateAuthority(let path):
            return "\(path) is not a CA certificate (basicConstraints CA:TRUE with keyCertSign)"
        case .keyDoesNotMatchCertificate(let keyPath, let certificatePath):
            return "the private key \(keyPath) does not belong to the certificate \(certificatePath)"
        case .weakKey(let securityBits):
            return "the key offers \(securityBits) bits of security; at least "
                + "\(PKILimits.minKeySecurityBits) are required (P-256, or RSA of 2048 bits or more)"
        case .malformed(let reason):
            return "malformed input: \(reason)"
        case .signatureInvalid:
            return "the certificate request's signature does not verify with its own public key "
                + "(the request was altered or damaged)"
        case .openssl(let error):
            return error.description
        }
    }
}
