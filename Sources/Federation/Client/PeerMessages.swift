import Foundation

/// One call to a peer: a method, a path below the peer's base URL, headers and a body.
public struct PeerRequest: Sendable, Equatable {
    /// RFC 9110's idempotent methods: repeating one has the effect of sending it once.
    static let idempotentMethods: Set<String> = ["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]

    public let method: String
    /// Starts with `/`, may carry a query (`/api/federation/v1/changes?since=10`).
    public let path: String
    public let headers: [(String, String)]
    public let body: [UInt8]?

    public init(method: String, path: String, headers: [(String, String)] = [], body: [UInt8]? = nil) {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
    }

    /// Whether a failed attempt may be sent again: an idempotent method, or a request that
    /// carries an `Idempotency-Key`, which the receiving node deduplicates (api-conventions §7).
    /// Anything else might be applied twice, so it is tried once.
    public var isRepeatable: Bool {
        Self.idempotentMethods.contains(method)
            || headers.contains { $0.0.caseInsensitiveCompare("Idempotency-Key") == .orderedSame }
    }

    public static func == (lhs: PeerRequest, rhs: PeerRequest) -> Bool {
        lhs.method == rhs.method && lhs.path == rhs.path && lhs.body == rhs.body
            && lhs.headers.elementsEqual(rhs.headers, by: { $0 == $1 })
    }
}

/// A peer's answer, whatever its status.
public struct PeerResponse: Sendable {
    public let status: Int
    /// Header names lowercased, in arrival order.
    public let headers: [(String, String)]
    public let body: [UInt8]

    /// The last value of a header, by case-insensitive name.
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.last { $0.0 == lowered }?.1
    }
}
