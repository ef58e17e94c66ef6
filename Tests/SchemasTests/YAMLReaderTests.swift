import Foundation
import Testing
@testable import Schemas

private func read(_ text: String) throws -> YAMLNode { try YAMLReader.read(text) }
private func s(_ text: String, _ style: YAMLScalarStyle = .plain) -> YAMLNode { .scalar(text, style) }
private func map(_ entries: KeyValuePairs<String, YAMLNode>) -> YAMLNode {
    .mapping(entries.map { YAMLMappingEntry(key: $0.key, value: $0.value) })
}

@Suite struct YAMLReaderTests {
    @Test func mappingsSequencesAndScalars() throws {
        let yaml = """
            # publiccode-like
            name: Open Zaak
            url: 'https://github.com/open-zaak/open-zaak.git'
            platforms:
              - web
              - linux
            categories:
            - collaboration
            - it-development
            maintenance:
              contacts:
                - name: Joeri Bekker   # first
                  affiliation: Maykin Media
                -
                  name: Sergei
              type: contract
            empty:
            tilde: ~
            """
        #expect(try read(yaml) == map([
            "name": s("Open Zaak"),
            "url": s("https://github.com/open-zaak/open-zaak.git", .singleQuoted),
            "platforms": .sequence([s("web"), s("linux")]),
            "categories": .sequence([s("collaboration"), s("it-development")]),
            "maintenance": map([
                "contacts": .sequence([
                    map(["name": s("Joeri Bekker"), "affiliation": s("Maykin Media")]),
                    map(["name": s("Sergei")]),
                ]),
                "type": s("contract"),
            ]),
            "empty": s(""),
            "tilde": s("~"),
        ]))
        let node = try read(yaml)
        #expect(node["empty"]?.isNull == true && node["tilde"]?.isNull == true)
        #expect(node["name"]?.string == "Open Zaak")
    }

    @Test func nestedAndCompactSequences() throws {
        #expect(try read("- - a\n  - b\n- c: 1\n  d: [x, 'y']\n") == .sequence([
            .sequence([s("a"), s("b")]),
            map(["c": s("1"), "d": .sequence([s("x"), s("y", .singleQuoted)])]),
        ]))
    }

    @Test(arguments: [
        // Literal: clip keeps one final line feed, strip none, keep all.
        ("a: |\n  one\n    two\n\n  three\nb: 1\n", "one\n  two\n\nthree\n", YAMLScalarStyle.literal),
        ("a: |-\n  strip\n\n\nb: 1\n", "strip", .literal),
        ("a: |+\n  keep\n\n\nb: 1\n", "keep\n\n\n", .literal),
        ("a: |\n  no final break", "no final break", .literal),
        ("a: |\n\n\n  after empty lines\n", "\n\nafter empty lines\n", .literal),
        ("a: |2\n   three spaces\n  two\n", " three spaces\ntwo\n", .literal),
        ("a: |\n  # not a comment\n  text\n# a comment\nb: 1\n", "# not a comment\ntext\n", .literal),
        ("a: |\n  text\n    \n  more\n", "text\n  \nmore\n", .literal),
        // Folded: single breaks become spaces, empty lines line feeds, more-indented lines keep their breaks.
        ("a: >\n  one\n  two\n\n  three\n    more\n  four\n\n\n  five\n", "one two\nthree\n  more\nfour\n\nfive\n", .folded),
        ("a: >-\n  x\n  y\n", "x y", .folded),
        ("a: >+\n  x\n\n", "x\n\n", .folded),
        ("a: >\n  one \n  two  \n\n  three\n", "one  two  \nthree\n", .folded),
        ("a: >1-\n  x\n", " x", .folded),
        ("a: |\nb: 1\n", "", .literal),
    ])
    func blockScalarsWithChomping(yaml: String, expected: String, style: YAMLScalarStyle) throws {
        #expect(try read(yaml)["a"] == .scalar(expected, style))
    }

    @Test(arguments: [
        ("a: this is\n  a long\n\n  value\n", "this is a long\nvalue", YAMLScalarStyle.plain),
        ("a: C# and a:b http://x # comment\n", "C# and a:b http://x", .plain),
        ("a: one\n  two # c\nb: 1\n", "one two", .plain),
        ("a: \"tab\\there \\\"q\\\" \\u00e9 \\x41 \\U0001F600 \\/\"\n", "tab\there \"q\" é A 😀 /", .doubleQuoted),
        ("a: \"\\0\\a\\b\\v\\f\\r\\e\\ \\N\\_\\L\\P\"\n", "\u{0}\u{7}\u{8}\u{B}\u{C}\r\u{1B} \u{85}\u{A0}\u{2028}\u{2029}", .doubleQuoted),
        ("a: \"folded\n  line\n\n  para\"\n", "folded line\npara", .doubleQuoted),
        ("a: \"joined\\\n  here\"\n", "joinedhere", .doubleQuoted),
        ("a: \"x \\\n   y\"\n", "x y", .doubleQuoted),
        ("a: 'it''s'\n", "it's", .singleQuoted),
        ("a: 'x   \n   y'\n", "x y", .singleQuoted),
        ("a: ''\n", "", .singleQuoted),
        ("a:\tvalue\n", "value", .plain),
        ("a: Súdwest-Fryslân “API’s”\n", "Súdwest-Fryslân “API’s”", .plain),
    ])
    func flowScalars(yaml: String, expected: String, style: YAMLScalarStyle) throws {
        #expect(try read(yaml)["a"] == .scalar(expected, style))
    }

    @Test func flowCollectionsOnOneLine() throws {
        #expect(try read("a: [1, [2, 3], {k: v, 'q': \"w\"}]\nb: {}\nc: []\nd: {x, y: }\ne: [x, y,]\n") == map([
            "a": .sequence([s("1"), .sequence([s("2"), s("3")]), map(["k": s("v"), "q": s("w", .doubleQuoted)])]),
            "b": .mapping([]),
            "c": .sequence([]),
            "d": map(["x": s(""), "y": s("")]),
            "e": .sequence([s("x"), s("y")]),
        ]))
        #expect(try read(#"{"a":1, "b": [true, null]}"#) == map(["a": s("1"), "b": .sequence([s("true"), s("null")])]))
    }

    @Test(arguments: [
        "---\na: 1\n", "--- # comment\na: 1\n", "a: 1\n...\n", "a: 1\n...\n# trailing\n", "\u{FEFF}a: 1\n", "a: 1\r\n", "a: 1\r",
        "# comment\na: 1 # trailing\n\n",
    ])
    func documentMarkersLineEndsAndComments(yaml: String) throws {
        #expect(try read(yaml) == map(["a": s("1")]))
    }

    @Test func keysMayBeQuotedOrContainSpaces() throws {
        #expect(try read("\"a: b\": 1\n'single': 2\nwith space: 3\na:b: 4\nkey  : 5\n") == map([
            "a: b": s("1"), "single": s("2"), "with space": s("3"), "a:b": s("4"), "key": s("5"),
        ]))
    }

    @Test func anEmptyDocumentIsNull() throws {
        #expect(try read("# only a comment\n").isNull)
        #expect(try read("").isNull)
        #expect(try read("---\n").isNull)
    }

    @Test func readsUTF8Bytes() throws {
        #expect(try YAMLReader.read(Array("naam: Súdwest-Fryslân\n".utf8)) == map(["naam": s("Súdwest-Fryslân")]))
        #expect(throws: YAMLError(line: 2, column: 4, message: "the file is not valid UTF-8")) {
            try YAMLReader.read(Array("a: 1\nb: ".utf8) + [0xC3, 0x28])
        }
    }

    /// Every kind of refusal, with the line and column it names.
    @Test(arguments: [
        ("a:\n\tb: 1\n", 2, 1, "tabs are not allowed in indentation"),
        ("a:\n  - \tx\n", 2, 5, "tabs are not allowed in indentation"),
        ("a: &x 1\n", 1, 4, "anchors (&) are not supported"),
        ("a: *x\n", 1, 4, "aliases (*) are not supported"),
        ("a: !!str 1\n", 1, 4, "tags (!) are not supported"),
        ("%YAML 1.2\n---\na: 1\n", 1, 1, "directives (%YAML, %TAG) are not supported"),
        ("a: 1\n---\nb: 2\n", 2, 1, "multiple documents are not supported"),
        ("a: 1\n...\n---\nb: 2\n", 3, 1, "multiple documents are not supported"),
        ("a: 1\n...\nb: 2\n", 3, 1, "content after the document end marker '...'"),
        ("--- a: 1\n", 1, 5, "unexpected text after '---'; start the content on the next line"),
        ("a: 1\nb: 2\na: 3\n", 3, 1, "duplicate key \"a\" (first on line 1)"),
        ("a: {k: 1, k: 2}\n", 1, 11, "duplicate key \"k\""),
        ("a: [1,\n  2]\n", 1, 4, "a flow collection must close on the line it opens; multi-line flow collections are not supported"),
        ("a: ['x' y]\n", 1, 9, "expected ',' or ']' in the flow collection"),
        ("a: [x: y]\n", 1, 6, "key/value pairs inside a flow sequence are not supported"),
        ("a: [1, , 2]\n", 1, 8, "an empty entry in a flow collection"),
        ("a: \"abc\nb: 1\n", 1, 4, "unterminated double-quoted scalar"),
        ("a: 'abc\n", 1, 4, "unterminated single-quoted scalar"),
        ("a: \"\\q\"\n", 1, 5, "unknown escape sequence '\\q'"),
        ("a: \"\\u12\"\n", 1, 5, "'\\u' needs 4 hex digits"),
        ("a: \"\\ud800\"\n", 1, 5, "the escape names no Unicode scalar (a surrogate or beyond U+10FFFF)"),
        ("a: |x\n  t\n", 1, 5, "invalid block scalar header; expected '|' or '>', then optionally '-' or '+' and an indentation digit 1-9"),
        ("a: |0\n  t\n", 1, 5, "invalid block scalar header; expected '|' or '>', then optionally '-' or '+' and an indentation digit 1-9"),
        ("a: |\n    \n  text\n", 2, 3, "an empty line before the text has more spaces than the text's indentation"),
        ("a:\n  b:\n    c: 1\n   d: 2\n", 4, 4, "unexpected indentation"),
        ("a:\n  b: 1\n   c: 2\n", 3, 5, "mapping values are not allowed here; quote a value that contains ': '"),
        ("a: b: c\n", 1, 5, "mapping values are not allowed here; quote a value that contains ': '"),
        ("a: 1\n  b: 2\n", 2, 4, "mapping values are not allowed here; quote a value that contains ': '"),
        ("? a\n: b\n", 1, 1, "complex keys ('? ') are not supported"),
        (": b\n", 1, 1, "a mapping entry needs a key before ':'"),
        ("a: \"x\" y\n", 1, 8, "unexpected text after the quoted scalar"),
        ("a: [x] y\n", 1, 8, "unexpected text after the flow collection"),
        ("a: - x\n", 1, 4, "a block sequence cannot start on the line of its key; put it on the next line"),
        ("a: 1\nplain\n", 2, 1, "expected a mapping key ('key: value')"),
        ("a: 1\n- b\n", 2, 1, "a sequence entry where a mapping key belongs"),
        ("a: @x\n", 1, 4, "'@' cannot start a plain scalar; quote the value"),
        ("a: \u{1}\n", 1, 4, "non-printable character U+0001"),
        ("a: \"x\n---\ny\"\n", 2, 1, "a document marker inside a double-quoted scalar"),
        ("  a: 1\nb: 2\n", 2, 1, "unexpected content; check the indentation"),
    ])
    func refusesWhatIsOutsideTheSubset(yaml: String, line: Int, column: Int, message: String) {
        #expect(throws: YAMLError(line: line, column: column, message: message)) { try read(yaml) }
    }

    @Test func boundsNestingAndSize() {
        let limits = YAMLReader.Limits(maxBytes: 1_000, maxDepth: 3)
        #expect(throws: Never.self) { try YAMLReader.read("a:\n  b:\n    c: 1\n", limits: limits) }
        #expect(throws: YAMLError(line: 4, column: 7, message: "nesting deeper than 3 levels")) {
            try YAMLReader.read("a:\n  b:\n    c:\n      d: 1\n", limits: limits)
        }
        #expect(throws: YAMLError(line: 1, column: 6, message: "nesting deeper than 3 levels")) {
            try YAMLReader.read("a: [[[[1]]]]\n", limits: limits)
        }
        #expect(throws: YAMLError(line: 1, column: 1, message: "the file is larger than 1000 bytes")) {
            try YAMLReader.read(String(repeating: "a", count: 1_001), limits: limits)
        }
        // A pathological depth is refused, not a stack overflow.
        let deep = (0..<200).map { String(repeating: " ", count: $0) + "- " }.joined(separator: "\n")
        #expect(throws: YAMLError.self) { try YAMLReader.read(deep, limits: YAMLReader.Limits(maxBytes: 100_000_000)) }
        #expect(throws: YAMLError.self) { try YAMLReader.read(String(repeating: "[", count: 50_000)) }
    }
}
