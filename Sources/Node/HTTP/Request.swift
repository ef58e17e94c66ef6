import Foundation

/// A complete request as a handler sees it: blind to sockets and TLS, carrying what the transport
/// proved (the verified client certificate) and what the router found (path parameters).
public struct Request: Sendable {
    public let method: String
    /// The percent-decoded path without the query string.
    public let path: String
    public let query: QueryParameters
    public let headers: HTTPHeaders
    public let body: [UInt8]
    /// A UUID, taken from the client's `X-Request-Id` when it sent a valid one.
    public let id: String
    /// The identity from a client certificate that chained to the trust anchor, if one was presented.
    public let peer: PeerIdentity?
    /// The time by which the response must be ready; handlers pass it down instead of making up timeouts.
    public let deadline: ContinuousClock.Instant
    public internal(set) var pathParameters: [String: String] = [:]
    /// The API key that authorised this request, set by the responder for routes that need one.
    public internal(set) var apiKey: APIKeyIdentity?

    public init(
        method: String, path: String, query: QueryParameters, headers: HTTPHeaders, body: [UInt8], id: String,
        peer: PeerIdentity?, deadline: ContinuousClock.Instant
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.id = id
        self.peer = peer
        self.deadline = deadline
    }

    public func pathParameter(_ name: String) -> String {
        guard let value = pathParameters[name] else {
            preconditionFailure("route template has no parameter {\(name)}")
        }
        return value
    }
}

/// The identity a verified client certificate carries: the member's OIN from the subject
/// `serialNumber`, its common name, and the SHA-256 of its public key (how the directory pins members).
public struct PeerIdentity: Sendable, Equatable {
    public let oin: String?
    public let commonName: String?
    public let publicKeySHA256: String

    public init(oin: String?, commonName: String?, publicKeySHA256: String) {
        self.oin = oin
        self.commonName = commonName
        self.publicKeySHA256 = publicKeySHA256
    }
}

/// An API key after verification: its public id (safe to log), the scopes it grants and, for a
/// merchant's own till or back office, the one merchant it may act for.
public struct APIKeyIdentity: Sendable, Equatable {
    public let id: String
    public let name: String
    public let scopes: Set<String>
    /// The merchant's holder reference when the key is bound to one; nil for keys that act for
    /// many (an integrator serving several merchants, staff).
    public let merchant: String?

    public init(id: String, name: String, scopes: Set<String>, merchant: String? = nil) {
        self.id = id
        self.name = name
        self.scopes = scopes
        self.merchant = merchant
    }
}
