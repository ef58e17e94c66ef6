/// SPDX license expressions over a built-in list of the licenses public-sector software uses.
///
/// Grammar (a subset of SPDX 2.3 annex D): `expression = term { " OR " term }`,
/// `term = atom { " AND " atom }`, `atom = license-id | "(" expression ")"`. `AND` binds tighter
/// than `OR`; operators are uppercase. `WITH` exceptions and `LicenseRef-` ids are not accepted.
/// Ids must be spelled as SPDX spells them; a wrong case gets a suggestion rather than silent
/// correction, so the stored text is what the editor typed.
public enum SPDXLicense {
    /// Current SPDX ids, plus the deprecated bare GNU ids (`GPL-3.0`, `AGPL-3.0`, ...) that
    /// older publiccode.yml files in the wild still carry.
    public static let knownIdentifiers: Set<String> = [
        "EUPL-1.2", "EUPL-1.1", "MIT", "MIT-0", "Apache-2.0", "ISC", "Unlicense", "0BSD", "Zlib", "BSL-1.0",
        "GPL-2.0-only", "GPL-2.0-or-later", "GPL-3.0-only", "GPL-3.0-or-later",
        "AGPL-3.0-only", "AGPL-3.0-or-later",
        "LGPL-2.1-only", "LGPL-2.1-or-later", "LGPL-3.0-only", "LGPL-3.0-or-later",
        "GPL-2.0", "GPL-2.0+", "GPL-3.0", "GPL-3.0+", "AGPL-3.0", "LGPL-2.1", "LGPL-2.1+", "LGPL-3.0", "LGPL-3.0+",
        "MPL-2.0", "EPL-2.0", "OSL-3.0", "Artistic-2.0", "PostgreSQL", "OFL-1.1",
        "BSD-2-Clause", "BSD-3-Clause",
        "CC0-1.0", "CC-BY-4.0", "CC-BY-SA-4.0", "ODbL-1.0",
    ]

    /// Why an expression is not accepted, or nil when it is.
    public enum Problem: Equatable, Sendable {
        /// Not a well-formed expression (an operator in the wrong place, unbalanced parentheses).
        case malformed(String)
        /// A well-formed expression naming an id outside the list.
        case unknownIdentifier(String, suggestion: String?)
    }

    public static func problem(in expression: String) -> Problem? {
        var parser = Parser(tokens: tokenize(expression))
        if parser.tokens.isEmpty { return .malformed("is empty") }
        return parser.parseWhole()
    }

    static func check(_ expression: String, at path: FieldPath, _ issues: inout IssueList) {
        guard expression.unicodeScalars.count <= SchemaLimits.maxLicenseExpressionLength else {
            issues.add(path, ValidationCode.tooLong, "at most \(SchemaLimits.maxLicenseExpressionLength) characters")
            return
        }
        switch problem(in: expression) {
        case nil:
            break
        case .malformed(let reason):
            issues.add(path, ValidationCode.invalid, "must be an SPDX license expression such as EUPL-1.2 or MIT OR Apache-2.0; \(reason)")
        case .unknownIdentifier(let id, let suggestion):
            let hint = suggestion.map { " (did you mean \($0)?)" } ?? ""
            issues.add(path, ValidationCode.unknownValue, "\"\(id)\" is not a known SPDX license id\(hint)")
        }
    }

    private static func tokenize(_ expression: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        for character in expression {
            switch character {
            case " ":
                if !current.isEmpty { tokens.append(current); current = "" }
            case "(", ")":
                if !current.isEmpty { tokens.append(current); current = "" }
                tokens.append(String(character))
            default:
                current.append(character)
            }
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }

    private struct Parser {
        let tokens: [String]
        var index = 0
        /// Parentheses nest at most this deep; the length limit bounds it too, this bounds recursion.
        let maxDepth = 16

        init(tokens: [String]) { self.tokens = tokens }

        mutating func parseWhole() -> Problem? {
            if let problem = parseExpression(depth: 0) { return problem }
            guard index < tokens.count else { return nil }
            switch tokens[index] {
            case "or", "and": return .malformed("operators are uppercase: \(tokens[index].uppercased())")
            case "WITH", "with": return .malformed("WITH exceptions are not supported")
            default: return .malformed("unexpected \"\(tokens[index])\"; join licenses with OR or AND")
            }
        }

        mutating func parseExpression(depth: Int) -> Problem? {
            if let problem = parseTerm(depth: depth) { return problem }
            while index < tokens.count, tokens[index] == "OR" {
                index += 1
                if let problem = parseTerm(depth: depth) { return problem }
            }
            return nil
        }

        mutating func parseTerm(depth: Int) -> Problem? {
            if let problem = parseAtom(depth: depth) { return problem }
            while index < tokens.count, tokens[index] == "AND" {
                index += 1
                if let problem = parseAtom(depth: depth) { return problem }
            }
            return nil
        }

        mutating func parseAtom(depth: Int) -> Problem? {
            guard index < tokens.count else { return .malformed("ends where a license id belongs") }
            let token = tokens[index]
            index += 1
            switch token {
            case "(":
                guard depth < maxDepth else { return .malformed("parentheses nest too deep") }
                if let problem = parseExpression(depth: depth + 1) { return problem }
                guard index < tokens.count, tokens[index] == ")" else { return .malformed("a \"(\" is not closed") }
                index += 1
                return nil
            case ")", "OR", "AND":
                return .malformed("\"\(token)\" where a license id belongs")
            case "WITH", "with":
                return .malformed("WITH exceptions are not supported")
            case "or", "and":
                return .malformed("operators are uppercase: \(token.uppercased())")
            default:
                if knownIdentifiers.contains(token) { return nil }
                let suggestion = knownIdentifiers.first { $0.lowercased() == token.lowercased() }
                return .unknownIdentifier(token, suggestion: suggestion)
            }
        }
    }
}
