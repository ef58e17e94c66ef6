/// Writes canonical JSON, RFC 8785 (JCS), value by value: the one place the project turns values
/// into the bytes it signs or hashes (records, the member directory, the coin journal's hash
/// chain, request fingerprints and audit contents). One writer, because two that differ in a
/// single escape make a signature or a hash check fail on one side only.
///
/// The caller writes object members in JCS order, by the UTF-16 code units of their keys (for
/// ASCII keys, plain alphabetical order); `writeKey` checks that order, since a misordered key
/// would change the bytes without any other sign. Strings escape only `"`, `\` and the controls
/// below U+0020 (`\b \t \n \f \r` in short form, the rest as `\u00xx` in lowercase hex); all else
/// goes out as UTF-8. Integers are plain decimals; other numbers are written as ECMAScript's
/// `Number.prototype.toString` writes them (JCS section 3.2.2.3).
public struct CanonicalJSONWriter {
    public private(set) var bytes: [UInt8] = []
    /// Whether the next array element or object member needs a comma in front.
    private var needsComma = false
    private var isInObject = false
    /// The innermost object's last key, for the order check.
    private var previousKey: String?

    public init(reservingCapacity capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    /// The bytes of one object whose members `writeMembers` writes, in JCS order. The default
    /// capacity holds a flat object of a dozen short fields, such as a coin journal entry (about
    /// 300 bytes), without growing.
    public static func object(reservingCapacity capacity: Int = 320, _ writeMembers: (inout CanonicalJSONWriter) -> Void) -> [UInt8] {
        var writer = CanonicalJSONWriter(reservingCapacity: capacity)
        writer.writeObject(writeMembers)
        return writer.bytes
    }

    public mutating func writeString(_ text: String) {
        startValue()
        Self.appendString(text, to: &bytes)
    }

    public mutating func writeInteger(_ value: Int64) {
        startValue()
        bytes.append(contentsOf: String(value).utf8)
    }

    /// A finite number; an integral one within ±2^53 comes out as `writeInteger` writes it.
    public mutating func writeNumber(_ value: Double) {
        startValue()
        bytes.append(contentsOf: ECMAScriptNumber.string(value).utf8)
    }

    public mutating func writeBool(_ flag: Bool) {
        startValue()
        bytes.append(contentsOf: (flag ? "true" : "false").utf8)
    }

    public mutating func writeNull() {
        startValue()
        bytes.append(contentsOf: "null".utf8)
    }

    /// An array whose elements `writeElements` writes. After a throw the writer is unusable.
    public mutating func writeArray<Failure: Error>(_ writeElements: (inout CanonicalJSONWriter) throws(Failure) -> Void) throws(Failure) {
        startValue()
        try writeContainer(open: UInt8(ascii: "["), close: UInt8(ascii: "]"), isObject: false, writeElements)
    }

    /// An object whose members `writeMembers` writes, each a `writeKey` and then its value, keys in
    /// JCS order. After a throw the writer is unusable.
    public mutating func writeObject<Failure: Error>(_ writeMembers: (inout CanonicalJSONWriter) throws(Failure) -> Void) throws(Failure) {
        startValue()
        try writeContainer(open: UInt8(ascii: "{"), close: UInt8(ascii: "}"), isObject: true, writeMembers)
    }

    /// The key of the next member; its value follows.
    public mutating func writeKey(_ key: String) {
        precondition(isInObject, "keys are written inside an object")
        if let previousKey {
            precondition(CanonicalJSON.precedes(previousKey, key), "object keys are written once each, in JCS order")
        }
        previousKey = key
        if needsComma { bytes.append(UInt8(ascii: ",")) }
        needsComma = true
        Self.appendString(key, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
    }

    /// A member whose value is a string, or `null` when absent.
    public mutating func writeMember(_ key: String, _ value: String?) {
        writeKey(key)
        if let value { writeString(value) } else { writeNull() }
    }

    /// A member whose value is an integer, or `null` when absent.
    public mutating func writeMember(_ key: String, _ value: Int64?) {
        writeKey(key)
        if let value { writeInteger(value) } else { writeNull() }
    }

    public mutating func writeMember(_ key: String, _ value: Bool) {
        writeKey(key)
        writeBool(value)
    }

    /// A string member only when there is a value: for documents that leave absent fields out
    /// rather than name them with `null`.
    public mutating func writeMemberIfPresent(_ key: String, _ value: String?) {
        guard let value else { return }
        writeMember(key, value)
    }

    /// A JSON string as RFC 8785 serializes it.
    public static func appendString(_ text: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        // Ids, account addresses and timestamps need no escaping: copy them whole.
        guard text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
            output.append(contentsOf: text.utf8)
            output.append(UInt8(ascii: "\""))
            return
        }
        // Only ASCII bytes are ever escaped, and in UTF-8 no byte of a multi-byte scalar is
        // ASCII, so escaping byte by byte is exact.
        for byte in text.utf8 {
            switch byte {
            case 0x22: output.append(contentsOf: [0x5C, 0x22])
            case 0x5C: output.append(contentsOf: [0x5C, 0x5C])
            case 0x08: output.append(contentsOf: [0x5C, UInt8(ascii: "b")])
            case 0x09: output.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x0A: output.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0C: output.append(contentsOf: [0x5C, UInt8(ascii: "f")])
            case 0x0D: output.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x00..<0x20:
                output.append(contentsOf: "\\u00".utf8)
                output.append(hexDigits[Int(byte >> 4)])
                output.append(hexDigits[Int(byte & 0x0F)])
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// A value goes after a comma when it is not the first element of an array; in an object,
    /// `writeKey` has written the comma.
    private mutating func startValue() {
        guard !isInObject else { return }
        if needsComma { bytes.append(UInt8(ascii: ",")) }
        needsComma = true
    }

    private mutating func writeContainer<Failure: Error>(open: UInt8, close: UInt8, isObject: Bool,
                                                         _ writeContents: (inout CanonicalJSONWriter) throws(Failure) -> Void) throws(Failure) {
        let outer = (needsComma, isInObject, previousKey)
        (needsComma, isInObject, previousKey) = (false, isObject, nil)
        bytes.append(open)
        try writeContents(&self)
        bytes.append(close)
        (needsComma, isInObject, previousKey) = outer
    }
}
