/// Finds the CRLF that ends the line at the front of an `InputBuffer`.
///
/// It remembers how far into a partial line it has looked, so a client that sends a line a byte at a
/// time costs work linear in the line, not quadratic. Every byte is checked in arrival order and the
/// first offence wins, so the outcome does not depend on how the bytes were split across reads.
struct LineScanner: Sendable {
    /// Bytes at the front of the buffer already looked at, none of which ends the line.
    private(set) var scannedCount = 0

    /// Consumes one line and its CRLF from the front of `buffer` and returns the line without the
    /// CRLF, or returns nil when the CRLF has not arrived yet.
    ///
    /// The line, CRLF included, may take at most `maxBytes` bytes. Once that many have arrived
    /// without a CRLF this throws `overflow` at once, since no further byte could make the line fit.
    /// A CR not followed by LF, or an LF without CR, is malformed (RFC 9112 2.2): accepting either
    /// as a line end is how a server and a proxy come to disagree on where a request ends.
    mutating func readLine(
        from buffer: inout InputBuffer, maxBytes: Int, overflow: HTTPParseError
    ) throws(HTTPParseError) -> [UInt8]? {
        precondition(scannedCount <= buffer.readableCount, "the buffer lost bytes the scanner had seen")
        var index = scannedCount
        while index < buffer.readableCount {
            guard index < maxBytes else { throw overflow }
            switch buffer.peekByte(at: index) {
            case HTTPSyntax.lineFeed:
                throw .malformed("line ends in a bare LF")
            case HTTPSyntax.carriageReturn:
                guard index + 1 < maxBytes else { throw overflow }
                guard index + 1 < buffer.readableCount else {
                    scannedCount = index
                    return nil
                }
                guard buffer.peekByte(at: index + 1) == HTTPSyntax.lineFeed else {
                    throw .malformed("line contains a bare CR")
                }
                let line = buffer.readBytes(count: index)
                buffer.moveReadIndex(forwardBy: HTTPSyntax.lineEndBytes)
                scannedCount = 0
                return line
            default:
                index += 1
            }
        }
        guard index < maxBytes else { throw overflow }
        scannedCount = index
        return nil
    }
}
