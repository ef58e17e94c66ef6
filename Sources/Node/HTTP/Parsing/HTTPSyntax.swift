/// Byte classes of the HTTP/1.1 grammar (RFC 9110 section 5.6, RFC 9112), shared by the request-line,
/// field-line and chunk-size parsers so that they agree on what a token or a field value is.
enum HTTPSyntax {
    static let carriageReturn = UInt8(ascii: "\r")
    static let lineFeed = UInt8(ascii: "\n")
    static let space = UInt8(ascii: " ")
    static let horizontalTab = UInt8(ascii: "\t")
    static let colon = UInt8(ascii: ":")
    static let semicolon = UInt8(ascii: ";")
    static let comma = UInt8(ascii: ",")
    /// CR LF, which ends every line of a head, a chunk-size line and a trailer section.
    static let lineEndBytes = 2

    /// `tchar` (RFC 9110 5.6.2): what methods, field names and connection options are made of.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "a")...UInt8(ascii: "z"):
            true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
             UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
             UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }

    /// `OWS`/`BWS` (RFC 9110 5.6.3): only SP and HTAB.
    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == space || byte == horizontalTab
    }

    /// `field-vchar`, SP or HTAB (RFC 9110 5.5). obs-text (0x80-0xFF) is allowed as the RFC permits;
    /// controls and DEL are not, since they are what smuggles line breaks and NULs past other hops.
    static func isFieldValueByte(_ byte: UInt8) -> Bool {
        byte == horizontalTab || (byte >= space && byte != asciiDelete)
    }

    /// `VCHAR`: a request target is a URI (RFC 3986), which is ASCII without spaces or controls.
    static func isVisibleASCII(_ byte: UInt8) -> Bool {
        byte > space && byte < asciiDelete
    }

    static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    static func hexDigitValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(byte - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(byte - UInt8(ascii: "A")) + 10
        default: nil
        }
    }

    static func trimmingWhitespace(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var trimmed = bytes
        while let first = trimmed.first, isWhitespace(first) {
            trimmed.removeFirst()
        }
        while let last = trimmed.last, isWhitespace(last) {
            trimmed.removeLast()
        }
        return trimmed
    }

    /// The elements of a `#rule` list value (RFC 9110 5.6.1): split on commas, OWS trimmed, empty
    /// elements kept so that callers which require every element to be valid can refuse them.
    static func listElements(_ value: String) -> [ArraySlice<UInt8>] {
        Array(value.utf8)
            .split(separator: comma, omittingEmptySubsequences: false)
            .map(trimmingWhitespace)
    }

    /// Field names, connection options and transfer codings compare case-insensitively in ASCII only
    /// (RFC 9110 5.1); Unicode case folding would let non-ASCII bytes match ASCII names.
    static func equalsIgnoringASCIICase(_ lhs: some Collection<UInt8>, _ rhs: some Collection<UInt8>) -> Bool {
        lhs.count == rhs.count && zip(lhs, rhs).allSatisfy { asciiLowercased($0) == asciiLowercased($1) }
    }

    private static let asciiDelete: UInt8 = 0x7F
    /// ASCII upper- and lowercase letters differ only in this bit.
    private static let asciiCaseBit: UInt8 = 0x20

    private static func asciiLowercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | asciiCaseBit : byte
    }
}
