import Foundation
import Testing

@testable import Federation

/// The change feed's base64: the same text as Foundation's encoder for every input, and strict
/// decoding, so that a text has one meaning and given bytes exactly one text.
@Suite struct Base64Tests {
    private static let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    @Test func everyLengthFrom0To100AgreesWithFoundationBothWays() {
        var generator = SeededGenerator(seed: 0xB64)
        for length in 0...100 {
            for _ in 0..<8 {
                let bytes = (0..<length).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
                let foundation = Array(Data(bytes).base64EncodedString().utf8)
                #expect(Base64.encode(bytes) == foundation, "encoding \(bytes)")
                #expect(Base64.decode(foundation) == bytes, "decoding \(String(decoding: foundation, as: UTF8.self))")
                #expect(Data(base64Encoded: Data(Base64.encode(bytes))) == Data(bytes), "Foundation decoding ours of \(bytes)")
                #expect(Base64.encodedCount(length) == foundation.count)
                #expect(Base64.decodedCount(of: foundation) == length)
            }
        }
    }

    @Test func everyByteValueRoundTripsAtEveryAlignment() {
        let everyByte = (0...255).map(UInt8.init)
        for shift in 0..<3 {
            let bytes = Array(everyByte.dropFirst(shift))
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
        }
    }

    @Test(arguments: [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="),
                      ("foobar", "Zm9vYmFy")])
    func theTestVectorsOfRFC4648(bytes: String, text: String) {
        #expect(Base64.encode(Array(bytes.utf8)) == Array(text.utf8))
        #expect(Base64.decode(Array(text.utf8)) == Array(bytes.utf8))
    }

    @Test func decodingReadsSlicesAndTheEmptyText() {
        let text = Array(#""aGk=""#.utf8)
        #expect(Base64.decode(text[1..<5]) == Array("hi".utf8))
        #expect(Base64.decode([UInt8]()) == [])
    }

    @Test(arguments: [
        "A", "AA", "AAA", "AAAAA",  // not a multiple of four
        "AA=", "AAAAA=", "AA===",  // padding that does not make one
        "A===", "====", "AAAA====",  // more padding than a group can have
        "AA=A", "A=AA", "AA==AAAA", "AAA=AAAA",  // padding before the end
        "AB==", "AAB=", "AP==", "AAD=",  // unused bits set
        "AA AA==", " AAAA", "AAAA\n", "AA\r\nAA",  // whitespace
        "AA-_", "AAA.", "AA*A", "AA\u{e9}",  // outside the alphabet
    ])
    func nonStrictTextsAreRefused(text: String) {
        #expect(Base64.decode(Array(text.utf8)) == nil)
    }

    @Test func everyByteOutsideTheAlphabetIsRefusedInEveryPosition() {
        for byte in (0...255).map(UInt8.init) where !Self.alphabet.contains(byte) {
            for position in 0..<8 {
                var text = Array("QUJDRAAA".utf8)
                text[position] = byte
                // "QUJDRAA=" is valid: padding in the last position, and no bit of the "A" before it is lost.
                let isValidPadding = byte == UInt8(ascii: "=") && position == 7
                #expect((Base64.decode(text) == nil) != isValidPadding, "byte \(byte) at \(position)")
            }
        }
    }

    @Test func theDecodedCountComesFromTheLengthAndPadding() {
        #expect(Base64.decodedCount(of: Array("".utf8)) == 0)
        #expect(Base64.decodedCount(of: Array("AA==".utf8)) == 1)
        #expect(Base64.decodedCount(of: Array("AAA=".utf8)) == 2)
        #expect(Base64.decodedCount(of: Array("AAAAAAAA".utf8)) == 6)
    }
}
