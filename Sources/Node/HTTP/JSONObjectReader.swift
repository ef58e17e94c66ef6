import Foundation

/// Reads a JSON object request body field by field, collecting every problem as an
/// `InvalidParam`, so that one 400 lists all bad fields at once (`/core/error-handling/all-errors`).
///
/// Values are read strictly, because Foundation's bridging is lenient where money must not be:
/// a field that wants an integer refuses `12.5` and also `12.0` and `1e3` (amounts are whole cents,
/// written as integers), and refuses `true`, which bridges to 1; a field that wants a Boolean
/// refuses 0 and 1. Fields the caller never asked for are reported by `rejectUnknownFields`, so a
/// misspelt `amount` is an error rather than an ignored field. Nesting depth is bounded by
/// JSONSerialization itself (512 levels), so no body can exhaust a worker's stack.
public struct JSONObjectReader {
    public private(set) var issues: [InvalidParam] = []
    private let object: [String: Any]
    private var knownNames: Set<String> = []
    /// Fields refused with their own reason, so not reported as unknown nor listed as known.
    private var refusedNames: Set<String> = []

    /// Parses `body`, which must be one JSON object.
    public init(body: [UInt8]) throws(Problem) {
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(body))
        } catch {
            throw Problem.badRequest("The request body is not valid JSON.")
        }
        guard let object = parsed as? [String: Any] else {
            throw Problem.badRequest("The request body must be a JSON object.")
        }
        self.object = object
    }

    /// An object without fields, for operations whose body is optional.
    public init() {
        object = [:]
    }

    /// Whether the body has the field at all (`null` counts as present).
    public func contains(_ name: String) -> Bool {
        object[name] != nil
    }

    /// A string field of `minLength...maxLength` characters (grapheme clusters, as people count),
    /// without control characters. Absent or `null`: nil, and an issue when `required`.
    public mutating func string(_ name: String, required: Bool, minLength: Int = 1, maxLength: Int) -> String? {
        guard let value = present(name, required: required) else { return nil }
        guard let text = value as? String else {
            addIssue(name, code: "invalid-type", reason: "must be a string")
            return nil
        }
        // Printable ASCII, the usual case, needs neither grapheme counting nor Unicode tables.
        let isPrintableASCII = text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
        let length = isPrintableASCII ? text.utf8.count : text.count
        guard length >= minLength, length <= maxLength else {
            addIssue(name, code: "invalid-length", reason: "must be \(minLength) to \(maxLength) characters long")
            return nil
        }
        guard isPrintableASCII || !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            addIssue(name, code: "invalid", reason: "must not contain control characters")
            return nil
        }
        return text
    }

    /// An integer field within `range`, written as a JSON integer.
    public mutating func integer(_ name: String, required: Bool, in range: ClosedRange<Int64>) -> Int64? {
        guard let value = present(name, required: required) else { return nil }
        guard let number = value as? NSNumber, !(value is NSDecimalNumber), !Self.isBoolean(number) else {
            let reason = value is NSDecimalNumber ? "is out of range (\(range.lowerBound) to \(range.upperBound))" : "must be an integer"
            addIssue(name, code: value is NSDecimalNumber ? "out-of-range" : "invalid-type", reason: reason)
            return nil
        }
        guard Self.isInteger(number) else {
            addIssue(name, code: "invalid-type", reason: "must be an integer, written without a decimal point or exponent")
            return nil
        }
        // An unsigned value above Int64.max would wrap to a negative number.
        let fitsInt64 = String(cString: number.objCType) != "Q" || number.uint64Value <= UInt64(Int64.max)
        let integer = number.int64Value
        guard fitsInt64, range.contains(integer) else {
            addIssue(name, code: "out-of-range", reason: "must be from \(range.lowerBound) to \(range.upperBound)")
            return nil
        }
        return integer
    }

    /// A Boolean field: JSON `true` or `false` only.
    public mutating func boolean(_ name: String, required: Bool) -> Bool? {
        guard let value = present(name, required: required) else { return nil }
        guard let number = value as? NSNumber, Self.isBoolean(number) else {
            addIssue(name, code: "invalid-type", reason: "must be true or false")
            return nil
        }
        return number.boolValue
    }

    /// A string field that `null` clears, as in a JSON merge patch (RFC 7396): nil when absent,
    /// `.some(nil)` for `null`, else the string as `string` reads it (`.some(nil)` is never an
    /// invalid string: those add an issue and read as absent).
    public mutating func clearableString(_ name: String, maxLength: Int) -> String?? {
        if object[name] is NSNull {
            knownNames.insert(name)
            return .some(nil)
        }
        return string(name, required: false, maxLength: maxLength).map { .some($0) }
    }

    /// Refuses a field the operation knows but does not accept, giving the reason instead of
    /// calling it unknown.
    public mutating func refuse(_ name: String, code: String, reason: String) {
        refusedNames.insert(name)
        if object[name] != nil { addIssue(name, code: code, reason: reason) }
    }

    /// Records a problem found by the caller's own checks (a pattern, a cross-field rule).
    public mutating func addIssue(_ name: String, code: String, reason: String) {
        issues.append(InvalidParam(name: name, code: code, reason: reason))
    }

    /// Adds an issue for every field that no read asked for.
    public mutating func rejectUnknownFields() {
        for name in Set(object.keys).subtracting(knownNames).subtracting(refusedNames).sorted() {
            addIssue(name, code: "unknown-field", reason: "unknown field; known: \(knownNames.sorted().joined(separator: ", "))")
        }
    }

    /// Throws one 400 listing every issue, if there are any.
    public func throwIfInvalid() throws(Problem) {
        guard issues.isEmpty else {
            throw Problem.badRequest("The request body has invalid fields.", invalidParams: issues)
        }
    }

    /// The field's value unless it is absent; a missing required field is an issue. `null` is
    /// refused rather than read as absent: the documents declare no field nullable, and a client
    /// that sends `null` should learn that it means nothing here.
    private mutating func present(_ name: String, required: Bool) -> Any? {
        knownNames.insert(name)
        guard let value = object[name] else {
            if required { addIssue(name, code: "required", reason: "is required") }
            return nil
        }
        guard !(value is NSNull) else {
            addIssue(name, code: required ? "required" : "invalid-type",
                     reason: required ? "is required (null is no value)" : "must not be null; leave the field out instead")
            return nil
        }
        return value
    }

    /// JSONSerialization hands `true`/`false` back as NSNumber with the C type `char`.
    private static func isBoolean(_ number: NSNumber) -> Bool {
        String(cString: number.objCType) == "c"
    }

    /// Integers come back with an integer C type; `1.0`, `1e3` and `12.5` as `double`.
    private static func isInteger(_ number: NSNumber) -> Bool {
        switch String(cString: number.objCType) {
        case "s", "i", "l", "q", "S", "I", "L", "Q": true
        default: false
        }
    }
}

extension Request {
    /// The body as a JSON object: 415 unless `Content-Type` is JSON, 400 unless it is one object.
    public func jsonObject() throws -> JSONObjectReader {
        try JSONObjectReader(body: Array(jsonBody()))
    }

    /// Like `jsonObject`, for operations whose body may be left out: an empty body reads as `{}`.
    public func optionalJSONObject() throws -> JSONObjectReader {
        body.isEmpty ? JSONObjectReader() : try jsonObject()
    }
}
