import Foundation
import Schemas

/// How solutions are stored and searched.
public enum SolutionKind: SharedRecordKind {
    public typealias Content = SolutionDraft

    public static let noun = "solution"
    public static let table = "solutions"
    public static let searchTable: String? = "solutions_search"
    public static let filterColumns = ["development_status", "common_ground_layer", "organisation", "license_ids", "themes"]

    public static func filterValues(of content: SolutionDraft, origin: OIN) -> [SQLValue] {
        [
            .text(content.developmentStatus.rawValue),
            content.commonGroundLayer.map { .text($0.rawValue) } ?? .null,
            // Documented in SolutionDraft: without an organisation, the solution is its origin's.
            .text((content.organisation?.oin ?? origin).value),
            FilterReader.delimited(licenseIdentifiers(in: content.license).map { $0.lowercased() }),
            FilterReader.delimited(content.themes),
        ]
    }

    /// Name, summary and description in both languages; themes and standards as keywords.
    public static let searchColumns = ["name", "summary", "description", "keywords"]
    /// A hit in the name counts most, then keywords, the summary, and the long description.
    static let searchWeights = [10.0, 4.0, 1.0, 3.0]

    public static func searchValues(of content: SolutionDraft) -> [String] {
        [
            both(content.name), both(content.summary), content.description.map(both) ?? "",
            (content.themes.map { $0.replacingOccurrences(of: "-", with: " ") } + content.standards).joined(separator: "\n"),
        ]
    }

    /// The license ids an SPDX expression names, so `license=MIT` finds `EUPL-1.2 OR MIT`.
    static func licenseIdentifiers(in expression: String) -> [String] {
        expression.split(whereSeparator: { $0 == " " || $0 == "(" || $0 == ")" })
            .map(String.init).filter { !["AND", "OR", "WITH"].contains($0) }
    }

    static func both(_ text: LocalizedText) -> String {
        [text.nl, text.en].compactMap { $0 }.joined(separator: "\n")
    }

    static let migration = Migration(version: 10, name: "catalogue solutions", sql: """
        \(SharedRecordTable.createSQL(table: table, filterColumns: filterColumns))
        CREATE INDEX solutions_status ON solutions (development_status) WHERE deleted = 0;
        CREATE INDEX solutions_organisation ON solutions (organisation) WHERE deleted = 0;
        \(SharedRecordTable.createSearchSQL(table: "solutions_search", columns: searchColumns, weights: searchWeights))
        """)

    /// The search table without the prefix indexes version 10 gave it (see `createSearchSQL`).
    static let searchRebuild = Migration(version: 40, name: "solutions search without prefix indexes", sql:
        SharedRecordTable.rebuildSearchSQL(table: "solutions_search", records: table, columns: searchColumns,
                                           weights: searchWeights))

    /// `GET /solutions` filters: theme, status, layer, organisation, license, origin, q.
    static let filterKeys: Set<String> = ["theme", "status", "layer", "organisation", "license", "origin", "q"]

    static func parseFilters(_ query: QueryParameters, _ listQuery: inout RecordListQuery, _ issues: inout [InvalidParam]) {
        var reader = FilterReader(query: query, listQuery: listQuery, issues: issues)
        reader.token("theme", column: "themes")
        reader.keyword("status", DevelopmentStatus.self, column: "development_status")
        reader.keyword("layer", CommonGroundLayer.self, column: "common_ground_layer")
        reader.oin("organisation", column: "organisation")
        reader.oin("origin", column: "origin")
        if let license = query["license"] {
            if (1...FilterReader.maxTextLength).contains(license.utf8.count), !license.contains(" ") {
                reader.listQuery.require("instr(r.license_ids, ?) > 0", .text(" \(license.lowercased()) "))
            } else {
                reader.issues.append(InvalidParam(name: "license", code: "invalid", reason: "one SPDX license id, such as EUPL-1.2"))
            }
        }
        reader.fullText()
        listQuery = reader.listQuery
        issues = reader.issues
    }
}
