import Foundation
import Node
import Schemas

/// Reads a directory document from bytes (a registry's response or the copy on disk) and checks
/// every field's shape. It does not decide trust: `DirectoryVerifier` does, over the result.
enum DirectoryDocumentParser {
    private struct Document: Decodable {
        let serial: Int64
        let issuedAt: String
        let signerOin: String
        let signerCertificate: String
        let signature: String
        let members: [Member]
    }

    private struct Member: Decodable {
        let oin: String
        let name: String
        let cbsCode: String?
        let baseUrl: String
        let certificateSha256: String
        let publicKeySha256: [String]
        let publicKeySpki: [String]
        let status: String
        let updatedAt: String
    }

    /// The document as a signed directory. Refuses anything but the canonical encoding of the
    /// parsed content, so the signature covers every byte the node acted on: no unknown fields,
    /// duplicate keys, escapes or whitespace that the signed form would not have.
    static func parse(_ bytes: [UInt8]) throws(DirectoryError) -> SignedDirectory {
        guard bytes.count <= DirectoryLimits.maxDocumentBytes else {
            throw .tooLarge(maxBytes: DirectoryLimits.maxDocumentBytes)
        }
        let document: Document
        do {
            document = try JSONDecoder().decode(Document.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw .malformed(ConfigurationError.describe(error))
        } catch {
            throw .malformed(String(describing: error))
        }
        guard document.members.count <= DirectoryLimits.maxMembers else {
            throw .malformed("more than \(DirectoryLimits.maxMembers) members")
        }
        guard document.serial >= 1 else { throw .malformed("serial must be positive") }
        try checkTimestamp(document.issuedAt, field: "issuedAt")
        guard let signerOIN = OIN(document.signerOin) else { throw .malformed("signerOin is not an OIN") }
        let signerCertificate = try base64(document.signerCertificate, field: "signerCertificate",
                                           maxBytes: DirectoryLimits.maxDocumentBytes)
        let signature = try base64(document.signature, field: "signature", maxBytes: DirectoryLimits.maxSignatureBytes)
        var members: [DirectoryMember] = []
        members.reserveCapacity(document.members.count)
        for (index, member) in document.members.enumerated() {
            let parsed = try parseMember(member, field: "members.\(index)")
            // Strictly ascending OINs: sorted, and no OIN listed twice (which entry would count?).
            if let previous = members.last, previous.oin >= parsed.oin {
                throw .malformed("members.\(index): OIN \(parsed.oin) is out of order or listed twice")
            }
            members.append(parsed)
        }
        let signed = SignedDirectory(
            directory: MemberDirectory(serial: document.serial, issuedAt: document.issuedAt, signerOIN: signerOIN,
                                       signerCertificateDER: signerCertificate, members: members),
            signature: signature)
        guard signed.documentBytes == bytes else { throw .notCanonical }
        return signed
    }

    private static func parseMember(_ member: Member, field: String) throws(DirectoryError) -> DirectoryMember {
        guard let oin = OIN(member.oin) else { throw .malformed("\(field).oin is not an OIN") }
        let scalars = member.name.unicodeScalars
        guard !scalars.isEmpty, scalars.count <= DirectoryLimits.maxNameCharacters,
              !scalars.contains(where: { [.control, .format].contains($0.properties.generalCategory) }) else {
            throw .malformed("\(field).name must be 1 to \(DirectoryLimits.maxNameCharacters) printable characters")
        }
        var cbsCode: CBSCode?
        if let code = member.cbsCode {
            guard let parsed = CBSCode(code) else { throw .malformed("\(field).cbsCode is not a CBS code") }
            cbsCode = parsed
        }
        guard member.baseUrl.utf8.count <= DirectoryLimits.maxURLBytes, PeerClient.isValidBaseURL(member.baseUrl) else {
            throw .malformed("\(field).baseUrl is not an https base URL")
        }
        guard isSHA256Hex(member.certificateSha256) else {
            throw .malformed("\(field).certificateSha256 is not 64 lowercase hex digits")
        }
        guard let status = DirectoryMember.Status(rawValue: member.status) else {
            throw .malformed("\(field).status must be one of \(DirectoryMember.Status.allCases.map(\.rawValue))")
        }
        try checkTimestamp(member.updatedAt, field: "\(field).updatedAt")
        let keys = try parseKeys(member, field: field)
        return DirectoryMember(oin: oin, name: member.name, cbsCode: cbsCode, baseURL: member.baseUrl,
                               certificateSHA256: member.certificateSha256, keys: keys, status: status,
                               updatedAt: member.updatedAt)
    }

    /// The hashes and the keys are listed side by side; each key must parse and hash to the
    /// hash beside it, so the two lists can never disagree about who may connect.
    private static func parseKeys(_ member: Member, field: String) throws(DirectoryError) -> [DirectoryMember.Key] {
        guard (1...DirectoryLimits.maxKeysPerMember).contains(member.publicKeySha256.count),
              member.publicKeySpki.count == member.publicKeySha256.count else {
            throw .malformed("\(field) must list 1 to \(DirectoryLimits.maxKeysPerMember) keys, "
                + "with publicKeySha256 and publicKeySpki of equal length")
        }
        var keys: [DirectoryMember.Key] = []
        for (position, (hash, encoded)) in zip(member.publicKeySha256, member.publicKeySpki).enumerated() {
            let spki = try base64(encoded, field: "\(field).publicKeySpki.\(position)", maxBytes: 4096)
            let key: PublicKey
            do {
                key = try PublicKey(spkiDER: spki)
            } catch {
                throw .malformed("\(field).publicKeySpki.\(position) is not a usable public key: \(error)")
            }
            guard key.spkiSHA256Hex == hash, !keys.contains(where: { $0.sha256 == hash }) else {
                throw .malformed("\(field).publicKeySha256.\(position) does not match its key, or is listed twice")
            }
            keys.append(DirectoryMember.Key(sha256: hash, spkiDER: spki))
        }
        return keys
    }

    private static func base64(_ text: String, field: String, maxBytes: Int) throws(DirectoryError) -> [UInt8] {
        guard text.utf8.count <= (maxBytes / 3 + 1) * 4, let data = Data(base64Encoded: text), !data.isEmpty else {
            throw .malformed("\(field) is not base64 of at most \(maxBytes) bytes")
        }
        return Array(data)
    }

    private static func checkTimestamp(_ text: String, field: String) throws(DirectoryError) {
        guard !text.isEmpty, text.utf8.count <= DirectoryLimits.maxTimestampBytes, text.hasSuffix("Z"),
              text.utf8.allSatisfy({ (0x30...0x39).contains($0) || [0x2d, 0x3a, 0x2e, 0x54, 0x5a].contains($0) }) else {
            throw .malformed("\(field) is not an RFC 3339 UTC timestamp")
        }
    }

    static func isSHA256Hex(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}
