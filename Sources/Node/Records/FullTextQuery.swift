/// Turns what a person typed into `q=` into an FTS5 query that cannot be a syntax error.
///
/// FTS5 has its own query language (`AND`, `OR`, `NOT`, `NEAR`, quotes, `*`, `^`, column
/// filters with `:`, parentheses); passing user text through would let `q=air"` or `q=NOT`
/// fail the statement, and `q=title:x` reach into columns. Instead the text is cut into words
/// (runs of letters and digits, in any script) and each word becomes a quoted string with a
/// prefix star, `"lucht"*`, joined by spaces, which FTS5 reads as AND. Inside quotes nothing is
/// an operator, and a word holds no quote to escape. The prefix star makes "lucht" find
/// "luchtkwaliteit" (Dutch writes compounds as one word) and "sensor" find "sensors".
public struct FullTextQuery: Sendable, Equatable {
    /// At most this many words are searched; the rest of a long query is dropped, so one request
    /// cannot make FTS5 intersect hundreds of posting lists.
    public static let maxTerms = 16
    /// Longer input is refused with a 400 before any work.
    public static let maxLength = 200

    /// The words, lowercased, in the order typed, without repeats.
    public let terms: [String]

    /// Nil when `text` holds no letter or digit at all: such a query matches nothing.
    public init?(_ text: String) {
        var terms: [String] = []
        var current = String.UnicodeScalarView()
        func flush() {
            if !current.isEmpty {
                let word = String(current).lowercased()
                if !terms.contains(word) { terms.append(word) }
                current = String.UnicodeScalarView()
            }
        }
        for scalar in text.unicodeScalars {
            if Self.isWordScalar(scalar) {
                current.append(scalar)
            } else {
                flush()
            }
            if terms.count >= Self.maxTerms { break }
        }
        flush()
        guard !terms.isEmpty else { return nil }
        self.terms = Array(terms.prefix(Self.maxTerms))
    }

    /// The FTS5 MATCH expression, e.g. `"air"* "quality"*`.
    public var matchExpression: String {
        terms.map { "\"\($0)\"*" }.joined(separator: " ")
    }

    /// Letters, marks (the accents of decomposed text) and digits, as FTS5's unicode61 tokenizer
    /// counts them; everything else separates words.
    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .letterNumber, .otherNumber:
            true
        default:
            false
        }
    }
}
