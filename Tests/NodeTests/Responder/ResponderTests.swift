import Foundation
import Synchronization
import Testing
@testable import Node

/// Captures log lines so tests can check what is (and is not) logged.
final class CapturingSink: LogSink {
    private let lines = Mutex<[String]>([])

    func write(line: [UInt8]) {
        #expect(line.last == UInt8(ascii: "\n"), "a log line ends in a newline")
        lines.withLock { $0.append(String(decoding: line.dropLast(), as: UTF8.self)) }
    }

    var captured: [String] { lines.withLock { $0 } }
}

struct FixedKeys: APIKeyVerifier {
    static let secret = "kp_secret_token_value_123"

    func verify(token: String) throws -> APIKeyIdentity? {
        token == Self.secret ? APIKeyIdentity(id: "key-1", name: "portal", scopes: ["solutions:write"]) : nil
    }
}

@Suite struct ResponderTests {
    static let component = APIComponent(name: "solutions", version: "1.2.3")

    let sink = CapturingSink()
    let responder: Responder

    init() {
        var table = RouteTable()
        table.add(Route("GET", "/api/solutions/v1/solutions/{id}", component: Self.component, access: .open) { request in
            .json(["id": request.pathParameter("id")])
        })
        table.add(Route("POST", "/api/solutions/v1/solutions", component: Self.component, access: .apiKey(scope: "solutions:write")) { request in
            .json(["by": request.apiKey?.id ?? "-"], status: .created)
        })
        table.add(Route("DELETE", "/api/solutions/v1/solutions/{id}", component: Self.component, access: .apiKey(scope: "solutions:delete")) { _ in
            Response(status: .noContent)
        })
        table.add(Route("GET", "/api/federation/v1/peer", component: Self.component, access: .peerCertificate) { request in
            .json(["oin": request.peer?.oin ?? "-"])
        })
        table.add(Route("GET", "/boom", component: Self.component, access: .open) { _ in
            throw CocoaError(.fileReadCorruptFile)
        })
        // Answers from another thread, as a group-commit write does: `?fail` makes the work fail.
        table.add(Route("POST", "/api/solutions/v1/later", component: Self.component, access: .apiKey(scope: "solutions:write"))
        { request, respond in
            if request.query["refuse"] != nil { throw Problem.badRequest("Refused before any work started.") }
            let fails = request.query["fail"] != nil
            Thread.detachNewThread {
                respond {
                    if fails { throw Problem(status: .conflict, code: "taken", detail: "The work found the id taken.") }
                    let role = Thread.current.threadDictionary["role"] as? String
                    return .json(["by": request.apiKey?.id ?? "-", "thread": role ?? "-"], status: .created)
                }
            }
        })
        responder = Responder(router: table.freeze(), apiKeys: FixedKeys(), peers: TrustAnchorPeerAuthorizer(),
                              logger: Logger(label: "test", sink: sink), metrics: Metrics(version: "test"))
    }

    func respond(_ method: String, _ target: String, headers: [(String, String)] = [], peer: PeerIdentity? = nil) -> Response {
        let head = RequestHead(method: method, target: target, version: .http1_1,
                               headers: HTTPHeaders([("Host", "node")] + headers.map { (name: $0.0, value: $0.1) }))
        let parsed = ParsedRequest(head: head, body: [])
        switch responder.dispatch(parsed, peer: peer, deadline: .now + .seconds(5), started: .now) {
        case .respond(let response): return response
        case .handle(let route, let request): return responder.run(route, request, started: .now)
        }
    }

    func problem(_ response: Response) throws -> [String: Any] {
        #expect(response.headers["Content-Type"] == "application/problem+json")
        return try #require(JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
    }

    /// `start` as the transport calls it: what `deliver` gets, made on the thread that delivers.
    func startLater(_ target: String, headers: [(String, String)]) throws -> Response {
        let head = RequestHead(method: "POST", target: target, version: .http1_1,
                               headers: HTTPHeaders([("Host", "node")] + headers.map { (name: $0.0, value: $0.1) }))
        guard case .handle(let route, let request) = responder.dispatch(ParsedRequest(head: head, body: []), peer: nil,
                                                                       deadline: .now + .seconds(5), started: .now)
        else { throw Problem.internalError() }
        let delivered = DispatchSemaphore(value: 0)
        let outcome = Mutex<Response?>(nil)
        responder.start(route, request, started: .now) { makeResponse in
            Thread.detachNewThread {
                Thread.current.threadDictionary["role"] = "sender"
                let response = makeResponse()
                outcome.withLock { $0 = response }
                delivered.signal()
            }
        }
        #expect(delivered.wait(timeout: .now() + 10) == .success)
        return try #require(outcome.withLock { $0 })
    }

    @Test func aDeferredHandlerAnswersWhenItsWorkIsDoneAndTheResponseIsMadeWhereItIsSent() throws {
        let response = try startLater("/api/solutions/v1/later", headers: [("Authorization", "Bearer \(FixedKeys.secret)")])
        #expect(response.status == .created)
        #expect(response.headers["API-Version"] == "1.2.3")
        let body = try #require(JSONSerialization.jsonObject(with: Data(response.body)) as? [String: String])
        #expect(body["by"] == "key-1", "the handler sees the authorised key")
        #expect(body["thread"] == "sender", "the response is made by the thread that delivers it, not the one that did the work")
        #expect(sink.captured.contains { $0.contains("\"route\":\"/api/solutions/v1/later\"") && $0.contains("\"status\":201") })
    }

    @Test func aDeferredHandlerRefusingOrFailingAnswersWithItsProblem() throws {
        let auth = [("Authorization", "Bearer \(FixedKeys.secret)")]
        #expect(try startLater("/api/solutions/v1/later?fail", headers: auth).status == .conflict)
        #expect(try problem(startLater("/api/solutions/v1/later?fail", headers: auth))["code"] as? String == "taken")
        #expect(try startLater("/api/solutions/v1/later?refuse", headers: auth).status == .badRequest)
        #expect(try startLater("/api/solutions/v1/later", headers: []).status == .unauthorized, "access is checked first")
        #expect(respond("POST", "/api/solutions/v1/later", headers: auth).status == .created, "run waits for a deferred handler")
    }

    @Test func routesWithPathParameterAndStandardHeaders() throws {
        let response = respond("GET", "/api/solutions/v1/solutions/abc")
        #expect(response.status == .ok)
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"id":"abc"}"#)
        #expect(response.headers["API-Version"] == "1.2.3")
        for (name, value) in StandardHeaders.security {
            #expect(response.headers[name] == value)
        }
        #expect(UUID(uuidString: response.headers["X-Request-Id"] ?? "") != nil)
    }

    @Test func notFoundIsProblemJSONWithInstanceFromRequestID() throws {
        let id = "0b6f2d8e-0a43-4c55-9d3b-3a2f9f7d2a10"
        let response = respond("GET", "/api/solutions/v1/nothing", headers: [("X-Request-Id", id)])
        #expect(response.status == .notFound)
        let body = try problem(response)
        #expect(body["status"] as? Int == 404)
        #expect(body["title"] as? String == "Not Found")
        #expect(body["detail"] is String)
        #expect(body["instance"] as? String == "urn:uuid:\(id)")
        #expect(response.headers["API-Version"] == "1.0.0")
    }

    @Test func invalidClientRequestIDIsReplaced() {
        let response = respond("GET", "/api/solutions/v1/solutions/x", headers: [("X-Request-Id", "<script>")])
        #expect(UUID(uuidString: response.headers["X-Request-Id"] ?? "") != nil)
    }

    @Test func methodNotAllowedHasAllowHeader() throws {
        let response = respond("TRACE", "/api/solutions/v1/solutions/abc")
        #expect(response.status == .methodNotAllowed)
        let allow = Set((response.headers["Allow"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        #expect(allow == ["GET", "HEAD", "DELETE", "OPTIONS"])
        #expect(try problem(response)["status"] as? Int == 405)
    }

    @Test func optionsAnswersWithAllow() {
        let response = respond("OPTIONS", "/api/solutions/v1/solutions", headers: [("Origin", "https://portal.example")])
        #expect(response.status == .noContent)
        #expect(response.headers["Allow"]?.contains("POST") == true)
        #expect(response.headers["Access-Control-Allow-Methods"] != nil)
    }

    @Test func apiKeyRouteWithoutKeyIs401() throws {
        let response = respond("POST", "/api/solutions/v1/solutions")
        #expect(response.status == .unauthorized)
        #expect(response.headers["WWW-Authenticate"] == "Bearer")
        #expect(try problem(response)["code"] as? String == "unauthorized")
    }

    @Test func apiKeyRouteWithUnknownKeyIs401() {
        #expect(respond("POST", "/api/solutions/v1/solutions", headers: [("Authorization", "Bearer nope")]).status == .unauthorized)
    }

    @Test func apiKeyRouteWithKeyRunsHandlerAndRecordsKeyID() {
        let response = respond("POST", "/api/solutions/v1/solutions", headers: [("Authorization", "Bearer \(FixedKeys.secret)")])
        #expect(response.status == .created)
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"by":"key-1"}"#)
    }

    @Test func apiKeyWithoutScopeIs403() {
        let response = respond("DELETE", "/api/solutions/v1/solutions/x", headers: [("Authorization", "Bearer \(FixedKeys.secret)")])
        #expect(response.status == .forbidden)
    }

    @Test func apiKeysNeverReachTheLog() {
        _ = respond("POST", "/api/solutions/v1/solutions", headers: [("Authorization", "Bearer \(FixedKeys.secret)")])
        _ = respond("DELETE", "/api/solutions/v1/solutions/x", headers: [("Authorization", "Bearer \(FixedKeys.secret)")])
        #expect(!sink.captured.isEmpty)
        #expect(sink.captured.allSatisfy { !$0.contains(FixedKeys.secret) && !$0.contains("Bearer") })
        #expect(sink.captured.contains { $0.contains(#""apiKeyId":"key-1""#) })
    }

    @Test func peerRouteNeedsACertificateWithAnOIN() {
        #expect(respond("GET", "/api/federation/v1/peer").status == .forbidden)
        let withoutOIN = PeerIdentity(oin: nil, commonName: "x", publicKeySHA256: String(repeating: "a", count: 64))
        #expect(respond("GET", "/api/federation/v1/peer", peer: withoutOIN).status == .forbidden)
        let member = PeerIdentity(oin: "00000001000000917000", commonName: "Heerlen", publicKeySHA256: String(repeating: "a", count: 64))
        let response = respond("GET", "/api/federation/v1/peer", peer: member)
        #expect(response.status == .ok)
        #expect(sink.captured.last?.contains(#""peerOin":"00000001000000917000""#) == true)
    }

    @Test func handlerFailureIs500WithoutInternalsAndLogsTheErrorID() throws {
        let response = respond("GET", "/boom")
        #expect(response.status == .internalServerError)
        let body = try problem(response)
        let detail = try #require(body["detail"] as? String)
        #expect(!detail.contains("Cocoa") && !detail.contains("corrupt"))
        let instance = try #require(body["instance"] as? String)
        #expect(sink.captured.contains { $0.contains(#""level":"error""#) && $0.contains(instance) })
    }

    @Test func corsIsOpenForPublicReadsOnly() {
        let read = respond("GET", "/api/solutions/v1/solutions/x", headers: [("Origin", "https://evil.example")])
        #expect(read.headers["Access-Control-Allow-Origin"] == "*")
        let write = respond("POST", "/api/solutions/v1/solutions", headers: [("Origin", "https://evil.example"), ("Authorization", "Bearer \(FixedKeys.secret)")])
        #expect(write.headers["Access-Control-Allow-Origin"] == nil)
    }

    @Test func badTargetIs400() {
        #expect(respond("GET", "/api/solutions/v1/solutions/%zz").status == .badRequest)
    }

    @Test func everyRequestIsLoggedAsOneJSONObjectWithRouteTemplate() throws {
        _ = respond("GET", "/api/solutions/v1/solutions/secret-id")
        let line = try #require(sink.captured.last)
        let object = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["route"] as? String == "/api/solutions/v1/solutions/{id}")
        #expect(object["status"] as? Int == 200)
        #expect(object["method"] as? String == "GET")
        #expect(object["requestId"] is String)
        #expect(object["durationSeconds"] is Double)
        #expect((object["time"] as? String)?.hasSuffix("Z") == true)
    }

    @Test func logLinesEscapeWhatJSONRequires() throws {
        let logger = Logger(label: "test", sink: sink)
        let tricky = "quote \" backslash \\ newline \n tab \t bell \u{07} ünïcødé 🚲 end"
        logger.info(tricky, [("path", .string("/a\"b")), ("n", .integer(-3)), ("x", .double(0.5))])
        let line = try #require(sink.captured.last)
        let object = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["msg"] as? String == tricky)
        #expect(object["path"] as? String == "/a\"b")
        #expect(object["n"] as? Int == -3)
        #expect(line.contains(#"\u0007"#))
    }

    @Test func metricsCountByRouteTemplateAndStatus() {
        let metrics = Metrics(version: "9.9.9")
        metrics.recordRequest(component: "solutions", method: "GET", route: "/a/{id}", status: 200, durationSeconds: 0.003)
        metrics.recordRequest(component: "solutions", method: "GET", route: "/a/{id}", status: 200, durationSeconds: 2)
        // Beyond the last bound (10 s): counted in +Inf, the sum and the count only.
        metrics.recordRequest(component: "solutions", method: "GET", route: "/a/{id}", status: 404, durationSeconds: 20)
        metrics.recordHandshakeFailure(reason: "unsupported_protocol")
        let text = metrics.render()
        #expect(text.contains(#"knooppunt_http_requests_total{component="solutions",method="GET",route="/a/{id}",status="200"} 2"#))
        #expect(text.contains(#"knooppunt_http_requests_total{component="solutions",method="GET",route="/a/{id}",status="404"} 1"#))
        #expect(text.contains(#"knooppunt_http_request_duration_seconds_bucket{component="solutions",le="0.005"} 1"#))
        #expect(text.contains(#"knooppunt_http_request_duration_seconds_bucket{component="solutions",le="2.5"} 2"#))
        #expect(text.contains(#"knooppunt_http_request_duration_seconds_bucket{component="solutions",le="10.0"} 2"#))
        #expect(text.contains(#"knooppunt_http_request_duration_seconds_bucket{component="solutions",le="+Inf"} 3"#))
        let sumLine = text.split(separator: "\n").first { $0.hasPrefix(#"knooppunt_http_request_duration_seconds_sum{component="solutions"} "#) }
        let sum = sumLine.flatMap { $0.split(separator: " ").last }.flatMap { Double($0) }
        #expect(sum.map { abs($0 - 22.003) < 1e-9 } == true)
        #expect(text.contains(#"knooppunt_http_request_duration_seconds_count{component="solutions"} 3"#))
        #expect(text.contains(#"knooppunt_tls_handshake_failures_total{reason="unsupported_protocol"} 1"#))
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            #expect(line.hasPrefix("knooppunt_"))
        }
    }
}
