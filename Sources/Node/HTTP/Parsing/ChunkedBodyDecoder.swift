/// Decodes a chunked request body (RFC 9112 7.1) as its bytes arrive.
///
/// Each chunk size is checked against what is left of `maxBodyBytes` as soon as its line is read,
/// before any of its data. Chunk extensions are skipped and trailer fields checked and dropped, as
/// nothing here uses them. The framing is bounded as well, so a client cannot keep the parser busy
/// with size lines, extensions or trailers that decode to nothing.
struct ChunkedBodyDecoder: Sendable {
    /// The longest chunk-size line, extensions and CRLF included. Sixteen hex digits hold any size;
    /// the rest is room for extensions. Unbounded extensions were Node.js's CVE-2024-22019.
    static let maxSizeLineBytes = 1024

    private enum Phase: Sendable {
        case sizeLine
        case data(remainingBytes: Int)
        /// The CRLF that must follow each chunk's data.
        case dataEnd
        case trailer
    }

    private static let hexadecimalRadix = 16

    private let limits: HTTPParseLimits
    /// Size lines and CRLFs may take as many bytes as `maxBodyBytes`, plus one size line so that an
    /// empty body's last chunk always fits. The bytes on the wire then stay within about twice the
    /// body limit however the client slices the body, the idea of Go's fix for CVE-2023-39326.
    /// Checked as each size line is read; the CRLF after a chunk's data can overshoot it by two bytes.
    private let maxFramingBytes: Int
    private var phase = Phase.sizeLine
    private var lineScanner = LineScanner()
    private var framingBytesCount = 0
    /// Trailer fields count against the head limits, so they start from what the head used.
    private var headAndTrailerBytesCount: Int
    private var fieldCount: Int

    init(limits: HTTPParseLimits, headBytesCount: Int, headerCount: Int) {
        self.limits = limits
        let (framingBytes, overflowed) = limits.maxBodyBytes.addingReportingOverflow(Self.maxSizeLineBytes)
        maxFramingBytes = overflowed ? Int.max : framingBytes
        headAndTrailerBytesCount = headBytesCount
        fieldCount = headerCount
    }

    /// Consumes what it can of the body from `buffer`, appending decoded data to `body`. Returns true
    /// once the last chunk and the trailer section have been read, false when more bytes are needed.
    mutating func decode(from buffer: inout InputBuffer, into body: inout [UInt8]) throws(HTTPParseError) -> Bool {
        // Each pass consumes bytes, returns or throws, so the loop ends within the buffered bytes.
        while true {
            switch phase {
            case .sizeLine:
                let remainingFramingBytes = maxFramingBytes - framingBytesCount
                let isFramingBudgetTighter = remainingFramingBytes < Self.maxSizeLineBytes
                guard let line = try lineScanner.readLine(
                    from: &buffer,
                    maxBytes: min(remainingFramingBytes, Self.maxSizeLineBytes),
                    overflow: isFramingBudgetTighter ? .bodyTooLarge : .malformed("chunk size line is too long")
                ) else {
                    return false
                }
                framingBytesCount += line.count + HTTPSyntax.lineEndBytes
                let size = try Self.parseChunkSize(line)
                guard size <= limits.maxBodyBytes - body.count else { throw .bodyTooLarge }
                phase = size == 0 ? .trailer : .data(remainingBytes: size)
            case .data(let remainingBytes):
                guard !buffer.isEmpty else { return false }
                let count = min(remainingBytes, buffer.readableCount)
                buffer.readBytes(count: count, appendingTo: &body)
                phase = count == remainingBytes ? .dataEnd : .data(remainingBytes: remainingBytes - count)
            case .dataEnd:
                guard buffer.readableCount >= 1 else { return false }
                guard buffer.peekByte(at: 0) == HTTPSyntax.carriageReturn else {
                    throw .malformed("chunk data is not followed by CRLF")
                }
                guard buffer.readableCount >= HTTPSyntax.lineEndBytes else { return false }
                guard buffer.peekByte(at: 1) == HTTPSyntax.lineFeed else {
                    throw .malformed("chunk data is not followed by CRLF")
                }
                buffer.moveReadIndex(forwardBy: HTTPSyntax.lineEndBytes)
                framingBytesCount += HTTPSyntax.lineEndBytes
                phase = .sizeLine
            case .trailer:
                // The empty line closing the section is framing, not a field: it must fit even
                // when the head used all of `maxHeadBytes`.
                let remainingHeadBytes = limits.maxHeadBytes - headAndTrailerBytesCount
                guard let line = try lineScanner.readLine(
                    from: &buffer, maxBytes: max(remainingHeadBytes, HTTPSyntax.lineEndBytes), overflow: .headTooLarge
                ) else {
                    return false
                }
                guard !line.isEmpty else { return true }
                headAndTrailerBytesCount += line.count + HTTPSyntax.lineEndBytes
                guard fieldCount < limits.maxHeaderCount else { throw .headTooLarge }
                _ = try HeadParser.parseFieldLine(line)
                fieldCount += 1
            }
        }
    }

    /// `chunk-size [ chunk-ext ]` (RFC 9112 7.1): hex digits, then nothing, or BWS `;` and
    /// extensions, which are skipped but may hold no control characters.
    private static func parseChunkSize(_ line: [UInt8]) throws(HTTPParseError) -> Int {
        var size = 0
        var index = line.startIndex
        while index < line.endIndex, let digitValue = HTTPSyntax.hexDigitValue(line[index]) {
            let (shifted, shiftOverflowed) = size.multipliedReportingOverflow(by: hexadecimalRadix)
            let (sum, sumOverflowed) = shifted.addingReportingOverflow(digitValue)
            guard !shiftOverflowed, !sumOverflowed else { throw .malformed("chunk size is too large a number") }
            size = sum
            index += 1
        }
        guard index > line.startIndex else { throw .malformed("chunk size is not hexadecimal") }
        let extensions = line[index...]
        guard !extensions.isEmpty else { return size }
        guard extensions.drop(while: HTTPSyntax.isWhitespace).first == HTTPSyntax.semicolon else {
            throw .malformed("chunk size is followed by something other than an extension")
        }
        guard extensions.allSatisfy(HTTPSyntax.isFieldValueByte) else {
            throw .malformed("chunk extension contains a control character")
        }
        return size
    }
}
