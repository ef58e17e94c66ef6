/// Writes one flat JSON object in the ledger's canonical form: no whitespace, keys in the order
/// written (callers write them sorted by UTF-8 bytes), `null` for absent values, integers in
/// plain decimal and strings escaped as RFC 8785 (JCS) does, so the output is the JCS form of the
/// object. Used for journal entries (the bytes the hash chain covers) and for the fingerprints
/// that tell a replayed request from a conflicting one. It is the ledger's own, independent of
/// any shared JSON encoder, so a library change can never alter the bytes an old hash covered.
struct CanonicalJSONWriter {
    private var output: [UInt8] = [UInt8(ascii: "{")]
    private var isFirst = true
    private var previousKey: String?

    init() {
        output.reserveCapacity(320)
    }

    mutating func string(_ key: String, _ value: String?) {
        writeKey(key)
        if let value { Self.appendString(value, to: &output) } else { output.append(contentsOf: Self.null) }
    }

    /// Writes the key only when there is a value: for API responses, which leave absent fields
    /// out, unlike the journal's entries, which name every key.
    mutating func stringIfPresent(_ key: String, _ value: String?) {
        guard let value else { return }
        string(key, value)
    }

    mutating func integer(_ key: String, _ value: Int64?) {
        writeKey(key)
        if let value { output.append(contentsOf: Array(String(value).utf8)) } else { output.append(contentsOf: Self.null) }
    }

    mutating func boolean(_ key: String, _ value: Bool) {
        writeKey(key)
        output.append(contentsOf: Array((value ? "true" : "false").utf8))
    }

    mutating func finish() -> [UInt8] {
        output.append(UInt8(ascii: "}"))
        return output
    }

    private static let null = Array("null".utf8)

    private mutating func writeKey(_ key: String) {
        if let previousKey {
            precondition(previousKey.utf8.lexicographicallyPrecedes(key.utf8), "canonical keys are written in sorted order, once")
        }
        previousKey = key
        if !isFirst { output.append(UInt8(ascii: ",")) }
        isFirst = false
        Self.appendString(key, to: &output)
        output.append(UInt8(ascii: ":"))
    }

    /// A JSON string as RFC 8785 serializes it.
    static func appendString(_ text: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        // Ids, account addresses and timestamps need no escaping: copy them whole.
        guard text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
            output.append(contentsOf: text.utf8)
            output.append(UInt8(ascii: "\""))
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x08: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x09: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x0A: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0C: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0x0D: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x00..<0x20:
                let digits = Array("0123456789abcdef".utf8)
                output.append(contentsOf: Array("\\u00".utf8))
                output.append(digits[Int(byte >> 4)])
                output.append(digits[Int(byte & 0x0F)])
            default:
                // The UTF-8 bytes of every other character pass through as they are.
                output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}
