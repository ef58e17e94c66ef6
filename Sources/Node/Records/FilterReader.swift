import Foundation
import Schemas

/// Reads list filters from the query string, adding a condition per filter to a
/// `RecordListQuery` and an `InvalidParam` per bad value, so one 400 names every bad parameter.
/// Each reader checks exactly what the OpenAPI documents declare for the parameter.
public struct FilterReader {
    public let query: QueryParameters
    public var listQuery: RecordListQuery
    public var issues: [InvalidParam]

    /// The longest free-text filter value (`funder`, `license`).
    public static let maxTextLength = 200
    static let maxThemeLength = 50

    public init(query: QueryParameters, listQuery: RecordListQuery, issues: [InvalidParam]) {
        self.query = query
        self.listQuery = listQuery
        self.issues = issues
    }

    /// `key=<20-digit OIN>` compared with `column`.
    public mutating func oin(_ key: String, column: String) {
        guard let text = query[key] else { return }
        guard let oin = OIN(text) else {
            issues.append(InvalidParam(name: key, code: "invalid", reason: "an OIN is exactly 20 digits"))
            return
        }
        listQuery.require("r.\(column) = ?", .text(oin.value))
    }

    /// `key=<one of the enum's values>` compared with `column`.
    public mutating func keyword<Value: RawRepresentable & CaseIterable>(_ key: String, _ type: Value.Type, column: String)
        where Value.RawValue == String {
        guard let text = query[key] else { return }
        guard Value(rawValue: text) != nil else {
            issues.append(InvalidParam(name: key, code: "invalid",
                                       reason: "one of: \(Value.allCases.map(\.rawValue).joined(separator: ", "))"))
            return
        }
        listQuery.require("r.\(column) = ?", .text(text))
    }

    /// `key=<kebab-case token>` that must be one of the space-delimited tokens in `column`
    /// (stored as ` a b c `). Repeating the key requires every value.
    public mutating func token(_ key: String, column: String) {
        for text in query.values(key) {
            guard Self.isKebabToken(text) else {
                issues.append(InvalidParam(name: key, code: "invalid",
                                           reason: "lowercase kebab-case of at most \(Self.maxThemeLength) characters, such as air-quality"))
                return
            }
            listQuery.require("instr(r.\(column), ?) > 0", .text(" \(text) "))
        }
    }

    /// `key=<text>` equal to `column` ignoring ASCII case.
    public mutating func text(_ key: String, column: String) {
        guard let raw = query[key] else { return }
        let text = raw.precomposedStringWithCanonicalMapping
        guard (1...Self.maxTextLength).contains(text.unicodeScalars.count) else {
            issues.append(InvalidParam(name: key, code: "invalid", reason: "1 to \(Self.maxTextLength) characters"))
            return
        }
        listQuery.require("r.\(column) = ? COLLATE NOCASE", .text(text))
    }

    /// `key=YYYY-MM-DD`, handed to `apply` when valid.
    public mutating func date(_ key: String, apply: (CalendarDate, inout RecordListQuery) -> Void) {
        guard let text = query[key] else { return }
        guard let date = CalendarDate(text) else {
            issues.append(InvalidParam(name: key, code: "invalid", reason: "an existing date as YYYY-MM-DD"))
            return
        }
        apply(date, &listQuery)
    }

    /// `q=` full text. Text without a single word matches nothing rather than failing: "!!!" is
    /// a search with no hits, not a malformed request.
    public mutating func fullText(_ key: String = "q") {
        guard let text = query[key] else { return }
        guard (1...FullTextQuery.maxLength).contains(text.unicodeScalars.count) else {
            issues.append(InvalidParam(name: key, code: "invalid", reason: "1 to \(FullTextQuery.maxLength) characters"))
            return
        }
        if let search = FullTextQuery(text) {
            listQuery.search = search
        } else {
            listQuery.matchesNothing = true
        }
    }

    /// `sort=` over `allowed` keys.
    public mutating func sort(_ key: String = "sort", allowed: [RecordListQuery.SortKey]) {
        guard let text = query[key] else { return }
        listQuery.sort = RecordListQuery.parseSort(text, allowed: allowed, issues: &issues)
    }

    static func isKebabToken(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= maxThemeLength else { return false }
        return bytes.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false).allSatisfy { word in
            !word.isEmpty && word.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x7A) }
        }
    }

    /// ` a b c `: tokens between spaces, so `instr` finds whole tokens only.
    public static func delimited(_ tokens: [String]) -> SQLValue {
        .text(" " + tokens.joined(separator: " ") + " ")
    }
}
