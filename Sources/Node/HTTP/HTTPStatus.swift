/// A response status code with its reason phrase, limited to the codes the node sends, so a
/// status line is always well-formed and every problem's `title` is a stable text.
public struct HTTPStatus: Sendable, Equatable, Hashable {
    public let code: Int
    public let reason: String

    public init(code: Int, reason: String) {
        self.code = code
        self.reason = reason
    }

    public static let continueStatus = HTTPStatus(code: 100, reason: "Continue")
    public static let ok = HTTPStatus(code: 200, reason: "OK")
    public static let created = HTTPStatus(code: 201, reason: "Created")
    public static let noContent = HTTPStatus(code: 204, reason: "No Content")
    public static let notModified = HTTPStatus(code: 304, reason: "Not Modified")
    public static let badRequest = HTTPStatus(code: 400, reason: "Bad Request")
    public static let unauthorized = HTTPStatus(code: 401, reason: "Unauthorized")
    public static let forbidden = HTTPStatus(code: 403, reason: "Forbidden")
    public static let notFound = HTTPStatus(code: 404, reason: "Not Found")
    public static let methodNotAllowed = HTTPStatus(code: 405, reason: "Method Not Allowed")
    public static let notAcceptable = HTTPStatus(code: 406, reason: "Not Acceptable")
    public static let requestTimeout = HTTPStatus(code: 408, reason: "Request Timeout")
    public static let conflict = HTTPStatus(code: 409, reason: "Conflict")
    public static let gone = HTTPStatus(code: 410, reason: "Gone")
    public static let preconditionFailed = HTTPStatus(code: 412, reason: "Precondition Failed")
    public static let contentTooLarge = HTTPStatus(code: 413, reason: "Content Too Large")
    public static let unsupportedMediaType = HTTPStatus(code: 415, reason: "Unsupported Media Type")
    public static let preconditionRequired = HTTPStatus(code: 428, reason: "Precondition Required")
    public static let unprocessableContent = HTTPStatus(code: 422, reason: "Unprocessable Content")
    public static let tooManyRequests = HTTPStatus(code: 429, reason: "Too Many Requests")
    public static let requestHeaderFieldsTooLarge = HTTPStatus(code: 431, reason: "Request Header Fields Too Large")
    public static let internalServerError = HTTPStatus(code: 500, reason: "Internal Server Error")
    public static let notImplemented = HTTPStatus(code: 501, reason: "Not Implemented")
    public static let serviceUnavailable = HTTPStatus(code: 503, reason: "Service Unavailable")
    public static let httpVersionNotSupported = HTTPStatus(code: 505, reason: "HTTP Version Not Supported")

    private static let known: [Int: HTTPStatus] = Dictionary(uniqueKeysWithValues: [
        continueStatus, ok, created, noContent, notModified, badRequest, unauthorized, forbidden, notFound,
        methodNotAllowed, notAcceptable, requestTimeout, conflict, gone, preconditionFailed, contentTooLarge,
        unsupportedMediaType, preconditionRequired, unprocessableContent, tooManyRequests, requestHeaderFieldsTooLarge,
        internalServerError, notImplemented, serviceUnavailable, httpVersionNotSupported,
    ].map { ($0.code, $0) })

    /// The status for a code; an unknown code still gets a valid status line.
    public static func code(_ code: Int) -> HTTPStatus {
        known[code] ?? HTTPStatus(code: code, reason: "Status \(code)")
    }
}
