import Schemas

/// A participation task: a small job in public space that staff offer and residents take on for a
/// reward (Heerlen's "clear litter from the Aambos park paths", €5, 20 places). Claims are taken
/// from `periodStart` to `periodEnd` (dates, inclusive, UTC); at most `capacity` claims are
/// approved, each paying `rewardCents` from the issuance account.
public struct ParticipationTask: Sendable, Equatable, Encodable {
    public let id: String
    public let title: String
    public let description: String
    public let rewardCents: Int64
    public let capacity: Int64
    public let approvedClaims: Int64
    public let periodStart: String
    public let periodEnd: String
    /// Where the task takes place, as text ("Aambos park, Heerlen").
    public let location: String?
    public let createdAt: String

    static let columns = "id, title, description, reward_cents, capacity, approved_count, period_start, period_end, location, created_at"

    init(id: String, title: String, description: String, rewardCents: Int64, capacity: Int64, approvedClaims: Int64,
         periodStart: String, periodEnd: String, location: String?, createdAt: String) {
        self.id = id
        self.title = title
        self.description = description
        self.rewardCents = rewardCents
        self.capacity = capacity
        self.approvedClaims = approvedClaims
        self.periodStart = periodStart
        self.periodEnd = periodEnd
        self.location = location
        self.createdAt = createdAt
    }

    init(row: SQLRow) throws {
        self.init(id: try row.required("id"), title: try row.required("title"), description: try row.required("description"),
                  rewardCents: try row.required("reward_cents"), capacity: try row.required("capacity"),
                  approvedClaims: try row.required("approved_count"), periodStart: try row.required("period_start"),
                  periodEnd: try row.required("period_end"), location: row.string("location"), createdAt: try row.required("created_at"))
    }

    /// Why the task takes no claims on `today` (a `YYYY-MM-DD` date), or nil when it does.
    func closedReason(today: String) -> String? {
        if today < periodStart { return "its period starts on \(periodStart)" }
        if today > periodEnd { return "its period ended on \(periodEnd)" }
        if approvedClaims >= capacity { return "all \(capacity) places are taken" }
        return nil
    }

    /// The canonical bytes the audit trail hashes.
    var auditContent: [UInt8] {
        CanonicalJSONWriter.object { writer in
            writer.writeMember("capacity", capacity)
            writer.writeMember("description", description)
            writer.writeMember("id", id)
            writer.writeMember("location", location)
            writer.writeMember("periodEnd", periodEnd)
            writer.writeMember("periodStart", periodStart)
            writer.writeMember("rewardCents", rewardCents)
            writer.writeMember("title", title)
        }
    }

    /// Nil when `text` is a real calendar date written `YYYY-MM-DD`, else the reason.
    public static func problem(withDate text: String) -> String? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.utf8.count == 10, parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") } }),
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]), (1...12).contains(month), year >= 2000
        else { return "must be a date written YYYY-MM-DD" }
        let isLeap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let days = [31, isLeap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        guard (1...days).contains(day) else { return "is not a day of that month" }
        return nil
    }
}

/// The task rows.
enum TaskStore {
    static func find(_ id: String, in connection: SQLiteConnection) throws -> ParticipationTask? {
        try connection.queryOne("SELECT \(ParticipationTask.columns) FROM coin_tasks WHERE id = ?", [.text(id)])
            .map(ParticipationTask.init(row:))
    }

    static func insert(_ task: ParticipationTask, in connection: SQLiteConnection) throws {
        try connection.run("""
            INSERT INTO coin_tasks (id, title, description, reward_cents, capacity, approved_count, period_start, period_end,
                location, created_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?, ?)
            """, [.text(task.id), .text(task.title), .text(task.description), .integer(task.rewardCents), .integer(task.capacity),
                  .text(task.periodStart), .text(task.periodEnd), task.location.map(SQLValue.text) ?? .null, .text(task.createdAt)])
    }

    /// Writes staff's corrections; the table's CHECKs back the capacity and period rules.
    static func update(_ task: ParticipationTask, in connection: SQLiteConnection) throws {
        let changed = try connection.run("""
            UPDATE coin_tasks SET title = ?, description = ?, capacity = ?, period_end = ?, location = ? WHERE id = ?
            """, [.text(task.title), .text(task.description), .integer(task.capacity), .text(task.periodEnd),
                  task.location.map(SQLValue.text) ?? .null, .text(task.id)])
        precondition(changed == 1, "only an existing task is updated")
    }

    /// Takes one place for an approved claim; the table's CHECK keeps it within capacity.
    static func countApproval(_ id: String, in connection: SQLiteConnection) throws {
        let changed = try connection.run("UPDATE coin_tasks SET approved_count = approved_count + 1 WHERE id = ? AND approved_count < capacity",
                                         [.text(id)])
        precondition(changed == 1, "capacity is checked before a claim is approved")
    }

    static func page(request: PageRequest, in connection: SQLiteConnection) throws -> (items: [ParticipationTask], count: Int) {
        let count = try connection.queryOne("SELECT count(*) AS n FROM coin_tasks")?.int("n") ?? 0
        let rows = try connection.query("""
            SELECT \(ParticipationTask.columns) FROM coin_tasks ORDER BY period_start DESC, id LIMIT ? OFFSET ?
            """, [.integer(Int64(request.size)), .integer(Int64(request.offset))])
        return (try rows.map(ParticipationTask.init(row:)), count)
    }
}
