/// One problem with an input, in the shape of the API's `invalidParams` entries (Node serves it
/// as `InvalidParam`).
///
/// `name` is the dotted path of the field: object keys and array indices joined by dots, as in
/// `contact.email`, `themes.2` or `partners.0.oin`. Problems with the body as a whole (not JSON,
/// not an object) are named `body`.
public struct ValidationIssue: Sendable, Hashable, Codable, CustomStringConvertible {
    public var name: String
    /// One of `ValidationCode`'s values.
    public var code: String
    /// A sentence for people; clients should switch on `code`, not on this.
    public var reason: String

    public init(name: String, code: String, reason: String) {
        self.name = name
        self.code = code
        self.reason = reason
    }

    public var description: String { "\(name) [\(code)]: \(reason)" }
}

/// The codes a `ValidationIssue` carries. Stable: clients switch on them.
public enum ValidationCode {
    /// A required field is missing, `null`, or empty text.
    public static let required = "required"
    /// The value has the right type but the wrong form (not an e-mail address, not https, ...).
    public static let invalid = "invalid"
    /// The JSON type is wrong: a number where a string belongs, a fraction where an integer does.
    public static let invalidType = "invalid-type"
    /// Text longer than its limit in `SchemaLimits`.
    public static let tooLong = "too-long"
    /// An array with more items than its limit in `SchemaLimits`.
    public static let tooMany = "too-many"
    /// A number or date outside its range.
    public static let outOfRange = "out-of-range"
    /// A value outside a closed list (an enum value, an SPDX license id).
    public static let unknownValue = "unknown-value"
    /// A field this object does not have.
    public static let unknownField = "unknown-field"
    /// An item that repeats an earlier one in a list that must not repeat.
    public static let duplicate = "duplicate"
    /// A field that is not allowed in combination with another's value.
    public static let notAllowed = "not-allowed"
    /// The body is not JSON; the reason names the line and column.
    public static let invalidJSON = "invalid-json"
    /// The body is not YAML of the supported subset; the reason names the line and column.
    public static let invalidYAML = "invalid-yaml"
}

/// Every problem found in one input; `Result`'s failure needs an `Error`, and an array is not one.
public struct ValidationFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public let issues: [ValidationIssue]

    public init(issues: [ValidationIssue]) {
        self.issues = issues
    }

    public var description: String { issues.map(\.description).joined(separator: "; ") }
}

/// Where a value sits in a document, rendered as `ValidationIssue.name`.
struct FieldPath: Sendable, Equatable, CustomStringConvertible {
    /// Keys longer than this are cut in names, so a hostile key cannot bloat an error response.
    static let maxRenderedKeyLength = 100

    static let root = FieldPath(components: [])

    private(set) var components: [String]

    /// An empty key is shown as `""`, so that no issue is ever named by an empty string.
    func key(_ key: String) -> FieldPath {
        if key.isEmpty { return FieldPath(components: components + ["\"\""]) }
        // UTF-8 never has fewer code units than scalars, so a short key skips the scalar count.
        let shown = key.utf8.count > Self.maxRenderedKeyLength && key.unicodeScalars.count > Self.maxRenderedKeyLength
            ? String(String.UnicodeScalarView(key.unicodeScalars.prefix(Self.maxRenderedKeyLength))) + "…"
            : key
        return FieldPath(components: components + [shown])
    }

    func index(_ index: Int) -> FieldPath {
        FieldPath(components: components + [String(index)])
    }

    var description: String { components.isEmpty ? "body" : components.joined(separator: ".") }
}

/// The issues found so far. Keeps at most `SchemaLimits.maxIssueCount` of them but counts all,
/// so "was anything wrong" stays true when the list is full.
struct IssueList {
    private(set) var issues: [ValidationIssue] = []
    private(set) var recordedCount = 0

    var isEmpty: Bool { recordedCount == 0 }

    mutating func add(_ path: FieldPath, _ code: String, _ reason: String) {
        recordedCount += 1
        if issues.count < SchemaLimits.maxIssueCount {
            issues.append(ValidationIssue(name: path.description, code: code, reason: reason))
        }
    }

    mutating func add(contentsOf other: [ValidationIssue]) {
        for issue in other {
            recordedCount += 1
            if issues.count < SchemaLimits.maxIssueCount { issues.append(issue) }
        }
    }
}
