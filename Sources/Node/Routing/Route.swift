/// A component API as the conventions name it (`/api/<name>/v1`), with the SemVer that every
/// response of its routes announces in `API-Version`.
public struct APIComponent: Sendable, Hashable {
    public let name: String
    public let version: String

    public init(name: String, version: String) {
        self.name = name
        self.version = version
    }
}

/// Who may call a route. Declared per route, so a forgotten check is impossible: the responder
/// enforces it before the handler runs.
public enum RouteAccess: Sendable, Equatable {
    /// Anyone, e.g. public catalogue reads, health, OpenAPI documents.
    case open
    /// An integrator's API key carrying this scope.
    case apiKey(scope: String)
    /// An integrator's API key carrying at least one of these scopes, for resources that several
    /// roles read (a balance is read by the resident portal, the merchant's till and staff) or
    /// that staff and auditors share. Handlers that allow less to some scopes check
    /// `request.apiKey` themselves.
    case apiKeyWithAnyScope([String])
    /// A federation peer: a client certificate that chained to the trust anchor and carries an OIN.
    case peerCertificate
}

/// Where a handler runs. Handlers that only read memory (info, metrics, OpenAPI) answer on the
/// event loop and skip the thread hop; anything that may block (SQLite, libcurl) runs on the worker pool.
/// A deferred handler on the event loop only checks its request and hands the work on (a payment
/// queued for the group commit); its request still goes to a worker when its API key must be
/// looked up first (see `APIKeyVerifier.recentlyVerified`).
public enum RouteExecution: Sendable, Equatable {
    case eventLoop
    case worker
}

public typealias RouteHandler = @Sendable (Request) throws -> Response

/// How a deferred handler hands over its answer: a closure that makes the response, or throws
/// the error to answer with. The responder runs it on the thread that sends the response, so
/// the thread that completed the work (the group-commit writer) only passes it on.
public typealias ResponseDelivery = @Sendable (_ makeResponse: @escaping @Sendable () throws -> Response) -> Void

/// A handler that starts work another thread completes, and returns without waiting for it:
/// either it throws (and never calls `respond`), or it calls `respond` exactly once, now or later
/// from any thread. Writes that wait for a group commit use it, so the worker is free for the
/// next request instead of sleeping through the batch's fsync and being woken afterwards.
public typealias DeferredRouteHandler = @Sendable (Request, _ respond: @escaping ResponseDelivery) throws -> Void

/// What runs a route's requests.
public enum RouteHandling: Sendable {
    /// Answers before returning.
    case immediate(RouteHandler)
    /// Answers through `respond`, possibly after returning.
    case deferred(DeferredRouteHandler)
}

/// One method + path template, e.g. `GET /api/solutions/v1/solutions/{id}`.
public struct Route: Sendable {
    public let method: String
    public let template: String
    public let component: APIComponent
    public let access: RouteAccess
    public let execution: RouteExecution
    /// The media type of a successful response, checked against `Accept` before the handler runs (406).
    public let produces: String
    public let handling: RouteHandling
    let segments: [PathSegment]

    public init(
        _ method: String, _ template: String, component: APIComponent, access: RouteAccess,
        execution: RouteExecution = .worker, produces: String = "application/json", handler: @escaping RouteHandler
    ) {
        self.init(method, template, component: component, access: access, execution: execution, produces: produces,
                  handling: .immediate(handler))
    }

    /// A route whose handler answers through `respond` (see `DeferredRouteHandler`).
    public init(
        _ method: String, _ template: String, component: APIComponent, access: RouteAccess,
        execution: RouteExecution = .worker, produces: String = "application/json",
        deferredHandler: @escaping DeferredRouteHandler
    ) {
        self.init(method, template, component: component, access: access, execution: execution, produces: produces,
                  handling: .deferred(deferredHandler))
    }

    private init(_ method: String, _ template: String, component: APIComponent, access: RouteAccess,
                 execution: RouteExecution, produces: String, handling: RouteHandling) {
        // The peer authorizer may read SQLite (the registry's members table), which must never
        // block an event loop.
        precondition(access != .peerCertificate || execution == .worker,
                     "route \(method) \(template) needs a peer certificate and must run on a worker")
        self.method = method
        self.template = template
        self.component = component
        self.access = access
        self.execution = execution
        self.produces = produces
        self.handling = handling
        self.segments = PathSegment.parse(template: template)
    }

    /// Whether the handler answers before returning.
    public var isImmediate: Bool {
        if case .immediate = handling { true } else { false }
    }
}

enum PathSegment: Sendable, Equatable {
    case literal(String)
    case parameter(String)

    /// What a segment matches, ignoring parameter names: `/a/{x}` and `/a/{y}` match the same paths.
    var shape: String {
        switch self {
        case .literal(let literal): literal
        case .parameter: "{}"
        }
    }

    static func parse(template: String) -> [PathSegment] {
        precondition(template.hasPrefix("/") && !template.hasSuffix("/"), "route template \(template) must start and not end with /")
        return template.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map { segment in
            precondition(!segment.isEmpty, "route template \(template) has an empty segment")
            if segment.hasPrefix("{") && segment.hasSuffix("}") {
                return .parameter(String(segment.dropFirst().dropLast()))
            }
            return .literal(String(segment))
        }
    }
}
