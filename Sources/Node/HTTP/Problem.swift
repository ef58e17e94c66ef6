import Schemas

/// One invalid input, named by its dotted JSON path or query key, as `invalidParams` lists it:
/// the schema validators' own issue type, so what they report reaches the client unchanged.
public typealias InvalidParam = ValidationIssue

/// An error that knows how it looks to a client. The responder renders any such error as its
/// problem, so a module's typed errors (the ledger's insufficient funds, a conflicting state) map
/// to HTTP once, in the module that defines them, and never leak internal text.
public protocol ProblemConvertible: Error {
    var problem: Problem { get }
}

/// An RFC 9457 problem with the ZGW extensions (`code`, `invalidParams`). Handlers throw it; the
/// responder renders it once, at the edge, and fills `instance` with the request's id so that an
/// operator can find the matching log line.
public struct Problem: Error, Sendable, Equatable {
    public var status: HTTPStatus
    public var code: String
    public var detail: String
    public var invalidParams: [InvalidParam]
    /// Extra response headers that belong to this problem, such as `Allow` on a 405 or
    /// `Retry-After` on a 429/503.
    public var headers: HTTPHeaders

    public init(
        status: HTTPStatus, code: String, detail: String, invalidParams: [InvalidParam] = [],
        headers: HTTPHeaders = HTTPHeaders()
    ) {
        self.status = status
        self.code = code
        self.detail = detail
        self.invalidParams = invalidParams
        self.headers = headers
    }

    public var title: String { status.reason }

    /// A stable URI per problem code, so clients can switch on `type` as RFC 9457 intends.
    public var type: String { "https://knooppunt.vng.example/problems/\(code)" }

    public static func badRequest(_ detail: String, invalidParams: [InvalidParam] = []) -> Problem {
        Problem(status: .badRequest, code: invalidParams.isEmpty ? "bad-request" : "invalid-params",
                detail: detail, invalidParams: invalidParams)
    }

    public static func notFound(_ detail: String = "There is no resource at this path.") -> Problem {
        Problem(status: .notFound, code: "not-found", detail: detail)
    }

    public static func methodNotAllowed(allowed: [String]) -> Problem {
        var headers = HTTPHeaders()
        headers.add("Allow", allowed.joined(separator: ", "))
        return Problem(status: .methodNotAllowed, code: "method-not-allowed",
                       detail: "This resource supports \(allowed.joined(separator: ", ")).", headers: headers)
    }

    public static func unauthorized(_ detail: String) -> Problem {
        var headers = HTTPHeaders()
        headers.add("WWW-Authenticate", "Bearer")
        return Problem(status: .unauthorized, code: "unauthorized", detail: detail, headers: headers)
    }

    public static func forbidden(_ detail: String) -> Problem {
        Problem(status: .forbidden, code: "forbidden", detail: detail)
    }

    public static func serviceUnavailable(_ detail: String, retryAfterSeconds: Int? = nil) -> Problem {
        var headers = HTTPHeaders()
        if let retryAfterSeconds { headers.add("Retry-After", String(retryAfterSeconds)) }
        return Problem(status: .serviceUnavailable, code: "unavailable", detail: detail, headers: headers)
    }

    public static func internalError() -> Problem {
        Problem(status: .internalServerError, code: "internal-error",
                detail: "The node could not handle this request; the operator can find it in the log by its instance.")
    }

    /// The `application/problem+json` response, with `instance` tying it to the request id.
    public func response(requestID: String) -> Response {
        let body = ProblemBody(
            type: type, title: title, status: status.code, detail: detail, instance: "urn:uuid:\(requestID)",
            code: code, invalidParams: invalidParams.isEmpty ? nil : invalidParams)
        var response = Response(status: status, headers: headers, body: JSONCoding.encode(body))
        response.headers.replace("Content-Type", "application/problem+json")
        return response
    }
}

private struct ProblemBody: Encodable {
    let type: String
    let title: String
    let status: Int
    let detail: String
    let instance: String
    let code: String
    let invalidParams: [InvalidParam]?
}
