/// Collects routes at start-up; `freeze()` turns them into the immutable `Router` that every
/// event loop and worker shares without locks.
public struct RouteTable: Sendable {
    private var routes: [Route] = []

    public init() {}

    public mutating func add(_ route: Route) {
        precondition(
            !routes.contains { $0.method == route.method && $0.segments.map(\.shape) == route.segments.map(\.shape) },
            "route \(route.method) \(route.template) matches the same requests as one already added")
        routes.append(route)
    }

    public func freeze() -> Router { Router(routes: routes) }
}

/// The outcome of matching a method and path.
public enum RouteMatch: Sendable {
    case found(Route, parameters: [String: String])
    /// The path exists but not for this method; `allowed` feeds the `Allow` header.
    case methodNotAllowed(allowed: [String])
    case notFound
}

/// Matches requests to routes. Literal segments beat parameters, so `/solutions/_search` is never
/// taken for `/solutions/{id}`.
public struct Router: Sendable {
    public let routes: [Route]
    private let routesBySegmentCount: [Int: [Route]]

    init(routes: [Route]) {
        // Sorting literal-first once makes the first match the most specific one.
        let ordered = routes.sorted { specificity($0) > specificity($1) }
        self.routes = ordered
        self.routesBySegmentCount = Dictionary(grouping: ordered, by: { $0.segments.count })
    }

    /// Matches decoded path segments (the request path split on `/`, each segment percent-decoded).
    /// A trailing slash leaves an empty last segment, which matches nothing: the conventions want
    /// 404 there, never a redirect. `HEAD` is served by the `GET` route.
    public func match(method: String, segments: [String]) -> RouteMatch {
        guard let candidates = routesBySegmentCount[segments.count] else { return .notFound }
        var allowed: [String] = []
        for route in candidates {
            guard let parameters = bind(route.segments, to: segments) else { continue }
            if route.method == method || (method == "HEAD" && route.method == "GET") {
                return .found(route, parameters: parameters)
            }
            if !allowed.contains(route.method) { allowed.append(route.method) }
        }
        guard !allowed.isEmpty else { return .notFound }
        if allowed.contains("GET") { allowed.append("HEAD") }
        allowed.append("OPTIONS")
        return .methodNotAllowed(allowed: allowed)
    }

    private func bind(_ template: [PathSegment], to segments: [String]) -> [String: String]? {
        var parameters: [String: String] = [:]
        for (pattern, segment) in zip(template, segments) {
            switch pattern {
            case .literal(let literal):
                guard literal == segment else { return nil }
            case .parameter(let name):
                guard !segment.isEmpty else { return nil }
                parameters[name] = segment
            }
        }
        return parameters
    }
}

private func specificity(_ route: Route) -> Int {
    route.segments.reduce(0) { count, segment in
        if case .literal = segment { return count + 1 }
        return count
    }
}
