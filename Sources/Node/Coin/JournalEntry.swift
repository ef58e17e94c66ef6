import Schemas

/// What a journal entry records.
public enum JournalEvent: String, Sendable, CaseIterable, Codable {
    /// A single-phase transfer: debit and credit move at once.
    case createPosted = "create-posted"
    /// A two-phase transfer is created: the amount is reserved on both accounts.
    case createPending = "create-pending"
    /// A pending transfer is posted: the reservation becomes a movement.
    case postPending = "post-pending"
    /// A pending transfer is voided on request: the reservation is released.
    case voidPending = "void-pending"
    /// A pending transfer's timeout passed: the reservation is released.
    case expirePending = "expire-pending"
}

/// One entry of the append-only journal. Every change to a balance is one entry, and each entry's
/// hash covers the previous entry's hash, so changing, removing or reordering any stored entry
/// breaks the chain from there on (invariant 5).
///
/// ## The entry bytes
///
/// The hash is `SHA-256(previousHash ‖ canonicalBytes)`, with 32 zero bytes before the first
/// entry. `canonicalBytes` is this JSON object, byte for byte:
///
/// ```
/// {"amountCents":1250,"at":"2026-03-01T12:00:00.000Z","code":"payment",
///  "creditAccount":"merchant:m-7","debitAccount":"resident:r-1","event":"create-posted",
///  "reference":null,"sequence":7,"timeoutAt":null,"transferId":"…uuid…"}
/// ```
///
/// (one line, no whitespace at all): every key always present and in this order (the keys
/// sorted by their UTF-8 bytes), absent values as `null`; integers in plain decimal, never
/// floats; strings escaped as RFC 8785 (JCS) does: `\"`, `\\`, `\b`, `\t`, `\n`, `\f`, `\r`,
/// other characters below U+0020 as `\u00xx` (lowercase hex), everything else as UTF-8 as it is.
/// For these value types that is exactly the JCS form, so any JCS library reproduces the bytes;
/// the ledger keeps its own encoder so the bytes can never change under it with a library.
public struct JournalEntry: Sendable, Equatable {
    public let sequence: Int64
    /// RFC 3339 UTC with milliseconds, as every timestamp the node writes.
    public let at: String
    public let event: JournalEvent
    public let transferID: String
    public let code: TransferCode
    public let debitAccount: String
    public let creditAccount: String
    public let amountCents: Int64
    public let reference: String?
    /// Set on `create-pending` entries: when the reservation voids itself.
    public let timeoutAt: String?

    public init(sequence: Int64, at: String, event: JournalEvent, transferID: String, code: TransferCode, debitAccount: String,
                creditAccount: String, amountCents: Int64, reference: String?, timeoutAt: String?) {
        self.sequence = sequence
        self.at = at
        self.event = event
        self.transferID = transferID
        self.code = code
        self.debitAccount = debitAccount
        self.creditAccount = creditAccount
        self.amountCents = amountCents
        self.reference = reference
        self.timeoutAt = timeoutAt
    }

    /// Before the first entry.
    public static let genesisHash = [UInt8](repeating: 0, count: 32)

    /// The bytes the hash covers; see the type's documentation for the exact form.
    public var canonicalBytes: [UInt8] {
        CanonicalJSONWriter.object { writer in
            writer.writeMember("amountCents", amountCents)
            writer.writeMember("at", at)
            writer.writeMember("code", code.rawValue)
            writer.writeMember("creditAccount", creditAccount)
            writer.writeMember("debitAccount", debitAccount)
            writer.writeMember("event", event.rawValue)
            writer.writeMember("reference", reference)
            writer.writeMember("sequence", sequence)
            writer.writeMember("timeoutAt", timeoutAt)
            writer.writeMember("transferId", transferID)
        }
    }

    /// This entry's hash in the chain after `previousHash`.
    public func hash(after previousHash: [UInt8]) -> [UInt8] {
        precondition(previousHash.count == 32, "a chain hash is 32 bytes")
        return Digest.sha256(previousHash + canonicalBytes)
    }
}
