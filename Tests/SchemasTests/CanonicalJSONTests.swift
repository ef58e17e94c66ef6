import Foundation
import Testing
@testable import Schemas

@Suite struct CanonicalJSONTests {
    private func canonical(_ text: String) throws -> String {
        String(decoding: try CanonicalJSON.canonicalize(Array(text.utf8)), as: UTF8.self)
    }

    /// RFC 8785 section 3.2.2: whitespace, number forms, string escapes and literals at once.
    @Test func rfc8785MainExample() throws {
        let input = #"""
            {
              "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
              "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
              "literals": [null, true, false]
            }
            """#
        let expected = #"{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}"#
        #expect(try canonical(input) == expected)
    }

    /// RFC 8785 section 3.2.3: keys sorted by UTF-16 code units, not by scalars or by Swift's
    /// `String` order (U+1F600 is a surrogate pair and sorts before U+FB33).
    @Test func rfc8785SortingExample() throws {
        let input = #"""
            {
              "\u20ac": "Euro Sign",
              "\r": "Carriage Return",
              "\ufb33": "Hebrew Letter Dalet With Dagesh",
              "1": "One",
              "\ud83d\ude00": "Emoji: Grinning Face",
              "\u0080": "Control",
              "\u00f6": "Latin Small Letter O With Diaeresis"
            }
            """#
        let expected = "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u{80}\":\"Control\","
            + "\"ö\":\"Latin Small Letter O With Diaeresis\",\"€\":\"Euro Sign\",\"😀\":\"Emoji: Grinning Face\","
            + "\"\u{FB33}\":\"Hebrew Letter Dalet With Dagesh\"}"
        let output = try CanonicalJSON.canonicalize(Array(input.utf8))
        #expect(output == Array(expected.utf8))
    }

    /// RFC 8785 appendix B: IEEE 754 bit patterns and their ECMAScript text.
    @Test(arguments: [
        (0x0000_0000_0000_0000, "0"),
        (0x8000_0000_0000_0000, "0"),
        (0x0000_0000_0000_0001, "5e-324"),
        (0x8000_0000_0000_0001, "-5e-324"),
        (0x7FEF_FFFF_FFFF_FFFF, "1.7976931348623157e+308"),
        (0xFFEF_FFFF_FFFF_FFFF, "-1.7976931348623157e+308"),
        (0x4340_0000_0000_0000, "9007199254740992"),
        (0xC340_0000_0000_0000, "-9007199254740992"),
        (0x4430_0000_0000_0000, "295147905179352830000"),
        (0x44B5_2D02_C7E1_4AF5, "9.999999999999997e+22"),
        (0x44B5_2D02_C7E1_4AF6, "1e+23"),
        (0x44B5_2D02_C7E1_4AF7, "1.0000000000000001e+23"),
        (0x444B_1AE4_D6E2_EF4E, "999999999999999700000"),
        (0x444B_1AE4_D6E2_EF4F, "999999999999999900000"),
        (0x444B_1AE4_D6E2_EF50, "1e+21"),
        (0x3EB0_C6F7_A0B5_ED8C, "9.999999999999997e-7"),
        (0x3EB0_C6F7_A0B5_ED8D, "0.000001"),
        (0x41B3_DE43_5555_5553, "333333333.3333332"),
        (0x41B3_DE43_5555_5554, "333333333.33333325"),
        (0x41B3_DE43_5555_5555, "333333333.3333333"),
        (0x41B3_DE43_5555_5556, "333333333.3333334"),
        (0x41B3_DE43_5555_5557, "333333333.33333343"),
        (0xBECB_F647_612F_3696, "-0.0000033333333333333333"),
        (0x4314_3FF3_C1CB_0959, "1424953923781206.2"),
    ] as [(UInt64, String)])
    func numbersFollowECMAScript(bits: UInt64, expected: String) throws {
        let bytes = try CanonicalJSON.encode(JSONValue.number(Double(bitPattern: bits)))
        #expect(String(decoding: bytes, as: UTF8.self) == expected)
    }

    @Test(arguments: [Double.nan, .infinity, -.infinity])
    func refusesNonFiniteNumbers(number: Double) {
        #expect(throws: CanonicalJSONError.nonFiniteNumber(path: "a.1")) {
            try CanonicalJSON.encode(JSONValue.object(["a": .array([.number(1), .number(number)])]))
        }
    }

    @Test func integersArePlainDecimals() throws {
        let bytes = try CanonicalJSON.encode(JSONValue.array([.number(0), .number(-1), .number(1e20), .number(9_007_199_254_740_991)]))
        #expect(String(decoding: bytes, as: UTF8.self) == "[0,-1,100000000000000000000,9007199254740991]")
    }

    /// JCS escapes `"`, `\` and U+0000...U+001F only; short forms for five of them, lowercase
    /// `\u00xx` for the rest. `/`, DEL, U+2028 and everything else go out as UTF-8.
    @Test func escapesExactlyWhatJCSEscapes() throws {
        var input = ""
        for value in 0..<0x20 { input.unicodeScalars.append(Unicode.Scalar(UInt8(value))) }
        input += "\"\\/\u{7F}\u{2028}é"
        let bytes = try CanonicalJSON.encode(JSONValue.string(input))
        let expected = #""\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000b\f\r\u000e\u000f"#
            + #"\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f"#
            + "\\\"\\\\/\u{7F}\u{2028}é\""
        #expect(String(decoding: bytes, as: UTF8.self) == expected)
    }

    private struct ForwardOrder: Encodable {
        var alpha = 1
        var beta = "b"
        var gamma: [Int] = [3, 2, 1]
        var delta: String?
    }

    private struct ReverseOrder: Encodable {
        var gamma: [Int] = [3, 2, 1]
        var beta = "b"
        var alpha = 1
    }

    @Test func keyOrderDoesNotDependOnDeclarationOrder() throws {
        let forward = try CanonicalJSON.encode(ForwardOrder())
        #expect(forward == (try CanonicalJSON.encode(ReverseOrder())))
        #expect(String(decoding: forward, as: UTF8.self) == #"{"alpha":1,"beta":"b","gamma":[3,2,1]}"#)
    }

    @Test func dictionariesComeOutSortedWhateverTheirHashOrder() throws {
        let keys = (0..<200).map { "key-\($0)" }
        let dictionary = Dictionary(uniqueKeysWithValues: keys.map { ($0, $0.count) })
        let text = String(decoding: try CanonicalJSON.encode(dictionary), as: UTF8.self)
        let expected = "{" + keys.sorted().map { "\"\($0)\":\($0.count)" }.joined(separator: ",") + "}"
        #expect(text == expected)
    }

    private struct Stamped: Encodable {
        var at: Date
        var atList: [Date]
        var maybeAt: Date?
        var id: UUID
        var day: CalendarDate
        var link: URL
    }

    @Test func datesUUIDsAndURLsHaveOneForm() throws {
        let at = RFC3339Timestamp.date(milliseconds: 1_795_441_512_123)
        let value = Stamped(at: at, atList: [at], maybeAt: at,
                            id: UUID(uuidString: "5F0C6D1E-8A4B-4C1E-9F3A-2B7D8E9F0A1B")!,
                            day: CalendarDate(year: 2026, month: 11, day: 23)!,
                            link: URL(string: "https://knooppunt.example/a?b=c")!)
        let text = String(decoding: try CanonicalJSON.encode(value), as: UTF8.self)
        #expect(text == #"{"at":"2026-11-23T13:45:12.123Z","atList":["2026-11-23T13:45:12.123Z"],"#
            + #""day":"2026-11-23","id":"5f0c6d1e-8a4b-4c1e-9f3a-2b7d8e9f0a1b","link":"https://knooppunt.example/a?b=c","#
            + #""maybeAt":"2026-11-23T13:45:12.123Z"}"#)
    }

    private struct Floating: Encodable { var amount: Double }
    private struct Huge: Encodable { var cents: [Int64] }
    private struct Ancient: Encodable { var at: Date }

    @Test func refusesWhatRecordsMustNotHold() {
        #expect(throws: CanonicalJSONError.floatingPointNotAllowed(path: "amount")) {
            try CanonicalJSON.encode(Floating(amount: 12.5))
        }
        #expect(throws: CanonicalJSONError.integerOutOfRange(path: "cents.1")) {
            try CanonicalJSON.encode(Huge(cents: [1, 9_007_199_254_740_992]))
        }
        #expect(throws: CanonicalJSONError.dateOutOfRange(path: "at")) {
            try CanonicalJSON.encode(Ancient(at: Date(timeIntervalSince1970: -70_000_000_000)))
        }
        #expect(throws: Never.self) { try CanonicalJSON.encode(Huge(cents: [-9_007_199_254_740_991, 9_007_199_254_740_991])) }
    }

    private struct Envelope: Encodable {
        var kind = "note"
        var payload: JSONValue
    }

    @Test func aTreeInsideAnEncodableIsWrittenWhole() throws {
        let payload = JSONValue.object(["b": .number(4.5), "a": .array([.null, .bool(true), .string("x")])])
        let text = String(decoding: try CanonicalJSON.encode(Envelope(payload: payload)), as: UTF8.self)
        #expect(text == #"{"kind":"note","payload":{"a":[null,true,"x"],"b":4.5}}"#)
        let viaFoundation = try JSONEncoder().encode(Envelope(payload: payload))
        #expect(try CanonicalJSON.canonicalize(Array(viaFoundation)) == Array(text.utf8))
    }

    @Test func canonicalInputComesBackUnchanged() throws {
        let canonicalText = #"{"a":[1,"x",{"b":null}],"c":true}"#
        #expect(try canonical(canonicalText) == canonicalText)
        #expect(try canonical(" {\"c\" : true ,\n\t\"a\":[1.0,\"\\u0078\",{\"b\":null}]} ") == canonicalText)
    }

    /// Property: for generated trees, canonicalizing is idempotent, and any spelling of the same
    /// tree (keys shuffled, whitespace added, numbers written differently) gives the same bytes.
    @Test(arguments: 0..<200)
    func canonicalFormIsStableAcrossSpellings(seed: Int) throws {
        var generator = SeededGenerator(seed: UInt64(seed))
        let value = JSONTreeGenerator.value(depth: 0, &generator)
        let bytes = try CanonicalJSON.encode(value)
        #expect(try CanonicalJSON.canonicalize(bytes) == bytes)
        let respelled = JSONTreeGenerator.loosely(value, &generator)
        #expect(try CanonicalJSON.canonicalize(Array(respelled.utf8)) == bytes, "\(respelled)")
        #expect(try JSONParser.parse(bytes) == value)
    }
}

/// SplitMix64: a small deterministic generator, so a failing seed reproduces.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

enum JSONTreeGenerator {
    private static let alphabet: [Unicode.Scalar] = ["a", "b", "Z", "0", " ", "\"", "\\", "/", "\n", "\u{1}", "\u{7F}",
                                                     "é", "€", "\u{FB33}", "😀", "\u{2028}", "\u{80}"]

    static func string(_ generator: inout SeededGenerator) -> String {
        var text = String.UnicodeScalarView()
        for _ in 0..<Int.random(in: 0...6, using: &generator) {
            text.append(alphabet.randomElement(using: &generator)!)
        }
        return String(text)
    }

    static func value(depth: Int, _ generator: inout SeededGenerator) -> JSONValue {
        let choice = Int.random(in: 0..<(depth < 4 ? 7 : 5), using: &generator)
        switch choice {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &generator))
        case 2:
            let integer = Int.random(in: -9_007_199_254_740_991...9_007_199_254_740_991, using: &generator)
            return .number(Double(integer >> Int.random(in: 0...52, using: &generator)))
        case 3: return .number(Double(bitPattern: UInt64.random(in: 0...0x7FEF_FFFF_FFFF_FFFF, using: &generator))
                               * (Bool.random(using: &generator) ? 1 : -1))
        case 4: return .string(string(&generator))
        case 5: return .array((0..<Int.random(in: 0...4, using: &generator)).map { _ in value(depth: depth + 1, &generator) })
        default:
            var members: [String: JSONValue] = [:]
            for _ in 0..<Int.random(in: 0...5, using: &generator) {
                members[string(&generator)] = value(depth: depth + 1, &generator)
            }
            return .object(members)
        }
    }

    /// JSON text for `value` with shuffled keys, random whitespace, every character of strings
    /// escaped at random, and numbers written with an exponent.
    static func loosely(_ value: JSONValue, _ generator: inout SeededGenerator) -> String {
        let space = [" ", "", "\n", "\t", "\r\n"].randomElement(using: &generator)!
        switch value {
        case .null: return space + "null"
        case .bool(let flag): return space + (flag ? "true" : "false")
        case .number(let number):
            return space + (Bool.random(using: &generator) ? String(number) : String(format: "%.17e", number))
        case .string(let text): return space + quoted(text, &generator)
        case .array(let items):
            return "[" + items.map { loosely($0, &generator) + space }.joined(separator: ",") + "]"
        case .object(let members):
            return space + "{" + members.shuffled(using: &generator).map { key, member in
                quoted(key, &generator) + space + ":" + loosely(member, &generator)
            }.joined(separator: "," + space) + "}"
        }
    }

    private static func quoted(_ text: String, _ generator: inout SeededGenerator) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            let mustEscape = scalar == "\"" || scalar == "\\" || scalar.value < 0x20
            if mustEscape || Bool.random(using: &generator) {
                for unit in String(scalar).utf16 {
                    let hex = String(unit, radix: 16, uppercase: Bool.random(using: &generator))
                    result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                }
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
