import Foundation
import Schemas

/// How adoptions ("municipality X uses solution Y") are stored and filtered. They have no
/// full-text search: an adoption's only text is its notes, and people look them up by solution.
public enum AdoptionKind: SharedRecordKind {
    public typealias Content = AdoptionDraft

    public static let noun = "adoption"
    public static let table = "adoptions"
    public static let filterColumns = ["solution_id", "solution_origin", "municipality_oin", "municipality_cbs", "status"]

    public static func filterValues(of content: AdoptionDraft, origin: OIN) -> [SQLValue] {
        [
            .text(content.solutionId.uuidString.lowercased()), .text(content.solutionOrigin.value),
            .text(content.municipality.oin.value), content.municipality.cbsCode.map { .text($0.value) } ?? .null,
            .text(content.status.rawValue),
        ]
    }

    static let migration = Migration(version: 11, name: "catalogue adoptions", sql: """
        \(SharedRecordTable.createSQL(table: table, filterColumns: filterColumns))
        CREATE INDEX adoptions_solution ON adoptions (solution_id) WHERE deleted = 0;
        CREATE INDEX adoptions_municipality ON adoptions (municipality_oin) WHERE deleted = 0;
        """)

    /// `GET /adoptions` filters: solutionId, municipality (OIN or CBS code), status, origin.
    static let filterKeys: Set<String> = ["solutionId", "municipality", "status", "origin"]

    static func parseFilters(_ query: QueryParameters, _ listQuery: inout RecordListQuery, _ issues: inout [InvalidParam]) {
        var reader = FilterReader(query: query, listQuery: listQuery, issues: issues)
        if let text = query["solutionId"] {
            if text.utf8.count == 36, let uuid = UUID(uuidString: text) {
                reader.listQuery.require("r.solution_id = ?", .text(uuid.uuidString.lowercased()))
            } else {
                reader.issues.append(InvalidParam(name: "solutionId", code: "invalid", reason: "a solution's id, a UUID"))
            }
        }
        if let text = query["municipality"] {
            if let oin = OIN(text) {
                reader.listQuery.require("r.municipality_oin = ?", .text(oin.value))
            } else if let cbs = CBSCode(text) {
                reader.listQuery.require("r.municipality_cbs = ?", .text(cbs.value))
            } else {
                reader.issues.append(InvalidParam(name: "municipality", code: "invalid",
                                                  reason: "the municipality's OIN (20 digits) or CBS code (4 digits)"))
            }
        }
        reader.keyword("status", AdoptionStatus.self, column: "status")
        reader.oin("origin", column: "origin")
        listQuery = reader.listQuery
        issues = reader.issues
    }
}
