import Testing
@testable import Schemas

/// The writer behind every signed or hashed byte: records, the member directory, the coin journal.
/// The first two expectations were pinned on the directory's own writer before it merged into
/// this one; they must still hold.
@Suite struct CanonicalJSONWriterTests {
    @Test func keysSortedNoWhitespaceAndJCSEscapes() throws {
        let value = JSONValue.object([
            "z": .number(-12),
            "a": .array([.bool(true), .bool(false), .string("é\u{2028}")]),
            "B": .string("quote\" backslash\\ nl\n tab\t bell\u{07} del\u{7f}"),
            "aa": .object([:]),
        ])
        let expected = #"{"B":"quote\" backslash\\ nl\n tab\t bell\u0007 del"# + "\u{7f}" + #"","a":[true,false,"é"# + "\u{2028}"
            + #""],"aa":{},"z":-12}"#
        #expect(try CanonicalJSON.encode(value) == Array(expected.utf8))
    }

    @Test func keysSortByUTF16CodeUnits() throws {
        // U+1F600 (surrogates 0xD83D 0xDE00) sorts before U+FF5E (one unit, 0xFF5E) in JCS order,
        // the reverse of their scalar order.
        let value = JSONValue.object(["\u{1F600}": .number(1), "\u{FF5E}": .number(2)])
        #expect(try CanonicalJSON.encode(value) == Array("{\"\u{1F600}\":1,\"\u{FF5E}\":2}".utf8))
    }

    /// Integers are written exactly over all of Int64, where a double would round beyond 2^53.
    @Test func integersAreExactBeyondDoubles() {
        var writer = CanonicalJSONWriter()
        writer.writeArray { list in
            list.writeInteger(.max)
            list.writeInteger(.min)
            list.writeInteger(0)
        }
        #expect(String(decoding: writer.bytes, as: UTF8.self) == "[9223372036854775807,-9223372036854775808,0]")
    }

    @Test func membersNullsAndNesting() {
        let bytes = CanonicalJSONWriter.object { object in
            object.writeMember("absent", nil as String?)
            object.writeMember("count", nil as Int64?)
            object.writeMemberIfPresent("left-out", nil)
            object.writeKey("list")
            object.writeArray { list in
                list.writeObject { _ in }
                list.writeArray { _ in }
                list.writeNull()
                list.writeNumber(4.5)
            }
            object.writeMember("yes", true)
        }
        #expect(String(decoding: bytes, as: UTF8.self) == #"{"absent":null,"count":null,"list":[{},[],null,4.5],"yes":true}"#)
    }

    /// A string that needs no escaping is copied whole; one that does is escaped byte by byte.
    /// Both paths must agree with JCS.
    @Test(arguments: [
        ("plain ascii / €", "\"plain ascii / €\""),
        ("\u{08}\u{0C}\u{1F}", #""\b\f\u001f""#),
        ("back\\slash \"q\"", #""back\\slash \"q\"""#),
    ])
    func stringsEscapeAsJCS(text: String, expected: String) {
        var output: [UInt8] = []
        CanonicalJSONWriter.appendString(text, to: &output)
        #expect(output == Array(expected.utf8))
    }

    @Test func keysOutOfOrderStopTheProcess() async {
        await #expect(processExitsWith: .failure) {
            _ = CanonicalJSONWriter.object { object in
                object.writeMember("b", true)
                object.writeMember("a", true)
            }
        }
    }
}
