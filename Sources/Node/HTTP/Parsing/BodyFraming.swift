/// How the body of a request is delimited (RFC 9112 6.3), decided from its head alone.
///
/// Every ambiguity RFC 9112 lets a server refuse is refused: a server and a proxy that choose
/// different lengths for the same bytes is request smuggling.
enum BodyFraming: Equatable, Sendable {
    /// No `Content-Length` and no `Transfer-Encoding`: a request without them has no body.
    case empty
    case contentLength(Int)
    case chunked

    /// Throws `.bodyTooLarge` for a declared length over `maxBodyBytes` now, before any body is read.
    init(head: RequestHead, limits: HTTPParseLimits) throws(HTTPParseError) {
        let transferCodings = head.headers.values("Transfer-Encoding")
        let contentLengths = head.headers.values("Content-Length")
        if !transferCodings.isEmpty {
            // RFC 9112 6.1: a sender must not send both; the RFC lets a server reject the pair.
            guard contentLengths.isEmpty else { throw .malformed("both Transfer-Encoding and Content-Length") }
            // RFC 9112 6.1: Transfer-Encoding in HTTP/1.0 means the framing is faulty.
            guard head.version == .http1_1 else { throw .malformed("Transfer-Encoding in an HTTP/1.0 request") }
            guard transferCodings.count == 1,
                  HTTPSyntax.equalsIgnoringASCIICase(transferCodings[0].utf8, "chunked".utf8)
            else {
                throw .unsupportedTransferCoding
            }
            self = .chunked
            return
        }
        guard !contentLengths.isEmpty else {
            self = .empty
            return
        }
        let length = try Self.parseContentLength(contentLengths)
        guard length <= limits.maxBodyBytes else { throw .bodyTooLarge }
        self = length == 0 ? .empty : .contentLength(length)
    }

    /// `Content-Length = 1*DIGIT` (RFC 9110 8.6). Repeats of one value, as fields or as a list
    /// (`5, 5`), are accepted as the RFC allows; differing values are refused.
    private static func parseContentLength(_ values: [String]) throws(HTTPParseError) -> Int {
        var length: Int?
        for value in values {
            for element in HTTPSyntax.listElements(value) {
                let elementLength = try parseDecimal(element)
                guard length == nil || length == elementLength else {
                    throw .malformed("Content-Length values differ")
                }
                length = elementLength
            }
        }
        guard let length else { preconditionFailure("a field value has at least one list element") }
        return length
    }

    private static let decimalRadix = 10

    private static func parseDecimal(_ digits: ArraySlice<UInt8>) throws(HTTPParseError) -> Int {
        guard !digits.isEmpty, digits.allSatisfy(HTTPSyntax.isDigit) else {
            throw .malformed("Content-Length is not a decimal number")
        }
        var number = 0
        for digit in digits {
            let (shifted, shiftOverflowed) = number.multipliedReportingOverflow(by: decimalRadix)
            let (sum, sumOverflowed) = shifted.addingReportingOverflow(Int(digit - UInt8(ascii: "0")))
            guard !shiftOverflowed, !sumOverflowed else { throw .malformed("Content-Length is too large a number") }
            number = sum
        }
        return number
    }
}
