// libFuzzer target for JSONParser and CanonicalJSON, built by `Tests/Fuzz/run-fuzz.sh canonical-json
// SECONDS` together with Sources/Schemas/JSON and SchemaLimits.swift as one module.

import Foundation

/// Parses the input; whatever parses must have exactly one canonical form: encoding never fails,
/// the bytes are UTF-8 without insignificant whitespace and with sorted keys, they parse back to
/// the same tree, and canonicalizing them again changes nothing. The tree also goes through the
/// `Encodable` path (as a member of a struct) and must give the same bytes there.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    for limits in [JSONParser.Limits(maxBytes: 4_096, maxDepth: 4), JSONParser.Limits()] {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes, limits: limits)
        } catch {
            precondition(error.line >= 1 && error.column >= 1, "an error position below 1")
            precondition(error.line <= bytes.filter { $0 == 0x0A }.count + 1, "an error beyond the last line")
            continue
        }
        precondition(depth(of: value) <= limits.maxDepth, "a tree deeper than maxDepth")
        let canonical: [UInt8]
        do {
            canonical = try CanonicalJSON.encode(value)
        } catch {
            preconditionFailure("a parsed value has no canonical form: \(error)")
        }
        precondition(String(validating: canonical, as: UTF8.self) != nil, "canonical bytes are not UTF-8")
        checkLayout(canonical)
        let roomy = JSONParser.Limits(maxBytes: Int.max, maxDepth: limits.maxDepth)
        guard let reparsed = try? JSONParser.parse(canonical, limits: roomy) else {
            preconditionFailure("canonical bytes do not parse")
        }
        precondition(reparsed == value, "canonical bytes parse to a different tree")
        precondition((try? CanonicalJSON.canonicalize(canonical, limits: roomy)) == canonical, "canonicalizing twice changed the bytes")
        precondition((try? CanonicalJSON.canonicalize(bytes, limits: limits)) == canonical, "canonicalize disagrees with parse + encode")
        struct Wrapper: Encodable { let value: JSONValue }
        let wrapped = try? CanonicalJSON.encode(Wrapper(value: value))
        precondition(wrapped == Array("{\"value\":".utf8) + canonical + [UInt8(ascii: "}")], "the Encodable path disagrees")
    }
    return 0
}

private func depth(of value: JSONValue) -> Int {
    switch value {
    case .array(let items): 1 + (items.map(depth(of:)).max() ?? 0)
    case .object(let members): 1 + (members.values.map(depth(of:)).max() ?? 0)
    default: 0
    }
}

/// Outside strings: no whitespace; inside strings: no raw control characters, and only the
/// escapes JCS writes.
private func checkLayout(_ bytes: [UInt8]) {
    var inString = false
    var index = 0
    while index < bytes.count {
        let byte = bytes[index]
        if inString {
            precondition(byte >= 0x20, "a raw control character in a canonical string")
            if byte == UInt8(ascii: "\\") {
                let escape = bytes[index + 1]
                precondition(Array("\"\\bfnrtu".utf8).contains(escape), "an escape JCS does not write")
                if escape == UInt8(ascii: "u") {
                    let hex = bytes[(index + 2)..<(index + 6)]
                    precondition(hex.starts(with: Array("00".utf8)), "a \\u escape above U+001F")
                    precondition(hex.allSatisfy { Array("0123456789abcdef".utf8).contains($0) }, "uppercase hex in a \\u escape")
                    let value = Int(String(decoding: hex, as: UTF8.self), radix: 16)!  // four hex digits, checked above
                    precondition(![0x08, 0x09, 0x0A, 0x0C, 0x0D].contains(value), "\\u escape where a short form exists")
                    index += 6
                    continue
                }
                index += 2
                continue
            }
            if byte == UInt8(ascii: "\"") { inString = false }
        } else {
            precondition(![0x20, 0x09, 0x0A, 0x0D].contains(byte), "insignificant whitespace in canonical bytes")
            if byte == UInt8(ascii: "\"") { inString = true }
        }
        index += 1
    }
}
