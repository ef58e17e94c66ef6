import Schemas

/// JSON read straight from the bytes of a change feed page: objects member by member, strings as
/// slices of the input, integers exactly. A page is megabytes of base64 in a fixed shape; a tree
/// of `JSONValue`s would copy every content string once more, and its doubles cannot hold every
/// Int64 sequence.
///
/// The grammar is RFC 8259's and as strict as `JSONParser`'s, because what this reader does not
/// take apart itself goes through `JSONParser`: a string with an escape or a byte outside
/// printable ASCII, and the value of a member the caller skips. Escapes, UTF-8, duplicate keys
/// and nesting inside those are thus checked by the project's one parser. Errors are
/// `SyncError.malformedPage`, naming the path of the value (`changes.3.sequence`) or the byte
/// offset of a syntax error. Paths are autoclosures, built only for an error.
struct FeedJSONReader {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Reads an object, calling `readMember` with each key while the reader stands on the key's
    /// value; `readMember` reads or skips that value.
    mutating func readObject(
        at path: @autoclosure () -> String,
        _ readMember: (inout FeedJSONReader, ArraySlice<UInt8>) throws(SyncError) -> Void
    ) throws(SyncError) {
        try expect("an object", at: path()) { $0 == .openBrace }
        offset += 1
        skipWhitespace()
        if peek() == .closeBrace {
            offset += 1
            return
        }
        while true {
            skipWhitespace()
            guard peek() == .quote else { throw syntaxError("expected a key") }
            let key = try readString(at: path())
            skipWhitespace()
            guard peek() == .colon else { throw syntaxError("expected ':' after the key") }
            offset += 1
            try readMember(&self, key)
            skipWhitespace()
            switch peek() {
            case .comma: offset += 1
            case .closeBrace: offset += 1; return
            default: throw syntaxError("expected ',' or '}' in the object")
            }
        }
    }

    /// Reads an array, calling `readElement` with each position while the reader stands on the
    /// element.
    mutating func readArray(at path: @autoclosure () -> String,
                            _ readElement: (inout FeedJSONReader, Int) throws(SyncError) -> Void) throws(SyncError) {
        try expect("an array", at: path()) { $0 == .openBracket }
        offset += 1
        skipWhitespace()
        if peek() == .closeBracket {
            offset += 1
            return
        }
        var position = 0
        while true {
            try readElement(&self, position)
            position += 1
            skipWhitespace()
            switch peek() {
            case .comma: offset += 1
            case .closeBracket: offset += 1; return
            default: throw syntaxError("expected ',' or ']' in the array")
            }
        }
    }

    /// A string's UTF-8: a slice of the input when it has no escapes, as on every page a
    /// Knooppunt node writes, else what `JSONParser` reads it as.
    mutating func readString(at path: @autoclosure () -> String) throws(SyncError) -> ArraySlice<UInt8> {
        try expect("a string", at: path()) { $0 == .quote }
        let start = offset
        let plainEnd = endOfPlainText(from: start + 1)
        if plainEnd < bytes.count, bytes[plainEnd] == .quote {
            offset = plainEnd + 1
            return bytes[(start + 1)..<plainEnd]
        }
        let end = try endOfString(from: start)
        guard case .string(let text) = try parse(start..<end) else { throw syntaxError("expected a string") }
        offset = end
        return ArraySlice(text.utf8)
    }

    /// An integer written as digits: a fraction or an exponent is refused even where the value
    /// is whole (`1.0`, `1e3`), and so is anything beyond Int64, so every value read is exact.
    mutating func readInteger(at path: @autoclosure () -> String) throws(SyncError) -> Int64 {
        try expect("a whole number", at: path()) { $0 == .minus || $0.isDigit }
        let isNegative = bytes[offset] == .minus
        if isNegative { offset += 1 }
        let digitsStart = offset
        var value: Int64 = 0
        while let byte = peek(), byte.isDigit {
            let (shifted, overflowed) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowedAgain) = shifted.addingReportingOverflow(Int64(byte - .zero))
            guard !overflowed, !overflowedAgain else { throw typeError("\(path()): beyond the range of a 64-bit integer") }
            value = sum
            offset += 1
        }
        guard offset > digitsStart else { throw syntaxError("a number needs digits") }
        guard offset == digitsStart + 1 || bytes[digitsStart] != .zero else {
            throw syntaxError("a number must not have leading zeros")
        }
        if let byte = peek(), byte == .point || byte == .lowercaseE || byte == .uppercaseE {
            throw typeError("\(path()): expected a whole number written as digits, found a fraction or an exponent")
        }
        return isNegative ? -value : value
    }

    mutating func readBool(at path: @autoclosure () -> String) throws(SyncError) -> Bool {
        try expect("a boolean", at: path()) { $0 == .lowercaseT || $0 == .lowercaseF }
        if bytes[offset...].starts(with: "true".utf8) {
            offset += 4
            return true
        }
        if bytes[offset...].starts(with: "false".utf8) {
            offset += 5
            return false
        }
        throw syntaxError("unexpected character, expected a value")
    }

    /// Passes over one value of any kind, after `JSONParser` has checked it.
    mutating func skipValue() throws(SyncError) {
        skipWhitespace()
        let end = try endOfValue(from: offset)
        _ = try parse(offset..<end)
        offset = end
    }

    /// Checks that nothing but whitespace follows the document.
    mutating func finish() throws(SyncError) {
        skipWhitespace()
        guard offset == bytes.count else { throw syntaxError("unexpected data after the JSON value") }
    }

    // MARK: Values handed to JSONParser

    private func parse(_ range: Range<Int>) throws(SyncError) -> JSONValue {
        do {
            return try JSONParser.parse(bytes[range], limits: JSONParser.Limits(maxBytes: range.count))
        } catch {
            throw .malformedPage("not a change feed page: in the value at byte \(range.lowerBound): \(error)")
        }
    }

    /// Where the value starting at `start` ends: only its extent, found by brackets and quotes;
    /// `parse` judges the rest.
    private func endOfValue(from start: Int) throws(SyncError) -> Int {
        guard start < bytes.count else { throw syntaxError("unexpected end of input, expected a value") }
        switch bytes[start] {
        case .quote:
            return try endOfString(from: start)
        case .openBrace, .openBracket:
            var depth = 0
            var index = start
            while index < bytes.count {
                switch bytes[index] {
                case .openBrace, .openBracket: depth += 1
                case .closeBrace, .closeBracket:
                    depth -= 1
                    if depth == 0 { return index + 1 }
                case .quote:
                    index = try endOfString(from: index) - 1
                default: break
                }
                index += 1
            }
            throw syntaxError("unexpected end of input in a nested value")
        default:
            var index = start
            while index < bytes.count, !bytes[index].endsScalar { index += 1 }
            return index
        }
    }

    /// The offset of the first byte from `start` on that is not plain string text (printable
    /// ASCII but `"` and `\`), or the end of the input. Eight bytes at a time, as content is
    /// most of a page: a word goes whole when no byte in it is a quote, a backslash, below
    /// U+0020 or above U+007F; the word that has one is looked at byte by byte.
    private func endOfPlainText(from start: Int) -> Int {
        bytes.withUnsafeBytes { input in
            var index = start
            while index + 8 <= input.count,
                  !Self.hasNonPlainByte(input.loadUnaligned(fromByteOffset: index, as: UInt64.self)) {
                index += 8
            }
            while index < input.count, (0x20..<0x80).contains(input[index]), input[index] != .quote,
                  input[index] != .backslash {
                index += 1
            }
            return index
        }
    }

    /// Whether a byte of `word` may be other than plain text; never false when one is. Each
    /// subtraction takes one from every byte (0x20 for `belowSpace`), so it sets a byte's high
    /// bit when the byte was a quote or backslash (after the XOR, zero) or below 0x20; bytes from
    /// 0x80 up have it already. A borrow can set a plain byte's high bit too, but only above a
    /// byte that borrowed, which is a hit itself: the byte loop after it then finds the first.
    private static func hasNonPlainByte(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let belowSpace = word &- ones &* 0x20
        let quote = (word ^ ones &* UInt64(UInt8.quote)) &- ones
        let backslash = (word ^ ones &* UInt64(UInt8.backslash)) &- ones
        return (word | belowSpace | quote | backslash) & 0x8080_8080_8080_8080 != 0
    }

    /// The offset just after the quote that closes the string opening at `start`.
    private func endOfString(from start: Int) throws(SyncError) -> Int {
        var index = start + 1
        while index < bytes.count {
            switch bytes[index] {
            case .quote: return index + 1
            case .backslash: index += 2
            default: index += 1
            }
        }
        throw syntaxError("unterminated string")
    }

    // MARK: Bytes

    private func peek() -> UInt8? {
        offset < bytes.count ? bytes[offset] : nil
    }

    private mutating func skipWhitespace() {
        while let byte = peek(), byte.isWhitespace { offset += 1 }
    }

    /// Skips whitespace and checks that the value there is of the kind `startsKind` recognizes by
    /// its first byte, refusing a value of another kind by naming both.
    private mutating func expect(_ kind: String, at path: @autoclosure () -> String,
                                 startsKind: (UInt8) -> Bool) throws(SyncError) {
        skipWhitespace()
        guard let byte = peek() else { throw syntaxError("unexpected end of input, expected a value") }
        guard !startsKind(byte) else { return }
        let found: String = switch byte {
        case .quote: "a string"
        case .openBrace: "an object"
        case .openBracket: "an array"
        case .lowercaseT, .lowercaseF: "a boolean"
        case .lowercaseN: "null"
        case .minus: "a number"
        case _ where byte.isDigit: "a number"
        default: throw syntaxError("unexpected character, expected a value")
        }
        throw typeError("\(path()): expected \(kind), found \(found)")
    }

    private func syntaxError(_ message: String) -> SyncError {
        .malformedPage("not a change feed page: at byte \(offset): \(message)")
    }

    private func typeError(_ message: String) -> SyncError {
        .malformedPage("not a change feed page: \(message)")
    }
}

private extension UInt8 {
    static let quote = UInt8(ascii: "\"")
    static let backslash = UInt8(ascii: "\\")
    static let colon = UInt8(ascii: ":")
    static let comma = UInt8(ascii: ",")
    static let openBrace = UInt8(ascii: "{")
    static let closeBrace = UInt8(ascii: "}")
    static let openBracket = UInt8(ascii: "[")
    static let closeBracket = UInt8(ascii: "]")
    static let minus = UInt8(ascii: "-")
    static let point = UInt8(ascii: ".")
    static let zero = UInt8(ascii: "0")
    static let lowercaseE = UInt8(ascii: "e")
    static let uppercaseE = UInt8(ascii: "E")
    static let lowercaseT = UInt8(ascii: "t")
    static let lowercaseF = UInt8(ascii: "f")
    static let lowercaseN = UInt8(ascii: "n")

    var isDigit: Bool { self >= .zero && self <= UInt8(ascii: "9") }
    var isWhitespace: Bool { self == 0x20 || self == 0x0A || self == 0x0D || self == 0x09 }
    /// Whether the byte ends a number or a literal: what may follow a value.
    var endsScalar: Bool { self == .comma || self == .closeBrace || self == .closeBracket || isWhitespace }
}
