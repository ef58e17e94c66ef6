import Foundation
import Schemas

/// How knowledge entries (lessons learned, best practices, case studies, guides, fieldlabs and
/// funding schemes) are stored, filtered and searched.
public enum KnowledgeEntryKind: SharedRecordKind {
    public typealias Content = KnowledgeEntryDraft

    public static let noun = "knowledge entry"
    public static let table = "knowledge_entries"
    public static let searchTable: String? = "knowledge_search"
    /// `opens_on` and `deadline` are `YYYY-MM-DD` text, which sorts and compares as the dates do.
    public static let filterColumns = ["kind", "language", "funder", "opens_on", "deadline", "themes"]

    public static func filterValues(of content: KnowledgeEntryDraft, origin: OIN) -> [SQLValue] {
        [
            .text(content.kind.rawValue), .text(content.language.rawValue),
            content.funding.map { .text($0.funder) } ?? .null,
            content.funding?.opensOn.map { .text($0.description) } ?? .null,
            content.funding?.deadline.map { .text($0.description) } ?? .null,
            FilterReader.delimited(content.themes),
        ]
    }

    public static let searchColumns = ["title", "summary", "body", "keywords"]
    /// A hit in the title counts most, then keywords (themes, funder, programme, partners), the
    /// summary, and the body, which is long and so matches loosely.
    static let searchWeights = [10.0, 4.0, 1.0, 3.0]

    public static func searchValues(of content: KnowledgeEntryDraft) -> [String] {
        var keywords = content.themes.map { $0.replacingOccurrences(of: "-", with: " ") }
        if let funding = content.funding { keywords += [funding.funder, funding.programme] }
        keywords += content.partners.map(\.name)
        return [content.title, content.summary ?? "", content.body, keywords.joined(separator: "\n")]
    }

    static let migration = Migration(version: 12, name: "knowledge entries", sql: """
        \(SharedRecordTable.createSQL(table: table, filterColumns: filterColumns))
        CREATE INDEX knowledge_entries_kind ON knowledge_entries (kind, deadline) WHERE deleted = 0;
        CREATE INDEX knowledge_entries_created ON knowledge_entries (created_at) WHERE deleted = 0;
        \(SharedRecordTable.createSearchSQL(table: "knowledge_search", columns: searchColumns, weights: searchWeights))
        """)

    /// The search table without the prefix indexes version 12 gave it (see `createSearchSQL`).
    static let searchRebuild = Migration(version: 41, name: "knowledge search without prefix indexes", sql:
        SharedRecordTable.rebuildSearchSQL(table: "knowledge_search", records: table, columns: searchColumns,
                                           weights: searchWeights))

    /// `GET /entries` filters and order.
    static let filterKeys: Set<String> = ["kind", "theme", "language", "funder", "origin", "openOn", "q", "sort"]

    static func parseFilters(_ query: QueryParameters, _ listQuery: inout RecordListQuery, _ issues: inout [InvalidParam]) {
        var reader = FilterReader(query: query, listQuery: listQuery, issues: issues)
        reader.keyword("kind", KnowledgeKind.self, column: "kind")
        reader.token("theme", column: "themes")
        reader.keyword("language", Language.self, column: "language")
        reader.text("funder", column: "funder")
        reader.oin("origin", column: "origin")
        // Funding schemes one can apply to on that day: both ends inclusive, a missing opening
        // date means open from the start and a missing deadline a rolling intake (as
        // `Funding.isOpen(on:)` says).
        reader.date("openOn") { date, listQuery in
            listQuery.require("r.kind = 'funding-scheme' AND (r.opens_on IS NULL OR r.opens_on <= ?) AND (r.deadline IS NULL OR r.deadline >= ?)",
                              .text(date.description), .text(date.description))
        }
        reader.fullText()
        reader.sort(allowed: [.relevance, .date, .deadline])
        listQuery = reader.listQuery
        issues = reader.issues
    }
}
