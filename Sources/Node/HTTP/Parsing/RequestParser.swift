/// One request taken off a connection: its head and its decoded body.
public struct ParsedRequest: Sendable, Equatable {
    public var head: RequestHead
    public var body: [UInt8]

    public init(head: RequestHead, body: [UInt8]) {
        self.head = head
        self.body = body
    }
}

/// The incremental HTTP/1.1 request parser (RFC 9112) of one connection.
///
/// Hand it the connection's `InputBuffer` after every read, always the same buffer, touched only by
/// appending in between. Head lines are consumed as soon as they are complete and the scan position
/// inside a partial line is kept, so a client sending a byte at a time costs linear work. Every limit
/// in `HTTPParseLimits` fails the request as soon as the bytes that break it have arrived, before more
/// is buffered or allocated. Parsing is strict: whatever RFC 9112 lets a server reject (bare CR or
/// LF, obs-fold, Content-Length beside Transfer-Encoding, conflicting lengths) is rejected, because
/// a lenient reading is where request smuggling starts when another hop reads the bytes differently.
public struct RequestParser: Sendable {
    private enum Phase: Sendable {
        case head
        case fixedLengthBody(head: RequestHead, remainingBytes: Int)
        case chunkedBody(head: RequestHead, decoder: ChunkedBodyDecoder)
    }

    private let limits: HTTPParseLimits
    private var phase = Phase.head
    /// Internal so tests can see that a partial line is not scanned again.
    private(set) var headParser: HeadParser
    /// The body of the current request, kept outside `phase` so appending to it never copies it.
    private var body: [UInt8] = []
    private var isContinueRequestPending = false

    public init(limits: HTTPParseLimits = HTTPParseLimits()) {
        self.limits = limits
        headParser = HeadParser(limits: limits)
    }

    /// Consumes exactly one complete request from the front of `buffer` and returns it, or returns nil
    /// (keeping its partial state, so bytes already scanned are not scanned again) when more bytes are
    /// needed. Bytes of a pipelined request behind it stay in `buffer` for the next call.
    /// After a throw the connection is closed by the caller; the parser need not be reusable.
    public mutating func next(from buffer: inout InputBuffer) throws(HTTPParseError) -> ParsedRequest? {
        switch phase {
        case .head:
            guard let head = try headParser.readHead(from: &buffer) else { return nil }
            let headBytesCount = headParser.headBytesCount
            headParser = HeadParser(limits: limits)
            let framing = try BodyFraming(head: head, limits: limits)
            isContinueRequestPending = Self.expectsContinue(head)
            switch framing {
            case .empty:
                return finishRequest(head)
            case .contentLength(let length):
                return readFixedLengthBody(of: head, remainingBytes: length, from: &buffer)
            case .chunked:
                let decoder = ChunkedBodyDecoder(
                    limits: limits, headBytesCount: headBytesCount, headerCount: head.headers.count)
                return try readChunkedBody(of: head, decoder: decoder, from: &buffer)
            }
        case .fixedLengthBody(let head, let remainingBytes):
            return readFixedLengthBody(of: head, remainingBytes: remainingBytes, from: &buffer)
        case .chunkedBody(let head, let decoder):
            return try readChunkedBody(of: head, decoder: decoder, from: &buffer)
        }
    }

    /// True while the current request's head is complete and its body is still arriving, so the
    /// server can trade the header deadline for the body deadline.
    public var isReadingBody: Bool {
        if case .head = phase { return false }
        return true
    }

    /// True once per request whose head carried `Expect: 100-continue` while its body has not fully
    /// arrived; reading it resets it, so the server writes `100 Continue` once.
    public mutating func takeContinueRequest() -> Bool {
        defer { isContinueRequestPending = false }
        return isContinueRequestPending
    }

    private mutating func readFixedLengthBody(
        of head: RequestHead, remainingBytes: Int, from buffer: inout InputBuffer
    ) -> ParsedRequest? {
        let count = min(remainingBytes, buffer.readableCount)
        buffer.readBytes(count: count, appendingTo: &body)
        guard count == remainingBytes else {
            phase = .fixedLengthBody(head: head, remainingBytes: remainingBytes - count)
            return nil
        }
        return finishRequest(head)
    }

    private mutating func readChunkedBody(
        of head: RequestHead, decoder: ChunkedBodyDecoder, from buffer: inout InputBuffer
    ) throws(HTTPParseError) -> ParsedRequest? {
        var decoder = decoder
        guard try decoder.decode(from: &buffer, into: &body) else {
            phase = .chunkedBody(head: head, decoder: decoder)
            return nil
        }
        return finishRequest(head)
    }

    /// Clears the per-request state, including a `100 Continue` not yet taken: a body that has
    /// arrived needs none.
    private mutating func finishRequest(_ head: RequestHead) -> ParsedRequest {
        precondition(body.count <= limits.maxBodyBytes, "a body outgrew maxBodyBytes")
        let request = ParsedRequest(head: head, body: body)
        body = []
        phase = .head
        isContinueRequestPending = false
        return request
    }

    /// RFC 9110 10.1.1: the expectation is case-insensitive, and a server must ignore it in an
    /// HTTP/1.0 request, whose clients cannot know the interim response.
    private static func expectsContinue(_ head: RequestHead) -> Bool {
        head.version == .http1_1
            && head.headers.values("Expect").contains { HTTPSyntax.equalsIgnoringASCIICase($0.utf8, "100-continue".utf8) }
    }
}
