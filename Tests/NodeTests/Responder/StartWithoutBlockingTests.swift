import Dispatch
import Foundation
import Synchronization
import Testing
@testable import Node

/// A deferred event-loop route starts on the loop only when nothing in it can block: its key was
/// verified a moment ago and holds the route's scope. Anything else (a key not seen lately, a
/// missing scope, a worker route) is declined without a trace, for a worker to decide and render.
@Suite struct StartWithoutBlockingTests {
    static let component = APIComponent(name: "coin", version: "1.0.0")

    /// Knows `warm` without blocking; `cold` only through `verify`.
    struct WarmKeys: APIKeyVerifier {
        static let warm = "kp_warm_token"
        static let cold = "kp_cold_token"
        static let identity = APIKeyIdentity(id: "till", name: "till", scopes: ["coin:pay"])

        func verify(token: String) throws -> APIKeyIdentity? {
            token == Self.warm || token == Self.cold ? Self.identity : nil
        }

        func recentlyVerified(token: String) -> APIKeyIdentity? {
            token == Self.warm ? Self.identity : nil
        }
    }

    final class Count: Sendable {
        let value = Atomic<Int>(0)
    }

    let responder: Responder
    let handled = Count()

    init() {
        var table = RouteTable()
        let handled = self.handled
        for (path, scope, execution) in [("/pay", "coin:pay", RouteExecution.eventLoop), ("/admin", "coin:admin", .eventLoop),
                                         ("/worker", "coin:pay", .worker)] {
            table.add(Route("POST", "/api/coin/v1" + path, component: Self.component, access: .apiKey(scope: scope),
                            execution: execution) { request, respond in
                handled.value.add(1, ordering: .relaxed)
                respond { .json(["by": request.apiKey?.id ?? "-"], status: .created) }
            })
        }
        responder = Responder(router: table.freeze(), apiKeys: WarmKeys(), peers: TrustAnchorPeerAuthorizer(),
                              logger: Logger(label: "test", sink: CapturingSink()), metrics: Metrics(version: "test"))
    }

    /// What `startWithoutBlocking` did: nil when it declined, else the response it delivered.
    func start(_ path: String, token: String) throws -> Response? {
        let head = RequestHead(method: "POST", target: "/api/coin/v1" + path, version: .http1_1,
                               headers: HTTPHeaders([("Host", "node"), ("Authorization", "Bearer \(token)")]))
        guard case .handle(let route, let request) = responder.dispatch(ParsedRequest(head: head, body: []), peer: nil,
                                                                       deadline: .now + .seconds(5), started: .now)
        else { throw Problem.internalError() }
        let delivered = Mutex<Response?>(nil)
        let started = responder.startWithoutBlocking(route, request, started: .now) { makeResponse in
            delivered.withLock { $0 = makeResponse() }
        }
        guard started else { return nil }
        guard let response = delivered.withLock({ $0 }) else {
            Issue.record("a request started on the loop delivered no response")
            throw Problem.internalError()
        }
        return response
    }

    @Test func aRecentlyVerifiedKeyWithTheScopeStartsOnTheLoop() throws {
        let response = try #require(try start("/pay", token: WarmKeys.warm))
        #expect(response.status == .created)
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"by":"till"}"#, "the handler sees the key")
        #expect(handled.value.load(ordering: .relaxed) == 1)
    }

    @Test func anythingThatMightBlockOrBeRefusedIsLeftToAWorker() throws {
        #expect(try start("/pay", token: WarmKeys.cold) == nil, "a key not verified lately needs the store")
        #expect(try start("/pay", token: "kp_unknown") == nil, "an unknown key is refused by a worker")
        #expect(try start("/admin", token: WarmKeys.warm) == nil, "a missing scope is refused by a worker")
        #expect(try start("/worker", token: WarmKeys.warm) == nil, "a worker route stays on a worker")
        #expect(handled.value.load(ordering: .relaxed) == 0, "no declined request reached its handler")
    }
}
