import Foundation

/// What a handler returns: status, headers and a complete body. Bodies are small JSON documents,
/// so the server writes them in one piece rather than streaming.
public struct Response: Sendable {
    public var status: HTTPStatus
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: HTTPStatus, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON response with camelCase keys as declared, sorted so that identical resources give
    /// identical bytes (and so identical ETags), and dates in RFC 3339 UTC as the conventions ask.
    public static func json<Value: Encodable>(_ value: Value, status: HTTPStatus = .ok) -> Response {
        var headers = HTTPHeaders()
        headers.add("Content-Type", "application/json")
        return Response(status: status, headers: headers, body: JSONCoding.encode(value))
    }

    /// Raw bytes already in their final form, such as an OpenAPI document read at start-up.
    public static func bytes(_ body: [UInt8], contentType: String, status: HTTPStatus = .ok) -> Response {
        var headers = HTTPHeaders()
        headers.add("Content-Type", contentType)
        return Response(status: status, headers: headers, body: body)
    }
}
