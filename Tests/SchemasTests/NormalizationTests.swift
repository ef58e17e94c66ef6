import Foundation
import Testing
@testable import Schemas

/// `Read.nfc` skips Foundation's normalization for text below U+0300; these pin that the skip
/// never changes an answer. Bytes are compared, since `String`'s `==` already treats canonically
/// equivalent texts as equal.
@Suite("NFC normalization")
struct NormalizationTests {
    /// Every scalar below U+0300, alone and followed by each of a few neighbours that compose
    /// with something (combining marks, a jamo) or do not (ASCII, Latin-1).
    @Test func agreesWithFoundationAroundTheFastPathsBoundary() {
        let below = (UInt32(0)..<0x300).compactMap { Unicode.Scalar($0) }
        let neighbours: [Unicode.Scalar] = ["a", "\u{E9}", "\u{2FF}", "\u{300}", "\u{301}", "\u{327}", "\u{1161}", "\u{FFFD}"]
        for first in below {
            for text in [String(first)] + neighbours.map({ String(first) + String($0) }) {
                #expect(Array(Read.nfc(text).utf8) == Array(text.precomposedStringWithCanonicalMapping.utf8),
                        "U+\(String(first.value, radix: 16)) in \(text.unicodeScalars.map { $0.value })")
            }
        }
    }

    @Test func composesDecomposedTextAndKeepsComposedText() {
        #expect(Array(Read.nfc("cafe\u{301}").utf8) == Array("caf\u{E9}".utf8))
        #expect(Array(Read.nfc("co\u{F6}peratie").utf8) == Array("co\u{F6}peratie".utf8))
        #expect(Array(Read.nfc("\u{212B}").utf8) == Array("\u{C5}".utf8), "the Angstrom sign, above U+0300, still goes through Foundation")
    }
}
