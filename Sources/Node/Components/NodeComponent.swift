import Foundation

/// The `node` component: who this node is, whether it is healthy, and its API contract.
public struct NodeComponent: Sendable {
    public static let component = Responder.nodeComponent

    /// What `/info` reports for each component the node serves.
    public struct ComponentInfo: Sendable, Encodable, Equatable {
        public let name: String
        public let apiVersion: String
        public let openapi: String

        public init(_ component: APIComponent) {
            name = component.name
            apiVersion = component.version
            openapi = "/api/\(component.name)/v1/openapi.json"
        }
    }

    struct Info: Encodable {
        let name: String
        let oin: String
        let cbsCode: String?
        let role: String
        let softwareVersion: String
        let components: [ComponentInfo]
    }

    struct Health: Encodable {
        let status: String
        let checks: [String: String]
    }

    let configuration: NodeConfiguration
    let health: @Sendable () throws -> Void
    let logger: Logger

    /// - Parameter health: throws when the database does not answer.
    public init(configuration: NodeConfiguration, logger: Logger, health: @escaping @Sendable () throws -> Void) {
        self.configuration = configuration
        self.logger = logger
        self.health = health
    }

    public func register(in table: inout RouteTable, components: [APIComponent]) {
        let info = Response.json(Info(
            name: configuration.name, oin: configuration.oin.value, cbsCode: configuration.cbsCode?.value,
            role: configuration.role.rawValue, softwareVersion: SoftwareVersion.current,
            components: components.map(ComponentInfo.init)))
        table.add(Route("GET", "/api/node/v1/info", component: Self.component, access: .open, execution: .eventLoop) { _ in info })
        let health = self.health
        let logger = self.logger
        table.add(Route("GET", "/api/node/v1/health", component: Self.component, access: .open) { request in
            do {
                try health()
            } catch {
                logger.error("health check failed", [("requestId", .string(request.id)), ("error", .string(String(describing: error)))])
                throw Problem.serviceUnavailable("The node's database does not answer.", retryAfterSeconds: 5)
            }
            return .json(Health(status: "up", checks: ["database": "up"]))
        })
    }
}

/// Serves each component's OpenAPI document, open to anyone and to any browser origin, as
/// `/core/publish-openapi` asks.
public enum OpenAPIRoutes {
    public static func register(in table: inout RouteTable, documents: OpenAPIDocuments, components: [APIComponent]) {
        for component in components {
            guard let document = documents.document(for: component.name) else {
                preconditionFailure("no OpenAPI document loaded for \(component.name)")
            }
            var published = Response.bytes(document, contentType: "application/json")
            published.headers.add("Access-Control-Allow-Origin", "*")
            let response = published
            table.add(Route("GET", "/api/\(component.name)/v1/openapi.json", component: component, access: .open,
                            execution: .eventLoop) { _ in response })
        }
    }
}

/// `GET /metrics` in the Prometheus text format, for whom `access` admits.
public enum MetricsRoute {
    public static func register(in table: inout RouteTable, metrics: Metrics, access: MetricsAccess) {
        let routeAccess: RouteAccess = switch access {
        case .apiKey: .apiKey(scope: APIScope.nodeMetrics)
        case .open: .open
        }
        // Rendering only reads memory, but checking a key reads SQLite: off the event loop then.
        table.add(Route("GET", "/metrics", component: Responder.nodeComponent, access: routeAccess,
                        execution: access == .open ? .eventLoop : .worker,
                        produces: "text/plain") { _ in
            Response.bytes(Array(metrics.render().utf8), contentType: "text/plain; version=0.0.4; charset=utf-8")
        })
    }
}
