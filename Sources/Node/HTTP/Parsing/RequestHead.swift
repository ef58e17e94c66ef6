/// The protocol versions this server speaks; anything else is answered with 505.
public enum HTTPVersion: Sendable, Equatable {
    case http1_0
    case http1_1
}

/// A parsed request line and header section (RFC 9112 sections 3 and 5).
public struct RequestHead: Sendable, Equatable {
    /// A token, case-sensitive (RFC 9110 9.1): `get` is not `GET`.
    public var method: String
    /// The raw origin-form request target, e.g. `/api/x?y=1`, or `*` for a server-wide OPTIONS;
    /// still percent-encoded, because decoding belongs to routing, after the path is split.
    public var target: String
    public var version: HTTPVersion
    public var headers: HTTPHeaders

    public init(method: String, target: String, version: HTTPVersion, headers: HTTPHeaders) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
    }

    /// Whether the connection may carry another request after this one (RFC 9112 9.3): HTTP/1.1
    /// persists unless the client sends the `close` option, HTTP/1.0 only if it asks for `keep-alive`.
    public var keepAlive: Bool {
        switch version {
        case .http1_1:
            !hasConnectionOption("close")
        case .http1_0:
            hasConnectionOption("keep-alive") && !hasConnectionOption("close")
        }
    }

    /// `Connection` is a comma-separated list of case-insensitive options, possibly over several fields.
    private func hasConnectionOption(_ option: String) -> Bool {
        headers.values("Connection").contains { value in
            HTTPSyntax.listElements(value).contains { HTTPSyntax.equalsIgnoringASCIICase($0, option.utf8) }
        }
    }
}
