import Foundation
import Testing
@testable import Schemas

@Suite struct JSONParserTests {
    @Test func parsesEveryKindOfValue() throws {
        let json = try JSONParser.parse(Array(#"{"a":[1,-2.5,3e2,true,false,null],"b":{"c":"d"},"e":""}"#.utf8))
        #expect(json == .object([
            "a": .array([.number(1), .number(-2.5), .number(300), .bool(true), .bool(false), .null]),
            "b": .object(["c": .string("d")]),
            "e": .string(""),
        ]))
    }

    @Test(arguments: [
        (#""\"\\\/\b\f\n\r\t""#, "\"\\/\u{8}\u{C}\n\r\t"),
        (#""\u00e9\u20AC""#, "é€"),
        (#""\ud83d\ude00""#, "😀"),
        ("\"é€😀\"", "é€😀"),
        (#""\u0000""#, "\u{0}"),
    ])
    func decodesStringEscapesAndUTF8(input: String, expected: String) throws {
        #expect(try JSONParser.parse(Array(input.utf8)) == .string(expected))
    }

    @Test func keepsStringsUnnormalized() throws {
        // JCS does not normalize: a decomposed "é" stays two scalars.
        let json = try JSONParser.parse(Array("\"e\u{301}\"".utf8))
        guard case .string(let text) = json else { Issue.record("not a string"); return }
        #expect(text.unicodeScalars.count == 2)
    }

    /// Every way the parser refuses input, with the line and column it names.
    @Test(arguments: [
        ("{\"a\":1,}", 1, 8, "expected a string key"),
        ("[1,]", 1, 4, "unexpected character, expected a value"),
        ("01", 1, 1, "a number must not have leading zeros"),
        ("1.", 1, 3, "a decimal point needs digits after it"),
        ("1e", 1, 3, "an exponent needs digits"),
        ("-", 1, 1, "a number needs digits"),
        ("1e400", 1, 1, "the number is out of range"),
        ("{\"a\":1,\n \"a\":2}", 2, 2, "duplicate key \"a\""),
        ("\"\\ud800\"", 1, 2, "a high surrogate must be followed by a low surrogate"),
        ("\"\\udc00\"", 1, 2, "a low surrogate without a high surrogate"),
        ("\"\\x\"", 1, 2, "invalid escape sequence"),
        ("\"\\u12\"", 1, 4, "a \\u escape needs four hex digits"),
        ("\"a\nb\"", 1, 3, "a control character must be escaped in a string"),
        ("\"abc", 1, 5, "unterminated string"),
        ("[1] 2", 1, 5, "unexpected data after the JSON value"),
        ("", 1, 1, "unexpected end of input, expected a value"),
        ("nul", 1, 1, "unexpected character, expected a value"),
        ("{\"a\" 1}", 1, 6, "expected ':' after the key"),
        ("[1 2]", 1, 4, "expected ',' or ']' in the array"),
        ("{\"a\":1 \"b\":2}", 1, 8, "expected ',' or '}' in the object"),
        ("{\"é\":\n  x}", 2, 3, "unexpected character, expected a value"),
    ])
    func refusesMalformedInput(input: String, line: Int, column: Int, message: String) {
        #expect(throws: JSONSyntaxError(line: line, column: column, message: message)) {
            try JSONParser.parse(Array(input.utf8))
        }
    }

    @Test(arguments: [
        [0x22, 0xC3, 0x28, 0x22],  // a lead byte without its continuation
        [0x22, 0xC0, 0xAF, 0x22],  // an overlong "/"
        [0x22, 0xED, 0xA0, 0x80, 0x22],  // a UTF-8 encoded surrogate
        [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],  // above U+10FFFF
        [0x22, 0xE2, 0x82, 0x22],  // cut short
    ] as [[UInt8]])
    func refusesInvalidUTF8(bytes: [UInt8]) {
        #expect(throws: JSONSyntaxError(line: 1, column: 2, message: "invalid UTF-8")) {
            try JSONParser.parse(bytes)
        }
    }

    @Test func refusesAByteOrderMark() {
        #expect(throws: JSONSyntaxError(line: 1, column: 1, message: "a byte order mark is not allowed")) {
            try JSONParser.parse([0xEF, 0xBB, 0xBF] + Array("{}".utf8))
        }
    }

    @Test func refusesNestingBeyondTheLimitBeforeRecursing() throws {
        let limits = JSONParser.Limits(maxDepth: 3)
        #expect(try JSONParser.parse(Array("[[[1]]]".utf8), limits: limits) == .array([.array([.array([.number(1)])])]))
        #expect(throws: JSONSyntaxError(line: 1, column: 4, message: "nesting deeper than 3 levels")) {
            try JSONParser.parse(Array("[[[[1]]]]".utf8), limits: limits)
        }
        // Far beyond any stack: refused at the default limit, not a crash.
        let deep = Array(String(repeating: "[", count: 100_000).utf8)
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(deep) }
    }

    @Test func refusesInputOverTheSizeLimitBeforeReadingIt() {
        let limits = JSONParser.Limits(maxBytes: 8)
        #expect(throws: JSONSyntaxError(line: 1, column: 1, message: "the document is larger than 8 bytes")) {
            try JSONParser.parse(Array("[1,2,3,4]".utf8), limits: limits)
        }
    }
}
