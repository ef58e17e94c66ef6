import Schemas

/// A local business registered by staff to accept the coin. Its `id` is the pseudonymous holder
/// reference of its account (`merchant:<id>`); its `name` is the trade name residents see, which
/// is public by nature (it is on the shop front and in the KvK register), so it is not screened
/// for personal data as holder references are.
public struct Merchant: Sendable, Equatable, Encodable {
    public let id: String
    public let name: String
    /// Inactive merchants accept no payments but may still redeem what they hold.
    public let active: Bool
    public let accountId: String
    public let createdAt: String
    public let updatedAt: String

    static let columns = "id, name, active, created_at, updated_at"

    init(id: String, name: String, active: Bool, createdAt: String, updatedAt: String) {
        self.id = id
        self.name = name
        self.active = active
        self.accountId = "merchant:\(id)"
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    init(row: SQLRow) throws {
        self.init(id: try row.required("id"), name: try row.required("name"),
                  active: (try row.required("active", as: Int64.self)) == 1,
                  createdAt: try row.required("created_at"), updatedAt: try row.required("updated_at"))
    }

    /// The canonical bytes the audit trail hashes.
    var auditContent: [UInt8] {
        CanonicalJSONWriter.object { writer in
            writer.writeMember("active", active)
            writer.writeMember("id", id)
            writer.writeMember("name", name)
        }
    }
}

/// The merchant rows; registering one also opens its account.
public enum MerchantStore {
    /// Built once: every payment checks its merchant.
    private static let findSQL = "SELECT \(Merchant.columns) FROM coin_merchants WHERE id = ?"

    public static func find(_ id: String, in connection: SQLiteConnection) throws -> Merchant? {
        try connection.queryOne(findSQL, [.text(id)]).map(Merchant.init(row:))
    }

    /// Whether the merchant may be paid; nil when it is not registered. Reads that one column:
    /// every payment asks it on the single writer.
    static func isActive(_ id: String, in connection: SQLiteConnection) throws -> Bool? {
        try connection.queryOne("SELECT active FROM coin_merchants WHERE id = ?", [.text(id)])
            .map { try $0.required("active", as: Int64.self) == 1 }
    }

    static func register(_ merchant: Merchant, in connection: SQLiteConnection) throws {
        guard try find(merchant.id, in: connection) == nil else { throw LedgerError.merchantExists(id: merchant.id) }
        try connection.run("INSERT INTO coin_merchants (id, name, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                           [.text(merchant.id), .text(merchant.name), .integer(merchant.active ? 1 : 0), .text(merchant.createdAt),
                            .text(merchant.updatedAt)])
        try LedgerAccounts.create(.merchant(merchant.id), at: merchant.createdAt, in: connection)
    }

    static func update(_ merchant: Merchant, in connection: SQLiteConnection) throws {
        let changed = try connection.run("UPDATE coin_merchants SET name = ?, active = ?, updated_at = ? WHERE id = ?",
                                         [.text(merchant.name), .integer(merchant.active ? 1 : 0), .text(merchant.updatedAt),
                                          .text(merchant.id)])
        precondition(changed == 1, "only a registered merchant is updated")
    }

    static func page(active: Bool?, request: PageRequest, in connection: SQLiteConnection) throws -> (items: [Merchant], count: Int) {
        let filter: SQLValue = active.map { .integer($0 ? 1 : 0) } ?? .null
        let count = try connection.queryOne("SELECT count(*) AS n FROM coin_merchants WHERE (? IS NULL OR active = ?)",
                                            [filter, filter])?.int("n") ?? 0
        let rows = try connection.query("""
            SELECT \(Merchant.columns) FROM coin_merchants WHERE (? IS NULL OR active = ?) ORDER BY id LIMIT ? OFFSET ?
            """, [filter, filter, .integer(Int64(request.size)), .integer(Int64(request.offset))])
        return (try rows.map(Merchant.init(row:)), count)
    }
}
