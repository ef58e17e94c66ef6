import Testing
@testable import Node

@Suite struct RouterTests {
    static let component = APIComponent(name: "solutions", version: "1.0.0")

    static func route(_ method: String, _ template: String) -> Route {
        Route(method, template, component: component, access: .open) { _ in Response(status: .ok) }
    }

    static let router: Router = {
        var table = RouteTable()
        table.add(route("GET", "/api/solutions/v1/solutions"))
        table.add(route("POST", "/api/solutions/v1/solutions"))
        table.add(route("GET", "/api/solutions/v1/solutions/{id}"))
        table.add(route("DELETE", "/api/solutions/v1/solutions/{id}"))
        table.add(route("GET", "/api/solutions/v1/solutions/_search"))
        table.add(route("GET", "/api/solutions/v1/solutions/{id}/adoptions"))
        return table.freeze()
    }()

    static func segments(_ path: String) -> [String] {
        path.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    }

    @Test func matchesLiteralPath() {
        guard case .found(let route, let parameters) = Self.router.match(method: "GET", segments: Self.segments("/api/solutions/v1/solutions")) else {
            Issue.record("no match")
            return
        }
        #expect(route.template == "/api/solutions/v1/solutions")
        #expect(parameters.isEmpty)
    }

    @Test func bindsPathParameters() {
        guard case .found(let route, let parameters) = Self.router.match(method: "GET", segments: Self.segments("/api/solutions/v1/solutions/abc/adoptions")) else {
            Issue.record("no match")
            return
        }
        #expect(route.template == "/api/solutions/v1/solutions/{id}/adoptions")
        #expect(parameters == ["id": "abc"])
    }

    @Test func literalSegmentBeatsParameter() {
        guard case .found(let route, _) = Self.router.match(method: "GET", segments: Self.segments("/api/solutions/v1/solutions/_search")) else {
            Issue.record("no match")
            return
        }
        #expect(route.template == "/api/solutions/v1/solutions/_search")
    }

    @Test(arguments: ["/api/solutions/v1/solutions/", "/api/solutions/v1/solution", "/api/solutions/v1", "/", "/api/solutions/v1/solutions//adoptions"])
    func unknownOrTrailingSlashPathIsNotFound(path: String) {
        guard case .notFound = Self.router.match(method: "GET", segments: Self.segments(path)) else {
            Issue.record("\(path) should not match")
            return
        }
    }

    @Test func wrongMethodListsAllowedMethods() {
        guard case .methodNotAllowed(let allowed) = Self.router.match(method: "PUT", segments: Self.segments("/api/solutions/v1/solutions/x")) else {
            Issue.record("expected 405")
            return
        }
        #expect(Set(allowed) == ["GET", "DELETE", "HEAD", "OPTIONS"])
    }

    @Test func headIsServedByGet() {
        guard case .found(let route, _) = Self.router.match(method: "HEAD", segments: Self.segments("/api/solutions/v1/solutions")) else {
            Issue.record("no match")
            return
        }
        #expect(route.method == "GET")
    }

    @Test func duplicateRouteIsAProgrammingError() async {
        await #expect(processExitsWith: .failure) {
            var table = RouteTable()
            table.add(RouterTests.route("GET", "/a/{x}"))
            table.add(RouterTests.route("GET", "/a/{y}"))
        }
    }
}
