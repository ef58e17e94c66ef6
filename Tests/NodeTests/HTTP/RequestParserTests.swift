import Testing
@testable import Node

/// What feeding some bytes to one parser produced: the requests in order, and the error that ended
/// parsing, if any.
private struct ParseOutcome: Equatable {
    var requests: [ParsedRequest] = []
    var error: HTTPParseError?
    var unconsumedCount = 0
}

/// Feeds `bytes` to a fresh parser, appending a piece ending at each of `splitOffsets` in turn and
/// taking every complete request after each append, as the server does after each read.
private func parse(
    _ bytes: [UInt8], splitAt splitOffsets: [Int] = [], limits: HTTPParseLimits = HTTPParseLimits()
) -> ParseOutcome {
    var parser = RequestParser(limits: limits)
    var buffer = InputBuffer()
    var outcome = ParseOutcome()
    var pieceStart = 0
    for pieceEnd in splitOffsets + [bytes.count] {
        buffer.append(contentsOf: Array(bytes[pieceStart..<pieceEnd]))
        pieceStart = pieceEnd
        do throws(HTTPParseError) {
            while let request = try parser.next(from: &buffer) {
                outcome.requests.append(request)
            }
        } catch {
            outcome.error = error
            return outcome
        }
    }
    outcome.unconsumedCount = buffer.readableCount
    return outcome
}

private func parse(_ text: String, limits: HTTPParseLimits = HTTPParseLimits()) -> ParseOutcome {
    parse(Array(text.utf8), limits: limits)
}

/// The single request `text` holds, or nil if it did not parse into exactly one.
private func parseOne(_ text: String, limits: HTTPParseLimits = HTTPParseLimits()) -> ParsedRequest? {
    let outcome = parse(text, limits: limits)
    guard outcome.error == nil, outcome.requests.count == 1 else { return nil }
    return outcome.requests[0]
}

/// A GET for `/` with a Host field, `fields` after it, and the empty line.
private func head(_ fields: String...) -> String {
    (["GET / HTTP/1.1", "Host: example.org"] + fields).joined(separator: "\r\n") + "\r\n\r\n"
}

/// A chunked POST for `/` whose body is `chunkedBody`, framing included.
private func chunkedPost(_ chunkedBody: String) -> String {
    "POST / HTTP/1.1\r\nHost: example.org\r\nTransfer-Encoding: chunked\r\n\r\n" + chunkedBody
}

private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

@Suite("Request line")
struct RequestLineTests {
    @Test func parsesGET() throws {
        let outcome = parse("GET /api/x?y=1 HTTP/1.1\r\nHost: example.org\r\nX-Trace: A b\r\n\r\n")
        #expect(outcome.error == nil)
        #expect(outcome.unconsumedCount == 0)
        let request = try #require(outcome.requests.first)
        #expect(request.head.method == "GET")
        #expect(request.head.target == "/api/x?y=1")
        #expect(request.head.version == .http1_1)
        #expect(request.head.headers == HTTPHeaders([("Host", "example.org"), ("X-Trace", "A b")]))
        #expect(request.body.isEmpty)
    }

    @Test(arguments: ["OPTIONS * HTTP/1.1", "M-SEARCH /x HTTP/1.1", "GET /%7E?a=b&c=%20 HTTP/1.0"])
    func acceptsRequestLine(_ line: String) {
        #expect(parseOne(line + "\r\nHost: h\r\n\r\n") != nil)
    }

    @Test(arguments: [
        "GET  / HTTP/1.1", " GET / HTTP/1.1", "GET / HTTP/1.1 ", "GET /  HTTP/1.1", "GET /a b HTTP/1.1",
        "GET /\tx HTTP/1.1", "GET /\u{7F} HTTP/1.1", "GET /caf\u{E9} HTTP/1.1", "G(T / HTTP/1.1", "GET\u{0} / HTTP/1.1",
        "GET http://example.org/ HTTP/1.1", "GET example.org HTTP/1.1", "GET * HTTP/1.1", "GET / http/1.1",
        "GET / HTTP/1", "GET / HTTP/1.1.1", "GET / HTTP/11", "GET / HTTPS/1.1", "GET /", "GET",
    ])
    func rejectsMalformedRequestLine(_ line: String) {
        #expect(parse(line + "\r\nHost: h\r\n\r\n").error?.status == 400)
    }

    @Test(arguments: ["HTTP/2.0", "HTTP/1.2", "HTTP/0.9", "HTTP/3.1"])
    func rejectsUnsupportedVersion(_ version: String) {
        #expect(parse("GET / \(version)\r\nHost: h\r\n\r\n").error == .unsupportedVersion)
    }

    @Test(arguments: [
        "GET / HTTP/1.1\rHost: h\r\n\r\n", "GET / HTTP/1.1\nHost: h\r\n\r\n", "GET / HTTP/1.1\r\nHost: h\n\r\n",
        "GET / HTTP/1.1\r\nHost: h\r\n\n", "GET / HTTP/1.1\r\nHost: h\r\r\n\r\n", "GET / HTTP/1.1\r\nHost: h\r\n\r\r\n",
    ])
    func rejectsBareCROrLF(_ text: String) {
        #expect(parse(text).error?.status == 400)
    }

    /// A bare CR or LF is refused when it arrives, not when the client finally ends the line.
    @Test(arguments: ["GET / HTTP/1.1\r\nHost: h\r\nX: a\rb", "GET / HTTP/1.1\r\nHost: h\r\nX: a\nb"])
    func rejectsBareCROrLFBeforeLineEnds(_ text: String) {
        #expect(parse(text).error?.status == 400)
    }

    @Test func skipsUpToTwoEmptyLinesBeforeRequestLine() {
        #expect(parseOne("\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n") != nil)
        #expect(parse("\r\n\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n").error?.status == 400)
    }
}

@Suite("Header fields")
struct HeaderFieldTests {
    @Test(arguments: [
        "Bad Name: x", ": x", "NoColon", "Na(me: x", "X: a\u{1}b", "X: a\u{0}b", "X: a\u{7F}",
        "X: a\u{1B}[31m",
    ])
    func rejectsMalformedField(_ field: String) {
        #expect(parse(head(field)).error?.status == 400)
    }

    /// The reason is checked too: a folded line would also fail as a name that is no token, but the
    /// client deserves to learn which rule it broke.
    @Test(arguments: [" continued", "\tcontinued", " X: y"])
    func rejectsObsoleteLineFolding(_ continuation: String) {
        let obsoleteFolding = HTTPParseError.malformed("header field continues the line before it (obsolete line folding)")
        #expect(parse(head("X: a", continuation)).error == obsoleteFolding)
        #expect(parse("GET / HTTP/1.1\r\n\(continuation)\r\nHost: h\r\n\r\n").error == obsoleteFolding)
    }

    @Test(arguments: ["Name : x", "Name\t: x", "Name \t : x"])
    func rejectsWhitespaceBeforeColon(_ field: String) {
        #expect(parse(head(field)).error == .malformed("whitespace between header name and colon"))
    }

    @Test(arguments: [
        ("X:   a b \t", "a b"), ("X:", ""), ("X:\tv", "v"), ("X:v", "v"), ("X: a:b", "a:b"), ("X: caf\u{E9}", "caf\u{E9}"),
    ])
    func trimsOptionalWhitespaceFromValue(_ field: String, _ value: String) throws {
        let request = try #require(parseOne(head(field)))
        #expect(request.head.headers["x"] == value)
    }

    @Test(arguments: [
        ("GET / HTTP/1.1\r\n\r\n", 400 as Int?), ("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nHOST: a\r\n\r\n", 400), ("GET / HTTP/1.0\r\nHost: a\r\nhost: b\r\n\r\n", 400),
        ("GET / HTTP/1.0\r\n\r\n", nil), ("GET / HTTP/1.1\r\nHost:\r\n\r\n", nil),
    ])
    func requiresOneHostInHTTP1_1(_ text: String, _ status: Int?) {
        #expect(parse(text).error?.status == status)
    }
}

@Suite("Body framing")
struct BodyFramingTests {
    @Test(arguments: [
        ("Transfer-Encoding: chunked\r\nContent-Length: 3", 400), ("Content-Length: 3\r\nTransfer-Encoding: chunked", 400),
        ("Transfer-Encoding: gzip", 501), ("Transfer-Encoding: gzip, chunked", 501), ("Transfer-Encoding: identity", 501),
        ("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked", 501), ("Transfer-Encoding:", 501),
        ("Content-Length: abc", 400), ("Content-Length: -1", 400), ("Content-Length: +1", 400),
        ("Content-Length: 1 2", 400), ("Content-Length:", 400), ("Content-Length: 1,,1", 400),
        ("Content-Length: 0x10", 400), ("Content-Length: 99999999999999999999", 400),
        ("Content-Length: 3\r\nContent-Length: 4", 400), ("Content-Length: 3, 4", 400),
    ])
    func rejectsAmbiguousFraming(_ fields: String, _ status: Int) {
        #expect(parse(head(fields) + "abc").error?.status == status)
    }

    @Test func rejectsTransferEncodingInHTTP1_0() {
        let text = "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
        #expect(parse(text).error?.status == 400)
    }

    @Test(arguments: [
        "Content-Length: 3", "Content-Length: 003", "Content-Length: 3\r\nContent-Length: 3", "Content-Length: 3, 3",
        "Transfer-Encoding: CHUNKED",
    ])
    func acceptsUnambiguousFraming(_ fields: String) throws {
        let body = fields.hasPrefix("Transfer-Encoding") ? "3\r\nabc\r\n0\r\n\r\n" : "abc"
        let request = try #require(parseOne(head(fields) + body))
        #expect(request.body == bytes("abc"))
    }

    @Test func noLengthMeansEmptyBody() throws {
        let outcome = parse("POST / HTTP/1.1\r\nHost: h\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(outcome.requests.map(\.body) == [[], []])
    }

    @Test func rejectsDeclaredLengthOverLimitBeforeBodyArrives() {
        let limits = HTTPParseLimits(maxBodyBytes: 10)
        #expect(parse(head("Content-Length: 11"), limits: limits).error == .bodyTooLarge)
        #expect(parseOne(head("Content-Length: 10") + "0123456789", limits: limits)?.body.count == 10)
    }

    @Test func readsBodyArrivingInPieces() {
        let text = bytes(head("Content-Length: 10") + "0123456789")
        let outcome = parse(text, splitAt: [3, text.count - 7, text.count - 1])
        #expect(outcome.requests.map(\.body) == [bytes("0123456789")])
    }
}

@Suite("Chunked body")
struct ChunkedBodyTests {
    @Test(arguments: [
        ("4\r\nWiki\r\n5\r\npedia\r\n0\r\n\r\n", "Wikipedia"),
        ("00A\r\n0123456789\r\na\r\nabcdefghij\r\n0000\r\n\r\n", "0123456789abcdefghij"),
        ("4;name=value\r\nWiki\r\n4 ; a ; b=\"c\"\r\npedi\r\n0;last\r\n\r\n", "Wikipedi"),
        ("4\r\nWiki\r\n0\r\nX-Checksum: abc\r\nY:\r\n\r\n", "Wiki"),
        ("0\r\n\r\n", ""),
    ])
    func decodes(_ chunkedBody: String, _ body: String) throws {
        let request = try #require(parseOne(chunkedPost(chunkedBody)))
        #expect(request.body == bytes(body))
        #expect(request.head.headers.count == 2)
    }

    @Test(arguments: [
        "\r\n", "g\r\n", " 4\r\nWiki\r\n0\r\n\r\n", "4 \r\nWiki\r\n0\r\n\r\n", "-1\r\n", "0x4\r\nWiki\r\n0\r\n\r\n",
        "FFFFFFFFFFFFFFFFF\r\n", "FFFFFFFFFFFFFFFF\r\n", "4\r\nWikiX\r\n", "4\r\nWikiX", "4\r\nWiki\n0\r\n\r\n", "4\r\nWiki\rX",
        "4\nWiki\r\n", "4;a\u{1}b\r\nWiki\r\n0\r\n\r\n", "0\r\nBad Trailer: x\r\n\r\n", "0\r\n folded\r\n\r\n",
        "0\r\n\n",
    ])
    func rejectsMalformedChunks(_ chunkedBody: String) {
        #expect(parse(chunkedPost(chunkedBody)).error?.status == 400)
    }

    @Test func rejectsChunkOverLimitBeforeItsDataArrives() {
        let limits = HTTPParseLimits(maxBodyBytes: 8)
        #expect(parse(chunkedPost("5\r\nhello\r\n4\r\n"), limits: limits).error == .bodyTooLarge)
        #expect(parse(chunkedPost("9\r\n"), limits: limits).error == .bodyTooLarge)
        #expect(parse(chunkedPost("7FFFFFFFFFFFFFFF\r\n"), limits: limits).error == .bodyTooLarge)
        #expect(parseOne(chunkedPost("5\r\nhello\r\n3\r\nabc\r\n0\r\n\r\n"), limits: limits)?.body.count == 8)
    }

    @Test func boundsChunkSizeLine() {
        let longestLine = "1;" + String(repeating: "x", count: ChunkedBodyDecoder.maxSizeLineBytes - 4) + "\r\n"
        #expect(parseOne(chunkedPost(longestLine + "a\r\n0\r\n\r\n"))?.body == bytes("a"))
        let tooLong = "1;" + String(repeating: "x", count: ChunkedBodyDecoder.maxSizeLineBytes - 3) + "\r\n"
        #expect(parse(chunkedPost(tooLong)).error?.status == 400)
    }

    @Test func boundsFramingByBodyLimit() {
        let limits = HTTPParseLimits(maxBodyBytes: 100)
        let chunk = "1;" + String(repeating: "x", count: 1000) + "\r\na\r\n"
        #expect(parseOne(chunkedPost(chunk + "0\r\n\r\n"), limits: limits)?.body == bytes("a"))
        #expect(parse(chunkedPost(chunk + chunk + "0\r\n\r\n"), limits: limits).error == .bodyTooLarge)
    }

    @Test func countsTrailersAgainstHeadLimits() {
        let fieldLimits = HTTPParseLimits(maxHeaderCount: 3)
        #expect(parseOne(chunkedPost("0\r\nA: 1\r\n\r\n"), limits: fieldLimits) != nil)
        #expect(parse(chunkedPost("0\r\nA: 1\r\nB: 2\r\n\r\n"), limits: fieldLimits).error == .headTooLarge)

        let headBytesCount = chunkedPost("").utf8.count
        let byteLimits = HTTPParseLimits(maxHeadBytes: headBytesCount)
        #expect(parseOne(chunkedPost("0\r\n\r\n"), limits: byteLimits) != nil)
        #expect(parse(chunkedPost("0\r\nA: 1\r\n\r\n"), limits: byteLimits).error == .headTooLarge)
        let roomyLimits = HTTPParseLimits(maxHeadBytes: headBytesCount + "A: 1\r\n".utf8.count)
        #expect(parseOne(chunkedPost("0\r\nA: 1\r\n\r\n"), limits: roomyLimits) != nil)
    }
}

@Suite("Head limits")
struct HeadLimitTests {
    static let request = "GET / HTTP/1.1\r\nHost: h\r\n\r\n"

    @Test func acceptsHeadOfExactlyMaxHeadBytes() {
        let limits = HTTPParseLimits(maxHeadBytes: Self.request.utf8.count)
        #expect(parseOne(Self.request, limits: limits) != nil)
        #expect(parseOne("\r\n\r\n" + Self.request, limits: limits) != nil)
        let tighterLimits = HTTPParseLimits(maxHeadBytes: Self.request.utf8.count - 1)
        #expect(parse(Self.request, limits: tighterLimits).error == .headTooLarge)
    }

    /// Both a request line that never ends and field lines that never reach the empty line fail on
    /// the byte that reaches the limit, not when the client gets round to sending more.
    @Test(arguments: ["GET /", "GET / HTTP/1.1\r\nHost: h\r\nX: "])
    func rejectsHeadAsSoonAsLimitIsReached(_ prefix: String) {
        let maxHeadBytes = 64
        let limits = HTTPParseLimits(maxHeadBytes: maxHeadBytes)
        let start = bytes(prefix)
        let almostFull = start + [UInt8](repeating: UInt8(ascii: "a"), count: maxHeadBytes - 1 - start.count)
        let almostOutcome = parse(almostFull, limits: limits)
        #expect(almostOutcome.error == nil)
        #expect(almostOutcome.requests.isEmpty)
        #expect(parse(almostFull + [UInt8(ascii: "a")], limits: limits).error == .headTooLarge)
        #expect(parse(almostFull + [HTTPSyntax.carriageReturn], limits: limits).error == .headTooLarge)
    }

    /// The scanner resumes where it stopped: a bare LF it already passed is not looked at again,
    /// which a scanner starting over would throw on.
    @Test func lineScannerResumesInsteadOfRescanning() throws {
        var scanner = LineScanner()
        var buffer = InputBuffer()
        buffer.append(contentsOf: bytes("X: abc"))
        #expect(try scanner.readLine(from: &buffer, maxBytes: 100, overflow: .headTooLarge) == nil)
        #expect(scanner.scannedCount == 6)
        var alteredBuffer = InputBuffer()
        alteredBuffer.append(contentsOf: bytes("X:\nabcd\r\n"))
        #expect(try scanner.readLine(from: &alteredBuffer, maxBytes: 100, overflow: .headTooLarge) == bytes("X:\nabcd"))
        #expect(alteredBuffer.isEmpty)
    }

    @Test func rejectsMoreThanMaxHeaderCountFields() {
        let limits = HTTPParseLimits(maxHeaderCount: 3)
        #expect(parseOne(head("A: 1", "B: 2"), limits: limits) != nil)
        #expect(parse(head("A: 1", "B: 2", "C: 3"), limits: limits).error == .headTooLarge)
    }

    /// A client dribbling a long field a byte at a time: the scanner resumes where it stopped, and
    /// lines already complete are gone from the buffer, so the work stays linear.
    @Test func keepsScanPositionInsidePartialLine() throws {
        var parser = RequestParser()
        var buffer = InputBuffer()
        buffer.append(contentsOf: bytes("GET / HTTP/1.1\r\nHost: h\r\n"))
        let field = bytes("X: " + String(repeating: "v", count: 1000))
        for (index, byte) in field.enumerated() {
            buffer.append(contentsOf: [byte])
            #expect(try parser.next(from: &buffer) == nil)
            #expect(buffer.readableCount == index + 1)
            #expect(parser.headParser.lineScanner.scannedCount == index + 1)
        }
        buffer.append(contentsOf: bytes("\r\n\r\n"))
        #expect(try parser.next(from: &buffer)?.head.headers.count == 2)
    }
}

@Suite("Pipelining and arrival")
struct PipeliningTests {
    static let requests = [
        "GET /1 HTTP/1.1\r\nHost: h\r\n\r\n",
        "POST /2 HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello",
        "POST /3 HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2;x\r\nhi\r\n0\r\nT: 1\r\n\r\n",
        "\r\nGET /4 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
    ]

    @Test func takesOneRequestPerCallAndLeavesTheRest() throws {
        var parser = RequestParser()
        var buffer = InputBuffer()
        let partial = "GET /5 HTTP/1.1\r\nHo"
        buffer.append(contentsOf: bytes(Self.requests.joined() + partial))
        for (index, text) in Self.requests.enumerated() {
            let request = try #require(try parser.next(from: &buffer))
            #expect(request.head.target == "/\(index + 1)")
            let restCount = Self.requests[(index + 1)...].joined().utf8.count + partial.utf8.count
            #expect(buffer.readableCount == restCount, "after \(text)")
        }
        #expect(try parser.next(from: &buffer) == nil)
        #expect(buffer.readableCount == "Ho".utf8.count)
    }

    /// Every split of the stream into two reads, and one byte per read, yields what one read does.
    @Test(arguments: PipeliningTests.requests)
    func splittingDoesNotChangeTheOutcome(_ text: String) {
        let stream = bytes(text + text)
        let whole = parse(stream)
        #expect(whole.requests.count == 2)
        for splitOffset in 0...stream.count {
            #expect(parse(stream, splitAt: [splitOffset]) == whole)
        }
        #expect(parse(stream, splitAt: Array(0...stream.count)) == whole)
    }
}

@Suite("Body phase")
struct BodyPhaseTests {
    /// The server swaps the header deadline for the body deadline on this, so it must hold exactly
    /// from the end of the head to the end of the body.
    @Test(arguments: [
        (head("Content-Length: 5"), ["hel", "lo"]),
        (chunkedPost(""), ["5\r\nhello\r\n", "0\r\n\r\n"]),
    ])
    func reportsReadingBodyBetweenHeadAndLastByte(_ requestHead: String, _ bodyPieces: [String]) throws {
        var parser = RequestParser()
        var buffer = InputBuffer()
        buffer.append(contentsOf: Array(bytes(requestHead).dropLast(HTTPSyntax.lineEndBytes)))
        #expect(try parser.next(from: &buffer) == nil)
        #expect(!parser.isReadingBody)
        buffer.append(contentsOf: bytes("\r\n" + bodyPieces[0]))
        #expect(try parser.next(from: &buffer) == nil)
        #expect(parser.isReadingBody)
        buffer.append(contentsOf: bytes(bodyPieces[1]))
        #expect(try parser.next(from: &buffer)?.body == bytes("hello"))
        #expect(!parser.isReadingBody)
    }
}

@Suite("Expect: 100-continue")
struct ContinueTests {
    @Test func offersContinueOnceWhileBodyIsMissing() throws {
        var parser = RequestParser()
        var buffer = InputBuffer()
        buffer.append(contentsOf: bytes(head("Expect: 100-Continue", "Content-Length: 5")))
        #expect(try parser.next(from: &buffer) == nil)
        let offers = [parser.takeContinueRequest(), parser.takeContinueRequest()]
        #expect(offers == [true, false])
        buffer.append(contentsOf: bytes("hel"))
        #expect(try parser.next(from: &buffer) == nil)
        let offeredAgain = parser.takeContinueRequest()
        #expect(!offeredAgain)
        buffer.append(contentsOf: bytes("lo"))
        #expect(try parser.next(from: &buffer)?.body == bytes("hello"))
        let offeredAfterBody = parser.takeContinueRequest()
        #expect(!offeredAfterBody)
    }

    @Test(arguments: [
        head("Expect: 100-continue", "Content-Length: 5") + "hello",
        head("Expect: 100-continue"),
        "POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n",
        head("Content-Length: 5"),
        head("Expect: 200-ok", "Content-Length: 5"),
    ])
    func doesNotOfferContinue(_ text: String) throws {
        var parser = RequestParser()
        var buffer = InputBuffer()
        buffer.append(contentsOf: bytes(text))
        _ = try parser.next(from: &buffer)
        let offered = parser.takeContinueRequest()
        #expect(!offered)
    }
}

@Suite("Request values")
struct RequestValueTests {
    static let keepAliveCases: [(HTTPVersion, [String], Bool)] = [
        (.http1_1, [], true), (.http1_1, ["close"], false), (.http1_1, ["Keep-Alive, CLOSE"], false),
        (.http1_1, ["keep-alive"], true), (.http1_1, ["upgrade", "Close"], false), (.http1_0, [], false),
        (.http1_0, ["keep-alive"], true), (.http1_0, ["Keep-Alive"], true), (.http1_0, ["upgrade", "keep-alive"], true),
        (.http1_0, ["keep-alive, close"], false), (.http1_0, ["keep-alive-ish"], false),
    ]

    static let errorStatuses: [(HTTPParseError, Int)] = [
        (.headTooLarge, 431), (.bodyTooLarge, 413), (.malformed("x"), 400), (.unsupportedVersion, 505),
        (.unsupportedTransferCoding, 501),
    ]

    @Test(arguments: RequestValueTests.keepAliveCases)
    func keepAlive(_ version: HTTPVersion, _ connectionValues: [String], _ keepAlive: Bool) {
        let headers = HTTPHeaders(connectionValues.map { ("Connection", $0) })
        #expect(RequestHead(method: "GET", target: "/", version: version, headers: headers).keepAlive == keepAlive)
    }

    @Test(arguments: RequestValueTests.errorStatuses)
    func errorStatus(_ error: HTTPParseError, _ status: Int) {
        #expect(error.status == status)
    }

    @Test func headersMatchNamesCaseInsensitivelyAndKeepOrder() {
        var headers = HTTPHeaders([("Accept", "a"), ("X-Id", "1"), ("accept", "b")])
        #expect(headers["ACCEPT"] == "a")
        #expect(headers.values("accept") == ["a", "b"])
        #expect(headers.contains("x-id"))
        #expect(!headers.contains("X-Idx"))
        #expect(headers["Missing"] == nil)
        headers.add("Via", "p")
        headers.replace("ACCEPT", "c")
        #expect(headers.count == 3)
        #expect(headers.map { $0.name } == ["X-Id", "Via", "ACCEPT"])
        #expect(headers.map { $0.value } == ["1", "p", "c"])
        #expect(headers != HTTPHeaders([("x-id", "1"), ("Via", "p"), ("ACCEPT", "c")]))
    }

    @Test func inputBufferKeepsUnreadBytesAcrossCompaction() {
        var buffer = InputBuffer()
        let first = (0..<(2 * InputBuffer.minCompactionBytes)).map { UInt8(truncatingIfNeeded: $0) }
        buffer.append(contentsOf: first)
        let consumedCount = InputBuffer.minCompactionBytes + 1
        #expect(buffer.readBytes(count: consumedCount) == Array(first[..<consumedCount]))
        [UInt8](repeating: 7, count: 3).withUnsafeBytes { buffer.append($0) }
        #expect(buffer.readableCount == first.count - consumedCount + 3)
        #expect(buffer.readBytes(count: buffer.readableCount) == Array(first[consumedCount...]) + [7, 7, 7])
        #expect(buffer.isEmpty)
        buffer.append(contentsOf: [1, 2])
        buffer.removeAll()
        #expect(buffer.isEmpty)
    }

    @Test func limitsRefuseAnEmptyHead() async {
        await #expect(processExitsWith: .failure) { _ = HTTPParseLimits(maxHeadBytes: 0) }
    }
}
