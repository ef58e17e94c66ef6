import Foundation
import Node
import Schemas

/// The registry's members: who is admitted, under which keys, where they serve, and whether
/// they are still active. The directory is built from these tables on every request, and the
/// registry's own peer check reads them, so a revocation made by the CLI counts at once, also
/// on the running registry.
public struct RegistryStore: Sendable {
    /// Federation's first migration (versions 30-39). The single `registry_directory` row holds
    /// the directory's serial and when it last changed.
    public static let migration = Migration(version: 30, name: "registry members", sql: """
        CREATE TABLE registry_members (
            oin TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            cbs_code TEXT,
            base_url TEXT NOT NULL,
            certificate_sha256 TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('active', 'revoked')),
            admitted_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            revoked_at TEXT
        );
        CREATE TABLE registry_member_keys (
            oin TEXT NOT NULL REFERENCES registry_members (oin),
            spki_sha256 TEXT NOT NULL,
            spki BLOB NOT NULL,
            added_at TEXT NOT NULL,
            PRIMARY KEY (oin, spki_sha256)
        );
        CREATE TABLE registry_certificates (
            serial_number TEXT PRIMARY KEY,
            oin TEXT NOT NULL REFERENCES registry_members (oin),
            sha256 TEXT NOT NULL,
            spki_sha256 TEXT NOT NULL,
            not_after TEXT NOT NULL,
            issued_at TEXT NOT NULL
        );
        CREATE TABLE registry_directory (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            serial INTEGER NOT NULL,
            changed_at TEXT NOT NULL
        );
        INSERT INTO registry_directory (id, serial, changed_at) VALUES (1, 0, '1970-01-01T00:00:00.000Z');
        """)

    /// A member to add or renew, with the certificate just issued for it.
    public struct Admission: Sendable {
        public let oin: OIN
        public let name: String
        /// Nil keeps a renewed member's code.
        public let cbsCode: CBSCode?
        public let baseURL: String
        public let certificate: Certificate
        /// A revoked member becomes active again, with only the new key.
        public let reinstate: Bool

        public init(oin: OIN, name: String, cbsCode: CBSCode?, baseURL: String, certificate: Certificate, reinstate: Bool) {
            self.oin = oin
            self.name = name
            self.cbsCode = cbsCode
            self.baseURL = baseURL
            self.certificate = certificate
            self.reinstate = reinstate
        }
    }

    public enum AdmissionOutcome: String, Sendable, Equatable {
        case admitted
        /// An active member got a new certificate; a new key is listed beside the old ones.
        case renewed
        case reinstated
    }

    /// The directory's content at one moment, read in one transaction.
    public struct Snapshot: Sendable {
        public let serial: Int64
        public let changedAt: String
        public let members: [DirectoryMember]
    }

    private let database: Database
    /// The registry's own OIN, whose entry admit, revoke and update never touch.
    private let registryOIN: OIN

    public init(database: Database, registryOIN: OIN) {
        self.database = database
        self.registryOIN = registryOIN
    }

    /// Adds the registry's own entry, once, when its data folder is made.
    public func addRegistryItself(name: String, baseURL: String, certificate: Certificate) throws {
        try database.write { connection in
            try insertMember(Admission(oin: registryOIN, name: name, cbsCode: nil, baseURL: baseURL, certificate: certificate,
                                       reinstate: false), in: connection, action: "admit")
        }
    }

    /// Admits a new member, renews an active one, or reinstates a revoked one when asked to.
    public func admit(_ admission: Admission) throws -> AdmissionOutcome {
        guard admission.oin != registryOIN else { throw RegistryError.registryOwnEntry(admission.oin) }
        return try database.write { connection in
            guard let existing = try member(admission.oin, in: connection) else {
                try insertMember(admission, in: connection, action: "admit")
                return .admitted
            }
            let now = RFC3339.string(from: Date())
            if existing.status == .revoked {
                guard admission.reinstate else { throw RegistryError.revokedMember(admission.oin) }
                // The old keys may be why it was revoked: only the new one counts.
                try connection.run("DELETE FROM registry_member_keys WHERE oin = ?", [.text(admission.oin.value)])
            }
            try connection.run("""
                UPDATE registry_members SET name = ?, cbs_code = coalesce(?, cbs_code), base_url = ?, certificate_sha256 = ?,
                    status = 'active', updated_at = ?, revoked_at = NULL
                WHERE oin = ?
                """, [.text(admission.name), admission.cbsCode.map { .text($0.value) } ?? .null, .text(admission.baseURL),
                      .text(admission.certificate.sha256FingerprintHex), .text(now), .text(admission.oin.value)])
            try addKeyAndCertificate(admission, at: now, in: connection)
            let outcome: AdmissionOutcome = existing.status == .revoked ? .reinstated : .renewed
            try finishChange(admission.oin, before: existing, action: outcome == .reinstated ? "reinstate" : "renew",
                             at: now, in: connection)
            return outcome
        }
    }

    /// Revokes a member: its certificate is refused by the registry from the next request and
    /// by every member after its next directory refresh.
    public func revoke(_ oin: OIN) throws {
        guard oin != registryOIN else { throw RegistryError.registryOwnEntry(oin) }
        try database.write { connection in
            guard let existing = try member(oin, in: connection) else { throw RegistryError.unknownMember(oin) }
            guard existing.status == .active else { throw RegistryError.alreadyRevoked(oin) }
            let now = RFC3339.string(from: Date())
            try connection.run("UPDATE registry_members SET status = 'revoked', revoked_at = ?, updated_at = ? WHERE oin = ?",
                               [.text(now), .text(now), .text(oin.value)])
            try finishChange(oin, before: existing, action: "revoke", at: now, in: connection)
        }
    }

    /// Changes where a member serves or its CBS code; the registry's own entry included, since
    /// the registry may move too.
    public func update(_ oin: OIN, baseURL: String?, cbsCode: CBSCode?) throws {
        if let baseURL, !PeerClient.isValidBaseURL(baseURL) { throw RegistryError.invalidBaseURL(baseURL) }
        try database.write { connection in
            guard let existing = try member(oin, in: connection) else { throw RegistryError.unknownMember(oin) }
            // Nothing to change leaves the serial alone, so members do not fetch an equal directory.
            guard (baseURL != nil && baseURL != existing.baseURL) || (cbsCode != nil && cbsCode != existing.cbsCode) else { return }
            let now = RFC3339.string(from: Date())
            try connection.run("""
                UPDATE registry_members SET base_url = coalesce(?, base_url), cbs_code = coalesce(?, cbs_code), updated_at = ?
                WHERE oin = ?
                """, [baseURL.map { .text($0) } ?? .null, cbsCode.map { .text($0.value) } ?? .null, .text(now), .text(oin.value)])
            try finishChange(oin, before: existing, action: "update", at: now, in: connection)
        }
    }

    public func member(_ oin: OIN) throws -> DirectoryMember? {
        try database.read { connection in try member(oin, in: connection) }
    }

    public func snapshot() throws -> Snapshot {
        try database.read { connection in
            guard let state = try connection.queryOne("SELECT serial, changed_at FROM registry_directory WHERE id = 1") else {
                preconditionFailure("migration 30 inserts the registry_directory row")
            }
            let keys = try allKeys(in: connection)
            let members = try connection.query("SELECT * FROM registry_members ORDER BY oin").map { row in
                try Self.member(from: row, keys: keys)
            }
            return Snapshot(serial: try state.required("serial"), changedAt: try state.required("changed_at"), members: members)
        }
    }

    /// The registry's own peer check: an active member presenting one of its listed keys.
    public func admits(oin: OIN, publicKeySHA256: String) throws -> Bool {
        try database.read { connection in
            try connection.queryOne("""
                SELECT 1 AS found FROM registry_members m JOIN registry_member_keys k ON k.oin = m.oin
                WHERE m.oin = ? AND m.status = 'active' AND k.spki_sha256 = ?
                """, [.text(oin.value), .text(publicKeySHA256)]) != nil
        }
    }

    private func insertMember(_ admission: Admission, in connection: SQLiteConnection, action: String) throws {
        let now = RFC3339.string(from: Date())
        try connection.run("""
            INSERT INTO registry_members (oin, name, cbs_code, base_url, certificate_sha256, status, admitted_at, updated_at)
            VALUES (?, ?, ?, ?, ?, 'active', ?, ?)
            """, [.text(admission.oin.value), .text(admission.name), admission.cbsCode.map { .text($0.value) } ?? .null,
                  .text(admission.baseURL), .text(admission.certificate.sha256FingerprintHex), .text(now), .text(now)])
        try addKeyAndCertificate(admission, at: now, in: connection)
        try finishChange(admission.oin, before: nil, action: action, at: now, in: connection)
    }

    /// Lists the certificate's key (if new) and keeps at most `maxKeysPerMember`, dropping the
    /// oldest: a rotated key stays valid beside the new one until rotated out.
    private func addKeyAndCertificate(_ admission: Admission, at now: String, in connection: SQLiteConnection) throws {
        let key = admission.certificate.publicKey
        try connection.run("""
            INSERT INTO registry_member_keys (oin, spki_sha256, spki, added_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (oin, spki_sha256) DO UPDATE SET added_at = excluded.added_at
            """, [.text(admission.oin.value), .text(key.spkiSHA256Hex), .blob(key.spkiDER), .text(now)])
        try connection.run("""
            DELETE FROM registry_member_keys WHERE oin = ? AND spki_sha256 NOT IN (
                SELECT spki_sha256 FROM registry_member_keys WHERE oin = ? ORDER BY added_at DESC, spki_sha256 LIMIT ?)
            """, [.text(admission.oin.value), .text(admission.oin.value), .integer(Int64(DirectoryLimits.maxKeysPerMember))])
        try connection.run("""
            INSERT INTO registry_certificates (serial_number, oin, sha256, spki_sha256, not_after, issued_at)
            VALUES (?, ?, ?, ?, ?, ?)
            """, [.text(admission.certificate.serialNumberHex), .text(admission.oin.value),
                  .text(admission.certificate.sha256FingerprintHex), .text(key.spkiSHA256Hex),
                  .text(RFC3339.string(from: admission.certificate.notAfter)), .text(now)])
    }

    /// Bumps the directory's serial and writes the audit entry, inside the change's transaction.
    /// The serial is the larger of "one more" and the current Unix time in milliseconds, so a
    /// registry restored from a backup still moves past every serial its members have seen
    /// with its first change after the restore.
    private func finishChange(_ oin: OIN, before: DirectoryMember?, action: String, at now: String,
                              in connection: SQLiteConnection) throws {
        let milliseconds = Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
        try connection.run("UPDATE registry_directory SET serial = max(serial + 1, ?), changed_at = ? WHERE id = 1",
                           [.integer(milliseconds), .text(now)])
        let after = try member(oin, in: connection)
        try AuditLog.record(in: connection, actor: "cli", action: action, resource: "member", resourceID: oin.value,
                            version: nil, oldContent: before?.canonicalBytes, newContent: after?.canonicalBytes, requestID: nil)
    }

    private func member(_ oin: OIN, in connection: SQLiteConnection) throws -> DirectoryMember? {
        guard let row = try connection.queryOne("SELECT * FROM registry_members WHERE oin = ?", [.text(oin.value)]) else {
            return nil
        }
        return try Self.member(from: row, keys: try allKeys(in: connection, oin: oin))
    }

    /// Keys by OIN, newest first.
    private func allKeys(in connection: SQLiteConnection, oin: OIN? = nil) throws -> [OIN: [DirectoryMember.Key]] {
        let filter = oin == nil ? "" : " WHERE oin = ?"
        let rows = try connection.query("SELECT oin, spki_sha256, spki FROM registry_member_keys" + filter
                                            + " ORDER BY oin, added_at DESC, spki_sha256", oin.map { [.text($0.value)] } ?? [])
        var keys: [OIN: [DirectoryMember.Key]] = [:]
        for row in rows {
            guard let owner = OIN(try row.required("oin", as: String.self)) else {
                throw StoreError.typeMismatch(column: "oin", expected: "OIN", found: "text")
            }
            keys[owner, default: []].append(DirectoryMember.Key(sha256: try row.required("spki_sha256"), spkiDER: try row.required("spki")))
        }
        return keys
    }

    private static func member(from row: SQLRow, keys: [OIN: [DirectoryMember.Key]]) throws -> DirectoryMember {
        let oinText: String = try row.required("oin")
        guard let oin = OIN(oinText) else { throw StoreError.typeMismatch(column: "oin", expected: "OIN", found: "text") }
        let statusText: String = try row.required("status")
        guard let status = DirectoryMember.Status(rawValue: statusText) else {
            throw StoreError.typeMismatch(column: "status", expected: "active or revoked", found: "text")
        }
        return DirectoryMember(oin: oin, name: try row.required("name"), cbsCode: row.string("cbs_code").flatMap(CBSCode.init),
                               baseURL: try row.required("base_url"), certificateSHA256: try row.required("certificate_sha256"),
                               keys: keys[oin] ?? [], status: status, updatedAt: try row.required("updated_at"))
    }
}
