/// Reads a request head, the request line, field lines and empty line of RFC 9112 sections 2 to 5,
/// one line at a time.
///
/// Each line is consumed as soon as its CRLF arrives and checked right away, so an offence fails the
/// request without waiting for the rest of the head. Each line may use only the head bytes that the
/// lines before it left over, which makes `maxHeadBytes` hold for the head as a whole.
struct HeadParser: Sendable {
    /// RFC 9112 2.2 asks servers to skip at least one empty line before a request line, for clients
    /// that end a body with an extra CRLF. Two covers them; refusing a third stops a client from
    /// holding a connection open with empty lines that count against no limit.
    static let maxLeadingEmptyLines = 2

    private struct RequestLine: Sendable {
        var method: String
        var target: String
        var version: HTTPVersion
    }

    private let limits: HTTPParseLimits
    /// Internal so tests can see that a partial line is not scanned again.
    private(set) var lineScanner = LineScanner()
    private var leadingEmptyLineCount = 0
    private var requestLine: RequestLine?
    private var headers = HTTPHeaders()
    /// Bytes of the request line, field lines and their CRLFs consumed so far; leading empty lines
    /// are not part of the head.
    private(set) var headBytesCount = 0

    init(limits: HTTPParseLimits) {
        self.limits = limits
    }

    /// Consumes complete lines from `buffer` and returns the head once its empty line is read, or nil
    /// when the head is still incomplete; the lines read so far are kept for the next call.
    mutating func readHead(from buffer: inout InputBuffer) throws(HTTPParseError) -> RequestHead? {
        while let line = try lineScanner.readLine(
            from: &buffer, maxBytes: limits.maxHeadBytes - headBytesCount, overflow: .headTooLarge
        ) {
            guard let requestLine else {
                guard !line.isEmpty else {
                    leadingEmptyLineCount += 1
                    guard leadingEmptyLineCount <= Self.maxLeadingEmptyLines else {
                        throw .malformed("too many empty lines before the request line")
                    }
                    continue
                }
                headBytesCount += line.count + HTTPSyntax.lineEndBytes
                self.requestLine = try Self.parseRequestLine(line)
                continue
            }
            headBytesCount += line.count + HTTPSyntax.lineEndBytes
            guard !line.isEmpty else {
                let head = RequestHead(
                    method: requestLine.method, target: requestLine.target, version: requestLine.version,
                    headers: headers)
                try Self.checkHost(of: head)
                return head
            }
            guard headers.count < limits.maxHeaderCount else { throw .headTooLarge }
            let field = try Self.parseFieldLine(line)
            headers.add(field.name, field.value)
        }
        return nil
    }

    /// `field-line = field-name ":" OWS field-value OWS` (RFC 9112 5). Also reads trailer fields.
    ///
    /// Strings are decoded as UTF-8 with invalid sequences replaced: names are ASCII tokens, and a
    /// value with obs-text is kept readable rather than refused.
    static func parseFieldLine(_ line: [UInt8]) throws(HTTPParseError) -> (name: String, value: String) {
        guard let first = line.first, !HTTPSyntax.isWhitespace(first) else {
            // RFC 9112 5.2: a server may reject obs-fold with 400, and unfolding it is a smuggling risk.
            throw .malformed("header field continues the line before it (obsolete line folding)")
        }
        guard let colonIndex = line.firstIndex(of: HTTPSyntax.colon) else {
            throw .malformed("header field has no colon")
        }
        let name = line[..<colonIndex]
        guard let lastNameByte = name.last else { throw .malformed("header field has an empty name") }
        guard !HTTPSyntax.isWhitespace(lastNameByte) else {
            // RFC 9112 5.1 requires 400 here: some hops drop the space and read a different field.
            throw .malformed("whitespace between header name and colon")
        }
        guard name.allSatisfy(HTTPSyntax.isTokenByte) else { throw .malformed("header name is not a token") }
        let value = HTTPSyntax.trimmingWhitespace(line[(colonIndex + 1)...])
        guard value.allSatisfy(HTTPSyntax.isFieldValueByte) else {
            throw .malformed("header value contains a control character")
        }
        return (String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self))
    }

    /// `request-line = method SP request-target SP HTTP-version` (RFC 9112 3), with exactly one SP
    /// between the parts: the RFC allows lenient whitespace, but every leniency is a way for two
    /// parsers to split the same line differently.
    private static func parseRequestLine(_ line: [UInt8]) throws(HTTPParseError) -> RequestLine {
        let parts = line.split(separator: HTTPSyntax.space, maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw .malformed("request line is not method, target and version") }
        let method = parts[0]
        let target = parts[1]
        guard !method.isEmpty, method.allSatisfy(HTTPSyntax.isTokenByte) else {
            throw .malformed("method is not a token")
        }
        guard !target.isEmpty, target.allSatisfy(HTTPSyntax.isVisibleASCII) else {
            throw .malformed("request target is empty or contains a space or control character")
        }
        let version = try parseVersion(parts[2])
        let isOriginForm = target.first == UInt8(ascii: "/")
        // RFC 9112 3.2.4: asterisk-form is only for a server-wide OPTIONS.
        let isAsteriskForm = target.elementsEqual("*".utf8) && method.elementsEqual("OPTIONS".utf8)
        guard isOriginForm || isAsteriskForm else {
            throw .malformed("request target must start with / (or be * for OPTIONS)")
        }
        return RequestLine(
            method: String(decoding: method, as: UTF8.self), target: String(decoding: target, as: UTF8.self),
            version: version)
    }

    /// `HTTP-version = "HTTP/" DIGIT "." DIGIT`, case-sensitive (RFC 9112 2.3). A well-formed version
    /// other than 1.0 or 1.1 earns 505 so the client can retry with one we speak; anything else is 400.
    private static func parseVersion(_ bytes: ArraySlice<UInt8>) throws(HTTPParseError) -> HTTPVersion {
        if bytes.elementsEqual("HTTP/1.1".utf8) { return .http1_1 }
        if bytes.elementsEqual("HTTP/1.0".utf8) { return .http1_0 }
        let prefix = "HTTP/".utf8
        let rest = bytes.dropFirst(prefix.count)
        guard bytes.starts(with: prefix), rest.count == 3,
              HTTPSyntax.isDigit(rest[rest.startIndex]),
              rest[rest.startIndex + 1] == UInt8(ascii: "."),
              HTTPSyntax.isDigit(rest[rest.startIndex + 2])
        else {
            throw .malformed("HTTP version is not HTTP/x.y")
        }
        throw .unsupportedVersion
    }

    /// RFC 9112 3.2: 400 for an HTTP/1.1 request without a Host field, or any request with more than
    /// one, since the authority would be ambiguous.
    private static func checkHost(of head: RequestHead) throws(HTTPParseError) {
        let hostCount = head.headers.values("Host").count
        guard hostCount <= 1 else { throw .malformed("more than one Host header") }
        guard hostCount == 1 || head.version == .http1_0 else { throw .malformed("HTTP/1.1 request without Host") }
    }
}
