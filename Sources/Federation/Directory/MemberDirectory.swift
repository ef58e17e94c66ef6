import Foundation
import Node
import Schemas

/// One member as the directory lists it.
public struct DirectoryMember: Sendable, Equatable {
    public enum Status: String, Sendable, Equatable, CaseIterable {
        case active
        case revoked
    }

    /// A public key the member may present, pinned by the SHA-256 of its SubjectPublicKeyInfo.
    /// The key itself is listed too, so a puller can verify the member's record signatures
    /// without having seen its certificate.
    public struct Key: Sendable, Equatable {
        public let sha256: String
        public let spkiDER: [UInt8]

        public init(sha256: String, spkiDER: [UInt8]) {
            self.sha256 = sha256
            self.spkiDER = spkiDER
        }
    }

    public let oin: OIN
    public let name: String
    public let cbsCode: CBSCode?
    /// Where its node serves, e.g. `https://knooppunt.heerlen.nl:8443`; the federation's paths
    /// are below it.
    public let baseURL: String
    /// SHA-256 of the member's latest certificate (DER), as `openssl x509 -fingerprint -sha256`.
    public let certificateSHA256: String
    /// Newest first; a rotated key stays listed beside the new one for a while.
    public let keys: [Key]
    public let status: Status
    /// RFC 3339, UTC: when the registry last changed this entry.
    public let updatedAt: String

    public init(oin: OIN, name: String, cbsCode: CBSCode?, baseURL: String, certificateSHA256: String, keys: [Key],
                status: Status, updatedAt: String) {
        self.oin = oin
        self.name = name
        self.cbsCode = cbsCode
        self.baseURL = baseURL
        self.certificateSHA256 = certificateSHA256
        self.keys = keys
        self.status = status
        self.updatedAt = updatedAt
    }

    public var isActive: Bool { status == .active }

    /// True when this entry admits a peer presenting a key with this SPKI hash.
    public func admits(publicKeySHA256: String) -> Bool {
        isActive && keys.contains { $0.sha256 == publicKeySHA256 }
    }

    /// What a client calling this member must find in the TLS handshake.
    public var expectation: PeerExpectation {
        PeerExpectation(oin: oin, publicKeySHA256: Set(keys.map(\.sha256)))
    }

    /// The entry in canonical JSON, as the directory lists it: also what the registry's audit
    /// trail hashes.
    var canonicalBytes: [UInt8] {
        var writer = CanonicalJSONWriter()
        write(to: &writer)
        return writer.bytes
    }

    /// Writes the entry, members in JCS order; an absent CBS code is left out.
    func write(to writer: inout CanonicalJSONWriter) {
        writer.writeObject { entry in
            entry.writeMember("baseUrl", baseURL)
            entry.writeMemberIfPresent("cbsCode", cbsCode?.value)
            entry.writeMember("certificateSha256", certificateSHA256)
            entry.writeMember("name", name)
            entry.writeMember("oin", oin.value)
            entry.writeKey("publicKeySha256")
            entry.writeArray { list in
                for key in keys { list.writeString(key.sha256) }
            }
            entry.writeKey("publicKeySpki")
            entry.writeArray { list in
                for key in keys { list.writeString(Data(key.spkiDER).base64EncodedString()) }
            }
            entry.writeMember("status", status.rawValue)
            entry.writeMember("updatedAt", updatedAt)
        }
    }
}

/// The registry's list of members at one moment: the content its signature covers.
public struct MemberDirectory: Sendable, Equatable {
    /// Grows with every change at the registry; a member never accepts a lower one.
    public let serial: Int64
    /// RFC 3339, UTC: when the registry made the change that gave this serial.
    public let issuedAt: String
    /// The registry's OIN; its certificate (below) must carry the same.
    public let signerOIN: OIN
    /// The registry's certificate (DER): the key that verifies the signature, chaining to the
    /// federation's trust anchor. Carried in the document so a member needs nothing pinned but
    /// the trust anchor and the registry's OIN, and so a renewed registry certificate just works.
    public let signerCertificateDER: [UInt8]
    /// Ordered by OIN, one entry per OIN.
    public let members: [DirectoryMember]

    public init(serial: Int64, issuedAt: String, signerOIN: OIN, signerCertificateDER: [UInt8], members: [DirectoryMember]) {
        self.serial = serial
        self.issuedAt = issuedAt
        self.signerOIN = signerOIN
        self.signerCertificateDER = signerCertificateDER
        self.members = members.sorted { $0.oin < $1.oin }
    }

    /// The document without its signature, canonically encoded: exactly the bytes signed.
    public var signedBytes: [UInt8] { canonicalBytes(signature: nil) }

    /// The whole document as served and stored, signature included, canonically encoded.
    func documentBytes(signature: [UInt8]) -> [UInt8] { canonicalBytes(signature: signature) }

    /// The document in canonical JSON, members in JCS order; "signature" sorts between "serial"
    /// and "signerCertificate".
    private func canonicalBytes(signature: [UInt8]?) -> [UInt8] {
        CanonicalJSONWriter.object { document in
            document.writeMember("issuedAt", issuedAt)
            document.writeKey("members")
            document.writeArray { list in
                for member in members { member.write(to: &list) }
            }
            document.writeMember("serial", serial)
            document.writeMemberIfPresent("signature", signature.map { Data($0).base64EncodedString() })
            document.writeMember("signerCertificate", Data(signerCertificateDER).base64EncodedString())
            document.writeMember("signerOin", signerOIN.value)
        }
    }
}

/// A directory together with the registry's signature over its canonical bytes.
public struct SignedDirectory: Sendable {
    public let directory: MemberDirectory
    /// DER-encoded ECDSA (P-256, SHA-256) by the key of `directory.signerCertificateDER`.
    public let signature: [UInt8]
    /// The canonical document, signature included: what the registry serves and members store.
    public let documentBytes: [UInt8]

    public init(directory: MemberDirectory, signature: [UInt8]) {
        self.directory = directory
        self.signature = signature
        self.documentBytes = directory.documentBytes(signature: signature)
    }

    /// A strong validator for the content, the same however often it is signed again (ECDSA
    /// signatures differ each time): a hash of the signed bytes.
    public var entityTag: String { Self.entityTag(signedBytes: directory.signedBytes) }

    static func entityTag(signedBytes: [UInt8]) -> String {
        "\"" + String(Digest.sha256Hex(signedBytes).prefix(32)) + "\""
    }
}
