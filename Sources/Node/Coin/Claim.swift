import Foundation
import Schemas

/// Where a claim stands.
public enum ClaimStatus: String, Sendable, CaseIterable, Codable {
    case submitted
    case approved
    case rejected
}

/// A resident's claim to have done a task, submitted by an integrator (the resident portal) and
/// decided once by staff. Approval pays the task's reward into the resident's account, in the
/// same transaction: the reward transfer's id is derived from the claim's id, so it exists at
/// most once whatever retries happen.
public struct Claim: Sendable, Equatable, Encodable {
    public let id: String
    public let taskId: String
    /// The resident's pseudonymous holder reference; the reward goes to `resident:<resident>`.
    public let resident: String
    public let note: String?
    public let status: ClaimStatus
    public let submittedAt: String
    public let decidedAt: String?
    public let rejectionReason: String?
    /// The reward transfer, once approved.
    public let transferId: String?
    let requestHash: [UInt8]

    enum CodingKeys: String, CodingKey {
        case id, taskId, resident, note, status, submittedAt, decidedAt, rejectionReason, transferId
    }

    static let columns = "id, task_id, resident, note, status, submitted_at, decided_at, rejection_reason, transfer_id, request_hash"

    init(id: String, taskId: String, resident: String, note: String?, status: ClaimStatus, submittedAt: String, decidedAt: String?,
         rejectionReason: String?, transferId: String?, requestHash: [UInt8]) {
        self.id = id
        self.taskId = taskId
        self.resident = resident
        self.note = note
        self.status = status
        self.submittedAt = submittedAt
        self.decidedAt = decidedAt
        self.rejectionReason = rejectionReason
        self.transferId = transferId
        self.requestHash = requestHash
    }

    init(row: SQLRow) throws {
        let status: String = try row.required("status")
        guard let parsedStatus = ClaimStatus(rawValue: status) else {
            throw StoreError.typeMismatch(column: "status", expected: "a claim status", found: status)
        }
        self.init(id: try row.required("id"), taskId: try row.required("task_id"), resident: try row.required("resident"),
                  note: row.string("note"), status: parsedStatus, submittedAt: try row.required("submitted_at"),
                  decidedAt: row.string("decided_at"), rejectionReason: row.string("rejection_reason"),
                  transferId: row.string("transfer_id"), requestHash: try row.required("request_hash"))
    }

    /// The claim as its submission answered it, for a replayed submission.
    func asSubmitted() -> Claim {
        Claim(id: id, taskId: taskId, resident: resident, note: note, status: .submitted, submittedAt: submittedAt, decidedAt: nil,
              rejectionReason: nil, transferId: nil, requestHash: requestHash)
    }

    /// The id of the reward transfer an approval makes: a name-based UUID (version 5) of the
    /// claim's id, so one claim can only ever pay one reward.
    static func rewardTransferID(claimID: String) -> String {
        NameBasedUUID.make(namespace: rewardNamespace, name: claimID).uuidString.lowercased()
    }

    /// The namespace of reward transfer ids: the version 5 UUID of
    /// "coin-rewards.knooppunt.vng.example" in RFC 9562's DNS namespace, fixed here for good.
    // The literal is a valid UUID, so the force unwrap cannot fail.
    private static let rewardNamespace = UUID(uuidString: "8fd8c752-d7df-5106-bee1-4d8adfdbecf6")!

    /// The canonical bytes the audit trail hashes.
    var auditContent: [UInt8] {
        CanonicalJSONWriter.object { writer in
            writer.writeMember("id", id)
            writer.writeMember("rejectionReason", rejectionReason)
            writer.writeMember("resident", resident)
            writer.writeMember("status", status.rawValue)
            writer.writeMember("taskId", taskId)
            writer.writeMember("transferId", transferId)
        }
    }
}

/// The claim rows.
enum ClaimStore {
    static func find(_ id: String, in connection: SQLiteConnection) throws -> Claim? {
        try connection.queryOne("SELECT \(Claim.columns) FROM coin_claims WHERE id = ?", [.text(id)]).map(Claim.init(row:))
    }

    static func find(task taskID: String, resident: String, in connection: SQLiteConnection) throws -> Claim? {
        try connection.queryOne("SELECT \(Claim.columns) FROM coin_claims WHERE task_id = ? AND resident = ?",
                                [.text(taskID), .text(resident)]).map(Claim.init(row:))
    }

    static func insert(_ claim: Claim, in connection: SQLiteConnection) throws {
        try connection.run("""
            INSERT INTO coin_claims (id, task_id, resident, note, status, submitted_at, request_hash) VALUES (?, ?, ?, ?, 'submitted', ?, ?)
            """, [.text(claim.id), .text(claim.taskId), .text(claim.resident), claim.note.map(SQLValue.text) ?? .null,
                  .text(claim.submittedAt), .blob(claim.requestHash)])
    }

    static func decide(_ id: String, status: ClaimStatus, at now: String, rejectionReason: String?, transferID: String?,
                       in connection: SQLiteConnection) throws {
        precondition(status != .submitted, "a decision approves or rejects")
        let changed = try connection.run("""
            UPDATE coin_claims SET status = ?, decided_at = ?, rejection_reason = ?, transfer_id = ? WHERE id = ? AND status = 'submitted'
            """, [.text(status.rawValue), .text(now), rejectionReason.map(SQLValue.text) ?? .null,
                  transferID.map(SQLValue.text) ?? .null, .text(id)])
        precondition(changed == 1, "a submitted claim is decided exactly once")
    }

    static func page(taskID: String?, resident: String?, status: ClaimStatus?, request: PageRequest,
                     in connection: SQLiteConnection) throws -> (items: [Claim], count: Int) {
        let filters: [SQLValue] = [
            taskID.map(SQLValue.text) ?? .null, taskID.map(SQLValue.text) ?? .null,
            resident.map(SQLValue.text) ?? .null, resident.map(SQLValue.text) ?? .null,
            status.map { .text($0.rawValue) } ?? .null, status.map { .text($0.rawValue) } ?? .null,
        ]
        let filter = "(? IS NULL OR task_id = ?) AND (? IS NULL OR resident = ?) AND (? IS NULL OR status = ?)"
        let count = try connection.queryOne("SELECT count(*) AS n FROM coin_claims WHERE \(filter)", filters)?.int("n") ?? 0
        let rows = try connection.query("""
            SELECT \(Claim.columns) FROM coin_claims WHERE \(filter) ORDER BY submitted_at DESC, id LIMIT ? OFFSET ?
            """, filters + [.integer(Int64(request.size)), .integer(Int64(request.offset))])
        return (try rows.map(Claim.init(row:)), count)
    }
}
