// libFuzzer target for RequestParser, built by `Tests/Fuzz/run-fuzz.sh request-parser SECONDS` together
// with Sources/Node/HTTP/Parsing, so it sees the parser's internals as one module.

/// Feeds the input to the parser in one read, in one read per byte, and in a few other splits, each
/// under tight limits (so short inputs reach every limit) and default ones, and checks that nothing
/// crashes, every invariant holds, and the split never changes the outcome. The input also goes in
/// as the body of a chunked request, which must decode back to it: mutation rarely keeps chunk sizes
/// and data lengths in step, so raw inputs alone seldom reach the multi-chunk paths.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    for limits in [HTTPParseLimits(maxHeadBytes: 128, maxHeaderCount: 4, maxBodyBytes: 16), HTTPParseLimits()] {
        _ = parseInEverySplit(input, limits: limits)
        let chunked = parseInEverySplit(chunkedRequest(carrying: input), limits: limits)
        if input.count <= limits.maxBodyBytes {
            precondition(chunked.error == nil, "a chunked body within the limit was refused")
            precondition(chunked.requests.map(\.body) == [input], "a chunked body did not decode to what was sent")
        } else {
            precondition(chunked.error == .bodyTooLarge, "a chunked body over the limit was not refused as too large")
        }
    }
    return 0
}

/// Parses `input` in one piece and in every split plan, requiring all of them to agree.
private func parseInEverySplit(_ input: [UInt8], limits: HTTPParseLimits) -> FuzzOutcome {
    let whole = parseChecked(input, splitAt: [], limits: limits)
    for splitOffsets in splitPlans(input) {
        precondition(parseChecked(input, splitAt: splitOffsets, limits: limits) == whole, "a split changed the outcome")
    }
    return whole
}

/// A chunked POST whose body is `body`, cut into chunks of 1 to 32 bytes as its own bytes dictate,
/// hex sizes in mixed case.
private func chunkedRequest(carrying body: [UInt8]) -> [UInt8] {
    let maxChunkBytes = 32
    var request = Array("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
    var offset = 0
    while offset < body.count {
        let chunkBytes = min(1 + Int(body[offset]) % maxChunkBytes, body.count - offset)
        let sizeDigits = String(chunkBytes, radix: 16, uppercase: body[offset] & 1 == 1)
        request += Array("\(sizeDigits)\r\n".utf8) + body[offset..<(offset + chunkBytes)] + Array("\r\n".utf8)
        offset += chunkBytes
    }
    return request + Array("0\r\n\r\n".utf8)
}

/// What one way of feeding the input produced; splits of the same input must agree on all of it.
private struct FuzzOutcome: Equatable {
    var requests: [ParsedRequest] = []
    var error: HTTPParseError?
    var unconsumedCount = 0
}

/// Byte-per-read covers every split point at once; halves, thirds and the line ends cover splits
/// where a parse resumes with plenty of bytes in hand.
private func splitPlans(_ input: [UInt8]) -> [[Int]] {
    let lineEnds = input.indices.filter { input[$0] == HTTPSyntax.lineFeed }.map { $0 + 1 }
    return [Array(0...input.count), [input.count / 2], [input.count / 3, 2 * input.count / 3], lineEnds]
}

private func parseChecked(_ input: [UInt8], splitAt splitOffsets: [Int], limits: HTTPParseLimits) -> FuzzOutcome {
    var parser = RequestParser(limits: limits)
    var buffer = InputBuffer()
    var outcome = FuzzOutcome()
    var appendedCount = 0
    for pieceEnd in splitOffsets + [input.count] {
        // The server appends each socket read as it arrives; the fuzzer appends the input in pieces.
        input[appendedCount..<pieceEnd].withUnsafeBytes { buffer.append($0) }
        appendedCount = pieceEnd
        do throws(HTTPParseError) {
            var readableBeforeCount = buffer.readableCount
            while let request = try parser.next(from: &buffer) {
                precondition(buffer.readableCount < readableBeforeCount, "a request consumed no bytes")
                readableBeforeCount = buffer.readableCount
                checkInvariants(of: request, limits: limits)
                outcome.requests.append(request)
            }
        } catch {
            precondition(error.status >= 400, "an error maps to a client or server error status")
            outcome.error = error
            return outcome
        }
        precondition(buffer.readableCount <= appendedCount, "consumed more bytes than were appended")
        if parser.takeContinueRequest() {
            precondition(!parser.takeContinueRequest(), "100 Continue was offered twice")
        }
    }
    outcome.unconsumedCount = buffer.readableCount
    return outcome
}

/// What any request the parser lets through must satisfy, whatever the input.
private func checkInvariants(of request: ParsedRequest, limits: HTTPParseLimits) {
    let head = request.head
    precondition(request.body.count <= limits.maxBodyBytes, "body over maxBodyBytes")
    precondition(head.headers.count <= limits.maxHeaderCount, "more fields than maxHeaderCount")
    precondition(!head.method.isEmpty, "empty method")
    precondition(head.method.utf8.allSatisfy(HTTPSyntax.isTokenByte), "method is not a token")
    precondition(head.target.utf8.allSatisfy(HTTPSyntax.isVisibleASCII), "target has a space or control")
    precondition(head.target.hasPrefix("/") || (head.target == "*" && head.method == "OPTIONS"), "target form")
    precondition(head.version == .http1_0 || head.headers.values("Host").count == 1, "HTTP/1.1 without one Host")
    for (name, value) in head.headers {
        precondition(!name.isEmpty, "empty field name")
        precondition(name.utf8.allSatisfy(HTTPSyntax.isTokenByte), "field name is not a token")
        precondition(value.utf8.allSatisfy(HTTPSyntax.isFieldValueByte), "control character in field value")
        precondition(value.utf8.first.map(HTTPSyntax.isWhitespace) != true, "value has leading whitespace")
        precondition(value.utf8.last.map(HTTPSyntax.isWhitespace) != true, "value has trailing whitespace")
    }
    let contentLengths = head.headers.values("Content-Length")
    let transferCodings = head.headers.values("Transfer-Encoding")
    precondition(contentLengths.isEmpty || transferCodings.isEmpty, "both Content-Length and Transfer-Encoding")
    if let contentLength = contentLengths.first {
        let firstElement = HTTPSyntax.listElements(contentLength)[0]
        precondition(Int(String(decoding: firstElement, as: UTF8.self)) == request.body.count, "body is not Content-Length long")
    }
    if transferCodings.isEmpty, contentLengths.isEmpty {
        precondition(request.body.isEmpty, "body without framing")
    }
}
