import Foundation

/// Why a value has no canonical JSON form. `path` is the dotted coding path of the value.
public enum CanonicalJSONError: Error, Sendable, Equatable, CustomStringConvertible {
    /// NaN and the infinities have no JSON form.
    case nonFiniteNumber(path: String)
    /// Records carry integers only (money in cents); a `Double`, `Float` or `Decimal` in an
    /// `Encodable` is a programming error the encoder refuses rather than rounds.
    case floatingPointNotAllowed(path: String)
    /// An integer beyond ±(2^53 - 1) would not survive a round trip through a double.
    case integerOutOfRange(path: String)
    /// A `Date` outside the years 0001...9999 has no RFC 3339 form.
    case dateOutOfRange(path: String)
    /// The input to `canonicalize` is not JSON.
    case invalidJSON(JSONSyntaxError)
    /// The value's own `encode(to:)` threw.
    case encodingFailed(path: String, message: String)

    public var description: String {
        switch self {
        case .nonFiniteNumber(let path): "\(path): NaN and infinity have no JSON form"
        case .floatingPointNotAllowed(let path): "\(path): floating-point numbers are not allowed in records"
        case .integerOutOfRange(let path): "\(path): integer beyond ±(2^53 - 1)"
        case .dateOutOfRange(let path): "\(path): date outside the years 0001...9999"
        case .invalidJSON(let error): "not JSON: \(error)"
        case .encodingFailed(let path, let message): "\(path): \(message)"
        }
    }
}

/// Canonical JSON, RFC 8785 (JCS): the one byte sequence the federation signs for a record.
/// Trees and `Encodable` values go through `CanonicalJSONWriter`, which also writes the member
/// directory and the coin journal, so every signed or hashed byte follows the same rules.
///
/// - Object members sorted by the UTF-16 code units of their keys; no insignificant whitespace.
/// - Strings escape only `"`, `\` and the controls below U+0020 (`\b \t \n \f \r` in short form,
///   the rest as `\u00xx` in lowercase hex); `/` and everything beyond ASCII are written as
///   UTF-8 as they are. Strings are not Unicode-normalized here (JCS does not); the draft readers
///   normalize text to NFC on input, so equal text gives equal bytes.
/// - Numbers as ECMAScript's `Number.prototype.toString` writes them (JCS section 3.2.2.3), so
///   integers come out as plain decimals. Encoding an `Encodable` refuses floating-point values
///   altogether: records hold integers only. A `JSONValue` tree may hold any finite number.
/// - `Date` as RFC 3339 UTC with milliseconds (`2026-11-23T13:45:12.123Z`), `UUID` in lowercase
///   (RFC 9562), `URL` as its absolute string; `CalendarDate` encodes itself as `YYYY-MM-DD`.
///   Absent optionals are left out, never written as `null`.
public enum CanonicalJSON {
    /// The canonical bytes of an `Encodable` value.
    public static func encode(_ value: some Encodable) throws(CanonicalJSONError) -> [UInt8] {
        try encode(JSONValueEncoder(numberPolicy: .integersOnly).encode(value))
    }

    /// The canonical bytes of a JSON tree.
    public static func encode(_ value: JSONValue) throws(CanonicalJSONError) -> [UInt8] {
        var writer = CanonicalJSONWriter()
        try write(value, to: &writer)
        return writer.bytes
    }

    /// Parses JSON text and writes it canonically; a canonical input comes back unchanged.
    public static func canonicalize(_ json: some Collection<UInt8>, limits: JSONParser.Limits = JSONParser.Limits())
        throws(CanonicalJSONError) -> [UInt8] {
        let value: JSONValue
        do {
            value = try JSONParser.parse(json, limits: limits)
        } catch {
            throw .invalidJSON(error)
        }
        return try encode(value)
    }

    /// Writes `value`; a non-finite number throws with its path, which is spelled out only
    /// while the error unwinds, never on the way down.
    private static func write(_ value: JSONValue, to writer: inout CanonicalJSONWriter) throws(CanonicalJSONError) {
        switch value {
        case .null: writer.writeNull()
        case .bool(let flag): writer.writeBool(flag)
        case .number(let number):
            guard number.isFinite else { throw .nonFiniteNumber(path: "") }
            writer.writeNumber(number)
        case .string(let text): writer.writeString(text)
        case .array(let items):
            try writer.writeArray { (array) throws(CanonicalJSONError) in
                for (index, item) in items.enumerated() {
                    do throws(CanonicalJSONError) {
                        try write(item, to: &array)
                    } catch {
                        throw error.nested(under: String(index))
                    }
                }
            }
        case .object(let members):
            try writer.writeObject { (object) throws(CanonicalJSONError) in
                for key in sortedKeys(members.keys) {
                    object.writeKey(key)
                    do throws(CanonicalJSONError) {
                        // The key came from `members.keys`, so the lookup cannot miss.
                        try write(members[key]!, to: &object)
                    } catch {
                        throw error.nested(under: key)
                    }
                }
            }
        }
    }

    /// Keys in JCS order: lexicographic over UTF-16 code units, compared as unsigned integers.
    /// (Swift's own `String` order compares by Unicode scalars after normalization, which is
    /// not the same.)
    static func sortedKeys(_ keys: some Collection<String>) -> [String] {
        keys.sorted(by: precedes)
    }

    /// Whether `first` comes before `second` in JCS key order.
    static func precedes(_ first: String, _ second: String) -> Bool {
        first.utf16.lexicographicallyPrecedes(second.utf16)
    }
}

extension CanonicalJSONError {
    /// The same error one level deeper: `component` goes in front of the path.
    func nested(under component: String) -> CanonicalJSONError {
        func join(_ path: String) -> String { path.isEmpty ? component : component + "." + path }
        return switch self {
        case .nonFiniteNumber(let path): .nonFiniteNumber(path: join(path))
        case .floatingPointNotAllowed(let path): .floatingPointNotAllowed(path: join(path))
        case .integerOutOfRange(let path): .integerOutOfRange(path: join(path))
        case .dateOutOfRange(let path): .dateOutOfRange(path: join(path))
        case .encodingFailed(let path, let message): .encodingFailed(path: join(path), message: message)
        case .invalidJSON: self
        }
    }
}

/// ECMAScript's Number-to-String (ECMA-262, Number::toString), which JCS prescribes for numbers.
/// The shortest digits that round-trip, closest to the value, come from Swift's own
/// `description` (which computes exactly those); only the layout is ECMAScript's.
enum ECMAScriptNumber {
    static func string(_ value: Double) -> String {
        precondition(value.isFinite, "only finite numbers have a JSON form")
        if value == 0 { return "0" }  // also -0, which ECMAScript writes as "0"
        if value < 0 { return "-" + string(-value) }
        let (digits, pointPosition) = shortestDigits(of: value)
        let digitCount = digits.count
        let n = pointPosition
        if digitCount <= n, n <= 21 {
            return String(decoding: digits, as: UTF8.self) + String(repeating: "0", count: n - digitCount)
        }
        if 0 < n, n <= 21 {
            return String(decoding: digits[0..<n], as: UTF8.self) + "." + String(decoding: digits[n...], as: UTF8.self)
        }
        if -6 < n, n <= 0 {
            return "0." + String(repeating: "0", count: -n) + String(decoding: digits, as: UTF8.self)
        }
        let exponent = n - 1
        let exponentText = (exponent < 0 ? "-" : "+") + String(abs(exponent))
        if digitCount == 1 {
            return String(decoding: digits, as: UTF8.self) + "e" + exponentText
        }
        return String(decoding: digits[0..<1], as: UTF8.self) + "." + String(decoding: digits[1...], as: UTF8.self)
            + "e" + exponentText
    }

    /// The significant digits `d1 d2 ... dk` (no leading or trailing zeros) and the position `n`
    /// of the decimal point, such that the value is `0.d1d2...dk × 10^n`.
    static func shortestDigits(of value: Double) -> (digits: [UInt8], pointPosition: Int) {
        let text = Array(value.description.utf8)
        var mantissa = text[...]
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) {
            mantissa = text[..<e]
            // Swift writes exponents as "e+21" or "e-07"; Int() takes the sign and leading zeros.
            exponent = Int(String(decoding: text[(e + 1)...], as: UTF8.self)) ?? 0
        }
        var digits: [UInt8] = []
        var integerDigitCount = 0
        var seenPoint = false
        for byte in mantissa {
            if byte == UInt8(ascii: ".") {
                seenPoint = true
                continue
            }
            digits.append(byte)
            if !seenPoint { integerDigitCount += 1 }
        }
        var pointPosition = integerDigitCount + exponent
        while let first = digits.first, first == UInt8(ascii: "0") {
            digits.removeFirst()
            pointPosition -= 1
        }
        while let last = digits.last, last == UInt8(ascii: "0") {
            digits.removeLast()
        }
        return (digits, pointPosition)
    }
}
