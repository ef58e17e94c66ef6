import Foundation
import Schemas

/// The municipality's coin scheme: the coin's code and name (Heerlen's `HEITJE`, "Heerlens
/// Heitje") and the yearly issuance budget that caps rewards. It lives in the database, beside the
/// budget usage it is checked against in the same transaction, and is changed by staff through
/// `PUT /api/coin/v1/scheme` (audited) or seeded by `knooppunt init --coin-code … --coin-name …
/// --coin-budget-cents …`. A new node's budget is 0: no rewards until staff set one.
public struct CoinScheme: Sendable, Equatable, Encodable {
    public let code: String
    public let name: String
    public let yearlyIssuanceBudgetCents: Int64
    public let updatedAt: String

    public init(code: String, name: String, yearlyIssuanceBudgetCents: Int64, updatedAt: String) {
        self.code = code
        self.name = name
        self.yearlyIssuanceBudgetCents = yearlyIssuanceBudgetCents
        self.updatedAt = updatedAt
    }

    /// Nil when `code` is a valid coin code (2 to 12 capital letters or digits, starting with a
    /// letter, like `HEITJE`), else the reason.
    public static func problem(withCode code: String) -> String? {
        let bytes = Array(code.utf8)
        guard (2...12).contains(bytes.count), let first = bytes.first, first >= UInt8(ascii: "A"), first <= UInt8(ascii: "Z"),
              bytes.allSatisfy({ ($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z")) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) })
        else { return "must be 2 to 12 capital letters or digits, starting with a letter (e.g. HEITJE)" }
        return nil
    }

    /// The entity tag of the settings `PUT /scheme` replaces: two staff members editing the
    /// budget at once must not overwrite each other unseen, so the PUT needs `If-Match` with it.
    /// `updatedAt` is in it, so setting the same values again still makes a new tag.
    public var etag: String { EntityTag.of(auditContent + Array(updatedAt.utf8)) }

    /// The canonical bytes the audit trail hashes.
    var auditContent: [UInt8] {
        CanonicalJSONWriter.object { writer in
            writer.writeMember("code", code)
            writer.writeMember("name", name)
            writer.writeMember("yearlyIssuanceBudgetCents", yearlyIssuanceBudgetCents)
        }
    }
}

/// The scheme as `GET /scheme` shows it: the settings and this year's use of the budget.
public struct CoinSchemeStatus: Sendable, Equatable, Encodable {
    public let code: String
    public let name: String
    public let yearlyIssuanceBudgetCents: Int64
    public let year: Int
    public let rewardedThisYearCents: Int64
    public let remainingThisYearCents: Int64
    public let updatedAt: String
    /// The settings' entity tag (`CoinScheme.etag`), sent as the `ETag` header, not in the body.
    public let etag: String

    private enum CodingKeys: String, CodingKey {
        case code, name, yearlyIssuanceBudgetCents, year, rewardedThisYearCents, remainingThisYearCents, updatedAt
    }
}

/// The one-row `coin_scheme` table.
public enum CoinSchemeStore {
    public static func read(in connection: SQLiteConnection) throws -> CoinScheme {
        guard let row = try connection.queryOne("SELECT code, name, yearly_issuance_budget_cents, updated_at FROM coin_scheme WHERE id = 1") else {
            preconditionFailure("the coin migration inserts the scheme row")
        }
        return CoinScheme(code: try row.required("code"), name: try row.required("name"),
                          yearlyIssuanceBudgetCents: try row.required("yearly_issuance_budget_cents"),
                          updatedAt: try row.required("updated_at"))
    }

    public static func write(_ scheme: CoinScheme, in connection: SQLiteConnection) throws {
        precondition(CoinScheme.problem(withCode: scheme.code) == nil, "coin codes are validated first")
        precondition(scheme.yearlyIssuanceBudgetCents >= 0, "budgets are validated first")
        try connection.run("UPDATE coin_scheme SET code = ?, name = ?, yearly_issuance_budget_cents = ?, updated_at = ? WHERE id = 1",
                           [.text(scheme.code), .text(scheme.name), .integer(scheme.yearlyIssuanceBudgetCents), .text(scheme.updatedAt)])
    }

    /// Sets the scheme from the command line (`knooppunt init --coin-…`), outside a running
    /// node; fields left nil keep their value. Audited with the actor `cli`.
    @discardableResult
    public static func configure(_ database: Database, code: String?, name: String?, yearlyIssuanceBudgetCents: Int64?) throws -> CoinScheme {
        try database.write { connection in
            let old = try read(in: connection)
            let new = CoinScheme(code: code ?? old.code, name: name ?? old.name,
                                 yearlyIssuanceBudgetCents: yearlyIssuanceBudgetCents ?? old.yearlyIssuanceBudgetCents,
                                 updatedAt: RFC3339.string(from: Date()))
            try write(new, in: connection)
            try AuditLog.record(in: connection, actor: "cli", action: "update", resource: "coin-scheme", resourceID: "scheme",
                                version: nil, oldContent: old.auditContent, newContent: new.auditContent, requestID: nil)
            return new
        }
    }

    static func yearlyBudgetCents(in connection: SQLiteConnection) throws -> Int64 {
        guard let row = try connection.queryOne("SELECT yearly_issuance_budget_cents FROM coin_scheme WHERE id = 1") else {
            preconditionFailure("the coin migration inserts the scheme row")
        }
        return try row.required("yearly_issuance_budget_cents")
    }

    static func status(year: Int, in connection: SQLiteConnection) throws -> CoinSchemeStatus {
        let scheme = try read(in: connection)
        let used = try RewardBudget.usedCents(year: year, in: connection)
        return CoinSchemeStatus(code: scheme.code, name: scheme.name, yearlyIssuanceBudgetCents: scheme.yearlyIssuanceBudgetCents,
                                year: year, rewardedThisYearCents: used,
                                remainingThisYearCents: max(0, scheme.yearlyIssuanceBudgetCents - used), updatedAt: scheme.updatedAt,
                                etag: scheme.etag)
    }
}
