import Foundation

/// A reader turns one JSON value into a typed value, recording every problem instead of
/// stopping at the first. It returns nil when the value is unusable; the caller goes on reading
/// the other fields, so one request reports all its problems together.
typealias Reader<T> = (JSONValue, FieldPath, inout IssueList) -> T?

/// A closed list of kebab-case values, read and written as strings.
protocol KeywordEnum: RawRepresentable, CaseIterable where RawValue == String {}

enum Read {
    /// A string, normalized to Unicode NFC: the same text typed on two systems gives the same
    /// record bytes, and lengths are measured on what is stored.
    static func string(_ value: JSONValue, at path: FieldPath, _ issues: inout IssueList) -> String? {
        guard case .string(let text) = value else {
            issues.add(path, ValidationCode.invalidType, "expected a string, found \(value.kindName)")
            return nil
        }
        return nfc(text)
    }

    /// `text` in NFC. Foundation's normalization costs microseconds even when there is nothing
    /// to change, which was a tenth of applying a replicated record. Text whose scalars all lie
    /// below U+0300 (ASCII and the precomposed Latin letters Dutch uses) is NFC as it stands:
    /// every such scalar is NFC on its own, and none is the second of a composing pair (those
    /// are combining marks and jamo, from U+0300 up). In UTF-8, those are exactly the texts
    /// without a byte of 0xCC or above.
    static func nfc(_ text: String) -> String {
        var text = text
        let isBelowCombiningMarks = text.withUTF8 { bytes in bytes.allSatisfy { $0 < 0xCC } }
        return isBelowCombiningMarks ? text : text.precomposedStringWithCanonicalMapping
    }

    static func bool(_ value: JSONValue, at path: FieldPath, _ issues: inout IssueList) -> Bool? {
        guard case .bool(let flag) = value else {
            issues.add(path, ValidationCode.invalidType, "expected true or false, found \(value.kindName)")
            return nil
        }
        return flag
    }

    /// A whole number within ±(2^53 - 1); `2.0` is the number 2, as JSON has one number type.
    static func integer(_ value: JSONValue, at path: FieldPath, _ issues: inout IssueList) -> Int? {
        guard case .number(let number) = value else {
            issues.add(path, ValidationCode.invalidType, "expected an integer, found \(value.kindName)")
            return nil
        }
        guard number.rounded(.towardZero) == number else {
            issues.add(path, ValidationCode.invalidType, "expected an integer, found a fraction")
            return nil
        }
        guard abs(number) <= Double(SchemaLimits.maxSafeInteger) else {
            issues.add(path, ValidationCode.outOfRange, "must lie within ±\(SchemaLimits.maxSafeInteger)")
            return nil
        }
        return Int(number)
    }

    static func keyword<K: KeywordEnum>(_ value: JSONValue, at path: FieldPath, _ issues: inout IssueList) -> K? {
        parsed(value, at: path, &issues, code: ValidationCode.unknownValue,
               reason: "must be one of: \(K.allCases.map(\.rawValue).joined(separator: ", "))") { K(rawValue: $0) }
    }

    static func uuid(_ value: JSONValue, at path: FieldPath, _ issues: inout IssueList) -> UUID? {
        parsed(value, at: path, &issues, reason: "expected a UUID such as 5f0c6d1e-8a4b-4c1e-9f3a-2b7d8e9f0a1b") { text in
            text.utf8.count == 36 ? UUID(uuidString: text) : nil
        }
    }

    static func oin(_ value: JSONValue, at path: FieldPath, _ issues: inout IssueList) -> OIN? {
        parsed(value, at: path, &issues, reason: "an OIN is exactly \(OIN.digitCount) digits, as a string") { OIN($0) }
    }

    static func cbsCode(_ value: JSONValue, at path: FieldPath, _ issues: inout IssueList) -> CBSCode? {
        parsed(value, at: path, &issues, reason: "a CBS code is exactly \(CBSCode.digitCount) digits, as a string") { CBSCode($0) }
    }

    static func calendarDate(_ value: JSONValue, at path: FieldPath, _ issues: inout IssueList) -> CalendarDate? {
        parsed(value, at: path, &issues, reason: "expected an existing date as YYYY-MM-DD") { CalendarDate($0) }
    }

    static func timestamp(_ value: JSONValue, at path: FieldPath, _ issues: inout IssueList) -> Date? {
        parsed(value, at: path, &issues, reason: "expected an RFC 3339 date-time such as 2026-11-23T13:45:12.123Z") {
            RFC3339Timestamp.date(from: $0)
        }
    }

    /// A string (NFC, as `string` reads it) that `parse` turns into a value; when it cannot, the
    /// issue `code` with `reason` says what was expected.
    private static func parsed<T>(_ value: JSONValue, at path: FieldPath, _ issues: inout IssueList,
                                  code: String = ValidationCode.invalid, reason: @autoclosure () -> String,
                                  _ parse: (String) -> T?) -> T? {
        guard let text = string(value, at: path, &issues) else { return nil }
        guard let parsed = parse(text) else {
            issues.add(path, code, reason())
            return nil
        }
        return parsed
    }
}

/// Reads the members of one JSON object. Creating it reports members the object may not have;
/// `required`, `optional` and `array` then read one field each.
struct ObjectReader {
    let path: FieldPath
    private let members: [String: JSONValue]

    /// - Parameters:
    ///   - fields: the members this object may have.
    ///   - ignoring: members that are allowed but not read here (a record's metadata in a draft).
    init?(_ value: JSONValue, at path: FieldPath, fields: [String], ignoring: [String] = [], _ issues: inout IssueList) {
        guard case .object(let members) = value else {
            issues.add(path, ValidationCode.invalidType, "expected an object, found \(value.kindName)")
            return nil
        }
        self.path = path
        self.members = members
        // A plain scan of the short field lists: a valid object (nearly every one) costs no set
        // and no sorting; only unknown keys are sorted, so they are reported in a stable order.
        let unknown = members.keys.filter { !fields.contains($0) && !ignoring.contains($0) }
        for key in CanonicalJSON.sortedKeys(unknown) {
            issues.add(path.key(key), ValidationCode.unknownField, "is not a field here; allowed: \(fields.joined(separator: ", "))")
        }
    }

    func has(_ key: String) -> Bool {
        if let value = members[key], value != .null { return true }
        return false
    }

    /// A field that must be present and not `null`.
    func required<T>(_ key: String, _ issues: inout IssueList, _ read: Reader<T>) -> T? {
        guard let value = members[key], value != .null else {
            issues.add(path.key(key), ValidationCode.required, "is required")
            return nil
        }
        return read(value, path.key(key), &issues)
    }

    /// A field that may be absent or `null` (both read as nil).
    func optional<T>(_ key: String, _ issues: inout IssueList, _ read: Reader<T>) -> T? {
        guard let value = members[key], value != .null else { return nil }
        return read(value, path.key(key), &issues)
    }

    /// A list that may be absent or `null` (both read as empty); its items are read one by one,
    /// each named by its index. Nil if the list or any item is unusable.
    func array<T>(_ key: String, maxCount: Int, _ issues: inout IssueList, _ read: Reader<T>) -> [T]? {
        guard let value = members[key], value != .null else { return [] }
        let arrayPath = path.key(key)
        guard case .array(let items) = value else {
            issues.add(arrayPath, ValidationCode.invalidType, "expected an array, found \(value.kindName)")
            return nil
        }
        guard items.count <= maxCount else {
            issues.add(arrayPath, ValidationCode.tooMany, "at most \(maxCount) items, found \(items.count)")
            return nil
        }
        var result: [T] = []
        var isComplete = true
        for (index, item) in items.enumerated() {
            if let value = read(item, arrayPath.index(index), &issues) {
                result.append(value)
            } else {
                isComplete = false
            }
        }
        return isComplete ? result : nil
    }
}

/// Parses a body as JSON; text that is not JSON gives one `invalid-json` issue, named `body`,
/// saying at which line and column it went wrong.
func parseBody(_ bytes: some Collection<UInt8>) -> Result<JSONValue, ValidationFailure> {
    do {
        return .success(try JSONParser.parse(bytes))
    } catch {
        return .failure(ValidationFailure(issues: [
            ValidationIssue(name: "body", code: ValidationCode.invalidJSON, reason: error.description),
        ]))
    }
}

/// Reads a whole draft and reports whether it came through without a single issue.
func readDraft<T>(_ json: JSONValue, _ read: Reader<T>) -> Result<T, ValidationFailure> {
    var issues = IssueList()
    let value = read(json, .root, &issues)
    guard let value, issues.isEmpty else {
        // A reader that returns nil has recorded why; the fallback only guards that promise.
        return .failure(ValidationFailure(issues: issues.isEmpty
            ? [ValidationIssue(name: "body", code: ValidationCode.invalid, reason: "is not valid")] : issues.issues))
    }
    return .success(value)
}
