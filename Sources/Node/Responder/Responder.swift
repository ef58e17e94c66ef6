import Foundation

/// The request pipeline between the transport and the handlers: request id, routing, access,
/// the handler, problem rendering, standard headers, the log line and metrics. It is immutable and
/// shared by every event loop and worker.
public final class Responder: Sendable {
    /// The component that answers requests no route claims (404s, malformed targets).
    public static let nodeComponent = APIComponent(name: "node", version: "1.0.0")

    public let router: Router
    private let access: AccessControl
    private let logger: Logger
    private let metrics: Metrics
    private let corsAllowedOrigins: Set<String>

    public init(
        router: Router, apiKeys: (any APIKeyVerifier)?, peers: any PeerAuthorizer, logger: Logger, metrics: Metrics,
        corsAllowedOrigins: Set<String> = []
    ) {
        self.router = router
        self.access = AccessControl(apiKeys: apiKeys, peers: peers)
        self.logger = logger
        self.metrics = metrics
        self.corsAllowedOrigins = corsAllowedOrigins
    }

    /// What the transport should do with a request whose head and body have arrived.
    public enum Dispatch: Sendable {
        /// Run `route`: `run` on the loop, or `start` on a worker, as it declares.
        case handle(Route, Request)
        /// The answer is known without a handler (404, 405, OPTIONS, bad target).
        case respond(Response)
    }

    /// Routes a parsed request. Cheap and non-blocking: it runs on the event loop.
    public func dispatch(_ parsed: ParsedRequest, peer: PeerIdentity?, deadline: ContinuousClock.Instant,
                         started: ContinuousClock.Instant) -> Dispatch {
        let head = parsed.head
        let requestID = Self.requestID(from: head.headers)
        guard let target = RequestTarget(head.target) else {
            return .respond(finish(problem: .badRequest("The request target is not a valid path and query."),
                                   method: head.method, requestID: requestID, route: nil, started: started, peer: peer))
        }
        let request = Request(method: head.method, path: target.path, query: target.query, headers: head.headers,
                              body: parsed.body, id: requestID, peer: peer, deadline: deadline)
        switch router.match(method: head.method, segments: target.segments) {
        case .found(let route, let parameters):
            var routed = request
            routed.pathParameters = parameters
            return .handle(route, routed)
        case .methodNotAllowed(let allowed) where head.method == "OPTIONS":
            return .respond(finish(options(allowed: allowed, request: request), request: request, route: nil, started: started))
        case .methodNotAllowed(let allowed):
            return .respond(finish(problem: .methodNotAllowed(allowed: allowed), method: head.method,
                                   requestID: requestID, route: nil, started: started, peer: peer, origin: request.headers["Origin"]))
        case .notFound:
            return .respond(finish(problem: .notFound(), method: head.method, requestID: requestID, route: nil,
                                   started: started, peer: peer, origin: request.headers["Origin"]))
        }
    }

    /// Starts a deferred event-loop route's request right here on the loop, when nothing in it can
    /// block: access is granted from memory (see `AccessControl.authorizeWithoutBlocking`). False,
    /// without a trace, when that is not so: the caller then passes the request to `start` on a
    /// worker, which decides access the full way and renders any refusal.
    public func startWithoutBlocking(_ route: Route, _ request: Request, started: ContinuousClock.Instant,
                                     deliver: @escaping @Sendable (_ makeResponse: @escaping @Sendable () -> Response) -> Void) -> Bool {
        guard route.execution == .eventLoop, case .deferred(let handler) = route.handling else { return false }
        var request = request
        guard access.authorizeWithoutBlocking(&request, for: route.access) else { return false }
        startAdmitted(route, request, handler: handler, started: started, deliver: deliver, admit: { try acceptable($0, for: route) })
        return true
    }

    /// Checks access and runs the handler, returning its response. May block (on a worker) when
    /// the route says so; a deferred handler is waited for, which only callers that may block
    /// (tests, tools) do: the transport uses `start`.
    public func run(_ route: Route, _ request: Request, started: ContinuousClock.Instant) -> Response {
        guard case .immediate(let handler) = route.handling else {
            return BlockingCompletion.wait { deliver in start(route, request, started: started, deliver: deliver) }()
        }
        var request = request
        let produced: Result<Response, any Error>
        do {
            try admit(&request, to: route)
            produced = .success(try handler(request))
        } catch {
            produced = .failure(error)
        }
        return render(route, request, started: started) { try produced.get() }
    }

    /// Runs a request on a worker and passes `deliver` what makes its response: at once for an
    /// immediate handler (the response is already made), or when a deferred handler's work is
    /// done. `deliver` hands it to the thread that sends the response, which calls it once; the
    /// problem rendering, standard headers, log line and metrics happen there.
    public func start(_ route: Route, _ request: Request, started: ContinuousClock.Instant,
                      deliver: @escaping @Sendable (_ makeResponse: @escaping @Sendable () -> Response) -> Void) {
        guard case .deferred(let handler) = route.handling else {
            let response = run(route, request, started: started)
            deliver { response }
            return
        }
        startAdmitted(route, request, handler: handler, started: started, deliver: deliver) { [self] request in
            try admit(&request, to: route)
        }
    }

    private func startAdmitted(_ route: Route, _ request: Request, handler: DeferredRouteHandler, started: ContinuousClock.Instant,
                               deliver: @escaping @Sendable (_ makeResponse: @escaping @Sendable () -> Response) -> Void,
                               admit: (inout Request) throws -> Void) {
        var request = request
        do {
            try admit(&request)
            let admitted = request
            try handler(admitted) { [self] makeResponse in
                deliver { self.render(route, admitted, started: started, makeResponse) }
            }
        } catch {
            let response = render(route, request, started: started) { throw error }
            deliver { response }
        }
    }

    /// What every handler passes first: an acceptable media type and access to the route.
    private func admit(_ request: inout Request, to route: Route) throws {
        try acceptable(request, for: route)
        try access.authorize(&request, for: route.access)
    }

    private func acceptable(_ request: Request, for route: Route) throws {
        if let accept = request.headers["Accept"], !MediaType.accepts(accept, route.produces) {
            throw Problem(status: .notAcceptable, code: "not-acceptable",
                          detail: "This resource is only available as \(route.produces).")
        }
    }

    /// The handler's response, or the problem its error stands for, finished for sending.
    private func render(_ route: Route, _ request: Request, started: ContinuousClock.Instant,
                        _ makeResponse: () throws -> Response) -> Response {
        let response: Response
        do {
            response = try makeResponse()
        } catch let problem as Problem {
            response = problem.response(requestID: request.id)
        } catch let convertible as any ProblemConvertible {
            response = convertible.problem.response(requestID: request.id)
        } catch StoreError.busy(let message) {
            // Overload, not a fault: the store's lock or the write queue stayed full. Retrying soon is right.
            logger.warning("store busy", [("requestId", .string(request.id)), ("error", .string(message))])
            response = Problem.serviceUnavailable("The node is busy; retry shortly.", retryAfterSeconds: 1)
                .response(requestID: request.id)
        } catch {
            logger.error("handler failed", [
                ("requestId", .string(request.id)), ("errorId", .string("urn:uuid:\(request.id)")),
                ("route", .string(route.template)), ("error", .string(String(describing: error))),
            ])
            response = Problem.internalError().response(requestID: request.id)
        }
        return finish(response, request: request, route: route, started: started)
    }

    /// A problem raised by the transport itself (a malformed request, a full worker pool, a timeout),
    /// logged and counted like any other response.
    public func transportProblem(_ problem: Problem, method: String?, requestID: String? = nil,
                                 peer: PeerIdentity?, started: ContinuousClock.Instant) -> Response {
        finish(problem: problem, method: method ?? "-", requestID: requestID ?? Self.newRequestID(), route: nil,
               started: started, peer: peer)
    }

    private func finish(problem: Problem, method: String, requestID: String, route: Route?,
                        started: ContinuousClock.Instant, peer: PeerIdentity?, origin: String? = nil) -> Response {
        var response = problem.response(requestID: requestID)
        StandardHeaders.apply(to: &response, apiVersion: (route?.component ?? Self.nodeComponent).version, requestID: requestID)
        applyCORS(to: &response, origin: origin, route: route)
        record(response, method: method, requestID: requestID, route: route, started: started, peer: peer, apiKeyID: nil)
        return response
    }

    private func finish(_ response: Response, request: Request, route: Route?, started: ContinuousClock.Instant) -> Response {
        var response = response
        StandardHeaders.apply(to: &response, apiVersion: (route?.component ?? Self.nodeComponent).version, requestID: request.id)
        applyCORS(to: &response, origin: request.headers["Origin"], route: route)
        record(response, method: request.method, requestID: request.id, route: route, started: started,
               peer: request.peer, apiKeyID: request.apiKey?.id)
        return response
    }

    private func options(allowed: [String], request: Request) -> Response {
        var response = Response(status: .noContent)
        response.headers.add("Allow", allowed.joined(separator: ", "))
        if request.headers["Origin"] != nil {
            response.headers.add("Access-Control-Allow-Methods", allowed.joined(separator: ", "))
            response.headers.add("Access-Control-Allow-Headers", "Authorization, Content-Type, If-Match, If-None-Match, Idempotency-Key, X-Request-Id")
            response.headers.add("Access-Control-Max-Age", "600")
        }
        return response
    }

    /// Public reads may be used from any browser origin; everything else only from the operator's allowlist.
    private func applyCORS(to response: inout Response, origin: String?, route: Route?) {
        guard let origin else { return }
        if corsAllowedOrigins.contains(origin) {
            response.headers.replace("Access-Control-Allow-Origin", origin)
            response.headers.add("Vary", "Origin")
        } else if route == nil || route?.access == .open {
            response.headers.replace("Access-Control-Allow-Origin", "*")
        }
        response.headers.add("Access-Control-Expose-Headers", "API-Version, ETag, Link, Location, X-Request-Id")
    }

    private func record(_ response: Response, method: String, requestID: String, route: Route?,
                        started: ContinuousClock.Instant, peer: PeerIdentity?, apiKeyID: String?) {
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let template = route?.template ?? "unmatched"
        let component = (route?.component ?? Self.nodeComponent).name
        metrics.recordRequest(component: component, method: method, route: template, status: response.status.code,
                              durationSeconds: seconds)
        var metadata: [(String, LogValue)] = [
            ("requestId", .string(requestID)), ("method", .string(method)), ("route", .string(template)),
            ("status", .integer(response.status.code)), ("durationSeconds", .double(seconds)),
        ]
        if let oin = peer?.oin { metadata.append(("peerOin", .string(oin))) }
        if let apiKeyID { metadata.append(("apiKeyId", .string(apiKeyID))) }
        if response.status.code >= 400 { metadata.append(("errorId", .string("urn:uuid:\(requestID)"))) }
        logger.info("request", metadata)
    }

    static func requestID(from headers: HTTPHeaders) -> String {
        if let supplied = headers["X-Request-Id"], let uuid = UUID(uuidString: supplied) {
            return uuid.uuidString.lowercased()
        }
        return newRequestID()
    }

    static func newRequestID() -> String { RequestID.make() }
}

/// An origin-form request target split into decoded path segments and query parameters.
struct RequestTarget {
    let path: String
    let segments: [String]
    let query: QueryParameters

    init?(_ target: String) {
        let utf8 = target.utf8
        guard utf8.first == UInt8(ascii: "/") else { return nil }
        let queryStart = utf8.firstIndex(of: UInt8(ascii: "?"))
        let rawPath = Substring(utf8[..<(queryStart ?? utf8.endIndex)])
        let rawQuery = queryStart.map { Substring(utf8[utf8.index(after: $0)...]) } ?? ""
        // Splitting on bytes, not Characters: this runs for every request.
        let needsDecoding = rawPath.utf8.contains(UInt8(ascii: "%"))
        var segments: [String] = []
        for raw in rawPath.utf8.dropFirst().split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false) {
            let segment = Substring(raw)
            if !needsDecoding {
                segments.append(String(segment))
                continue
            }
            guard let decoded = PercentDecoding.decode(segment, plusIsSpace: false) else { return nil }
            segments.append(decoded)
        }
        guard let query = QueryParameters.parse(rawQuery) else { return nil }
        self.path = String(rawPath)
        self.segments = segments
        self.query = query
    }
}
