import Foundation
import Testing

/// The HTTPS server as a client sees it: a real `knooppunt serve` process, real certificates
/// from `knooppunt pki`, and curl or Python's ssl module on the other end.
@Suite struct ServerTests {
    static func startNode(configure: ((inout [String: Any]) -> Void)? = nil) throws -> NodeProcess {
        try NodeProcess(dataDirectory: try TestPKI.shared().initNode(configure: configure))
    }

    static func metric(_ node: NodeProcess, _ prefix: String) throws -> Int {
        let text = try MetricsScrape.text(node)
        let line = text.split(separator: "\n").first { $0.hasPrefix(prefix) }
        return line.flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0
    }

    static func expectProblem(_ result: HTTPResult, status: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == status, sourceLocation: sourceLocation)
        #expect(result.headers["content-type"] == "application/problem+json", sourceLocation: sourceLocation)
        let body = result.json ?? [:]
        #expect(body["status"] as? Int == status, sourceLocation: sourceLocation)
        #expect(body["title"] is String && body["detail"] is String, sourceLocation: sourceLocation)
        #expect((body["instance"] as? String)?.hasPrefix("urn:uuid:") == true, sourceLocation: sourceLocation)
    }

    @Test func infoAndHealthOverHTTPS() throws {
        let node = try Self.startNode()
        let info = try Curl.request(node, "/api/node/v1/info")
        #expect(info.status == 200)
        let body = try #require(info.json)
        #expect(body["name"] as? String == "Heerlen")
        #expect(body["oin"] as? String == "00000001000000917000")
        #expect(body["cbsCode"] as? String == "0917")
        #expect(body["role"] as? String == "municipality")
        #expect(body["softwareVersion"] is String)
        let components = (body["components"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        #expect(components.contains("node") && components.contains("federation"))
        #expect(info.headers["api-version"] == "1.0.0")
        #expect(info.headers["strict-transport-security"] == "max-age=31536000")
        #expect(info.headers["x-content-type-options"] == "nosniff")
        #expect(info.headers["content-type"] == "application/json")

        let health = try Curl.request(node, "/api/node/v1/health")
        #expect(health.status == 200)
        #expect(health.json?["status"] as? String == "up")
        #expect(node.stop() == 0)
    }

    @Test(arguments: ["node", "solutions", "knowledge", "coin", "federation"])
    func openAPIDocumentsArePublic(component: String) throws {
        let node = try Self.startNode()
        let result = try Curl.request(node, "/api/\(component)/v1/openapi.json")
        #expect(result.status == 200)
        #expect(result.headers["access-control-allow-origin"] == "*")
        let openapi = try #require(result.json?["openapi"] as? String)
        #expect(openapi.hasPrefix("3."))
    }

    /// The metrics name the version, the peers and the traffic: by default only a `node:metrics`
    /// key reads them; `metricsAccess: open` opens them for a node only monitoring can reach.
    @Test func metricsNeedTheirScopeUnlessConfiguredOpen() throws {
        let node = try Self.startNode()
        Self.expectProblem(try Curl.request(node, "/metrics"), status: 401)
        let created = try Run.knooppunt(["apikey", "create", "--data", node.dataDirectory.path, "--name", "Portal",
                                         "--scopes", "solutions:write"])
        let portal = String(created.output.split(separator: "\n").last ?? "")
        Self.expectProblem(try Curl.request(node, "/metrics", headers: ["Authorization: Bearer \(portal)"]), status: 403)
        #expect(try MetricsScrape.text(node).contains("knooppunt_http_requests_total{"))

        let open = try Self.startNode { $0["metricsAccess"] = "open" }
        #expect(try Curl.request(open, "/api/node/v1/health").status == 200)
        let scraped = try Curl.request(open, "/metrics")
        #expect(scraped.status == 200 && scraped.text.contains("knooppunt_http_requests_total{"))

        let bad = try TestPKI.shared().initNode { $0["metricsAccess"] = "public" }
        let refused = try Run.knooppunt(["serve", "--data", bad.path])
        #expect(refused.status != 0 && refused.errors.contains("metricsAccess"), "\(refused.errors)")
    }

    @Test func headReturnsHeadersOnly() throws {
        let node = try Self.startNode()
        let get = try Curl.request(node, "/api/node/v1/info")
        let head = try Curl.request(node, "/api/node/v1/info", method: "HEAD")
        #expect(head.status == 200)
        #expect(head.body.isEmpty)
        #expect(head.headers["content-length"] == String(get.body.count))
    }

    @Test func tlsOlderThan12IsRefusedAnd13IsPreferred() throws {
        let node = try Self.startNode()
        let pki = try TestPKI.shared()
        for version in ["1.0", "1.1"] {
            let old = try Run.client(["tls-version", "--port", String(node.port), "--ca", pki.trustAnchor, "--version", version])
            #expect(old["handshake"] as? Bool == false, "TLS \(version) must be refused")
        }
        #expect(try Self.metric(node, #"knooppunt_tls_handshake_failures_total{reason="unsupported_protocol"}"#) >= 2)
        let tls12 = try Run.client(["tls-version", "--port", String(node.port), "--ca", pki.trustAnchor, "--version", "1.2"])
        #expect(tls12["handshake"] as? Bool == true)
        #expect((tls12["cipher"] as? String)?.contains("GCM") == true || (tls12["cipher"] as? String)?.contains("CHACHA20") == true)
        let negotiated = try Run.client(["tls-version", "--port", String(node.port), "--ca", pki.trustAnchor, "--version", "any"])
        #expect(negotiated["version"] as? String == "TLSv1.3")
    }

    @Test func plainHTTPOnTheTLSPortIsAnsweredAndClosed() throws {
        let node = try Self.startNode()
        let plain = try Run.tool("curl", ["-sS", "-i", "--max-time", "5", "http://127.0.0.1:\(node.port)/api/node/v1/info"])
        #expect(plain.output.hasPrefix("HTTP/1.1 400"))
        #expect(plain.output.contains("HTTPS only"))
        #expect(try Curl.request(node, "/api/node/v1/info").status == 200)
        #expect(try Self.metric(node, #"knooppunt_tls_handshake_failures_total{reason="plain_http"}"#) == 1)
    }

    @Test func clientCertificateFromForeignCAIsRefused() throws {
        let node = try Self.startNode()
        let pki = try TestPKI.shared()
        let refused = try Run.tool("curl", ["-sS", "--max-time", "10", "--cacert", pki.trustAnchor, "--cert", pki.foreignCertificate,
                                            "--key", pki.foreignKey, node.baseURL + "/api/node/v1/info"])
        #expect(refused.status != 0, "the handshake must fail")
        #expect(try Self.metric(node, #"knooppunt_tls_handshake_failures_total{reason="certificate_rejected"}"#) == 1)
    }

    @Test func peerRouteNeedsAMemberCertificate() throws {
        let node = try Self.startNode()
        let member = try Curl.request(node, "/api/federation/v1/peer", certificate: .member)
        #expect(member.status == 200)
        #expect(member.json?["oin"] as? String == TestPKI.memberOIN)
        #expect(member.json?["commonName"] as? String == "Zoetermeer")
        Self.expectProblem(try Curl.request(node, "/api/federation/v1/peer"), status: 403)
        let log = node.logLines.first { $0.contains("/api/federation/v1/peer") && $0.contains(#""status":200"#) }
        #expect(log?.contains(#""peerOin":"\#(TestPKI.memberOIN)""#) == true)
    }

    @Test func errorsAreProblemJSON() throws {
        let node = try Self.startNode()
        Self.expectProblem(try Curl.request(node, "/api/node/v1/nothing"), status: 404)
        Self.expectProblem(try Curl.request(node, "/api/node/v1/info/"), status: 404)
        let trace = try Curl.request(node, "/api/node/v1/info", method: "TRACE")
        Self.expectProblem(trace, status: 405)
        #expect(trace.headers["allow"]?.contains("GET") == true)
        let bigHeader = "X-Big: " + String(repeating: "a", count: 17 * 1024)
        Self.expectProblem(try Curl.request(node, "/api/node/v1/info", headers: [bigHeader]), status: 431)
        let bodyFile = Paths.temporaryDirectory("body").appendingPathComponent("big.json")
        try Data(repeating: UInt8(ascii: "a"), count: (1 << 20) + 1).write(to: bodyFile)
        Self.expectProblem(try Curl.request(node, "/api/node/v1/info", method: "POST", headers: ["Content-Type: application/json"],
                                            body: "@" + bodyFile.path), status: 413)
        #expect(try Curl.request(node, "/api/node/v1/info").status == 200, "the node keeps serving")
    }

    @Test func malformedRequestGets400AndAClosedConnection() throws {
        let node = try Self.startNode()
        let pki = try TestPKI.shared()
        let folded = "GET /api/node/v1/info HTTP/1.1\r\nHost: a\r\nX-A: b\r\n folded\r\n\r\nGET /api/node/v1/info HTTP/1.1\r\nHost: a\r\n\r\n"
        let result = try Run.client(["raw", "--port", String(node.port), "--ca", pki.trustAnchor,
                                     "--payload", Data(folded.utf8).base64EncodedString()])
        let response = try #require(result["response"] as? String)
        #expect(response.hasPrefix("HTTP/1.1 400 "))
        #expect(response.contains("application/problem+json"))
        #expect(response.components(separatedBy: "HTTP/1.1 ").count == 2, "nothing after the 400 is served")
        #expect(result["closed"] as? Bool == true)
    }

    @Test func pipelinedAndChunkedRequestsAreAnsweredInOrder() throws {
        let node = try Self.startNode()
        let pki = try TestPKI.shared()
        let payload = "POST /api/node/v1/info HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n0\r\n\r\n"
            + "GET /api/node/v1/health HTTP/1.1\r\nHost: a\r\n\r\n"
            + "GET /api/node/v1/info HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
        let result = try Run.client(["raw", "--port", String(node.port), "--ca", pki.trustAnchor,
                                     "--payload", Data(payload.utf8).base64EncodedString()])
        let response = try #require(result["response"] as? String)
        let statuses = response.components(separatedBy: "HTTP/1.1 ").dropFirst().map { String($0.prefix(3)) }
        #expect(statuses == ["405", "200", "200"])
        #expect(response.contains("Connection: close"))
        #expect(result["closed"] as? Bool == true)
    }

    /// OpenSSL reads ahead: one `read` takes in every record that has arrived, so requests in
    /// later records wait in OpenSSL's buffer, where readiness from epoll never comes for them.
    @Test func pipelinedRequestsInSeparateRecordsAreAllAnswered() throws {
        let node = try Self.startNode()
        let pki = try TestPKI.shared()
        let requests = ["GET /api/node/v1/health HTTP/1.1\r\nHost: a\r\n\r\n",
                        "GET /api/node/v1/info HTTP/1.1\r\nHost: a\r\n\r\n",
                        "GET /api/node/v1/health HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"]
        let result = try Run.client(["raw", "--port", String(node.port), "--ca", pki.trustAnchor]
                                    + requests.flatMap { ["--payload", Data($0.utf8).base64EncodedString()] })
        let response = try #require(result["response"] as? String)
        let statuses = response.components(separatedBy: "HTTP/1.1 ").dropFirst().map { String($0.prefix(3)) }
        #expect(statuses == ["200", "200", "200"])
        #expect(result["closed"] as? Bool == true)
    }

    @Test func thousandConcurrentKeepAliveConnections() throws {
        let node = try Self.startNode()
        let pki = try TestPKI.shared()
        let result = try Run.client(["keepalive", "--port", String(node.port), "--ca", pki.trustAnchor,
                                     "--connections", "1000", "--requests", "2"])
        #expect(result["connectFailures"] as? Int == 0, "\(result)")
        #expect(result["openAtOnce"] as? Int == 1000)
        #expect(result["ok"] as? Int == 2000, "\(result)")
        #expect(result["bad"] as? Int == 0)
    }

    @Test func slowlorisConnectionIsClosedWhileOthersAreServed() throws {
        let node = try Self.startNode { config in
            config["limits"] = ["headerTimeoutSeconds": 2]
        }
        let pki = try TestPKI.shared()
        let result = try Run.client(["slowloris", "--port", String(node.port), "--ca", pki.trustAnchor,
                                     "--interval", "0.5", "--timeout", "15"])
        let closedAfter = try #require(result["closedAfterSeconds"] as? Double, "the slow connection was never closed")
        #expect(closedAfter >= 1.5 && closedAfter < 6, "closed after \(closedAfter) s")
        #expect((result["servedMeanwhile"] as? Int ?? 0) >= 2)
    }

    @Test func connectionLimitRefusesCleanly() throws {
        let node = try Self.startNode { config in
            config["limits"] = ["maxConnections": 5]
        }
        let pki = try TestPKI.shared()
        let result = try Run.client(["keepalive", "--port", String(node.port), "--ca", pki.trustAnchor,
                                     "--connections", "8", "--requests", "1"])
        #expect(result["openAtOnce"] as? Int == 5, "\(result)")
        #expect(result["ok"] as? Int == 5)
        #expect(try Self.metric(node, "knooppunt_http_refused_connections_total") >= 3)
    }

    @Test func sigtermDrainsAndExitsZero() throws {
        let node = try Self.startNode()
        #expect(try Curl.request(node, "/api/node/v1/health").status == 200)
        #expect(node.stop(signal: SIGTERM) == 0)
        #expect(node.logLines.contains { $0.contains(#""msg":"stopped""#) })
        // SQLite removes the -wal and -shm files when the last connection closes cleanly.
        for suffix in ["-wal", "-shm"] {
            let path = node.dataDirectory.appendingPathComponent("knooppunt.db" + suffix).path
            #expect(!FileManager.default.fileExists(atPath: path), "\(suffix) left behind: the store was not closed")
        }
    }

    @Test func logsAreJSONLinesWithoutSecrets() throws {
        let node = try Self.startNode()
        _ = try Curl.request(node, "/api/node/v1/info", headers: ["Authorization: Bearer kp_do_not_log_me"])
        node.stop()
        let lines = node.logLines
        #expect(!lines.isEmpty)
        for line in lines {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) is [String: Any], "not JSON: \(line)")
            #expect(!line.contains("kp_do_not_log_me") && !line.contains("PRIVATE KEY"))
        }
        #expect(lines.contains { $0.contains(#""route":"/api/node/v1/info""#) && $0.contains(#""status":200"#) })
    }
}

/// API keys made with the CLI, used against a running node: 401, 403, 200, and revocation.
@Suite struct APIKeyEndToEndTests {
    @Test func keysScopesAndRevocationOnARunningNode() throws {
        let data = try TestPKI.shared().initNode()
        let admin = try Run.knooppunt(["apikey", "create", "--data", data.path, "--name", "auditor", "--scopes", "node:admin"])
        #expect(admin.status == 0)
        let adminKey = try #require(admin.output.split(separator: "\n").last.map(String.init))
        #expect(adminKey.hasPrefix("kp_"))
        let writer = try Run.knooppunt(["apikey", "create", "--data", data.path, "--name", "portal", "--scopes", "solutions:write"])
        let writerKey = try #require(writer.output.split(separator: "\n").last.map(String.init))
        let node = try NodeProcess(dataDirectory: data)

        ServerTests.expectProblem(try Curl.request(node, "/api/node/v1/audit"), status: 401)
        ServerTests.expectProblem(try Curl.request(node, "/api/node/v1/audit", headers: ["Authorization: Bearer kp_nonsense"]), status: 401)
        ServerTests.expectProblem(try Curl.request(node, "/api/node/v1/audit", headers: ["Authorization: Bearer \(writerKey)"]), status: 403)
        let ok = try Curl.request(node, "/api/node/v1/audit", headers: ["Authorization: Bearer \(adminKey)"])
        #expect(ok.status == 200)
        #expect(ok.json?["count"] is Int && ok.json?["results"] is [Any])
        ServerTests.expectProblem(try Curl.request(node, "/api/node/v1/audit?pageSize=101", headers: ["Authorization: Bearer \(adminKey)"]), status: 400)
        ServerTests.expectProblem(try Curl.request(node, "/api/node/v1/info", headers: ["Accept: text/html"]), status: 406)

        let list = try Run.knooppunt(["apikey", "list", "--data", data.path])
        #expect(!list.output.contains(adminKey) && list.output.contains("auditor"))
        let adminID = String(adminKey.split(separator: "_")[1])
        #expect(try Run.knooppunt(["apikey", "revoke", "--data", data.path, "--id", adminID]).status == 0)
        ServerTests.expectProblem(try Curl.request(node, "/api/node/v1/audit", headers: ["Authorization: Bearer \(adminKey)"]), status: 401)
        node.stop()
        #expect(node.logLines.allSatisfy { !$0.contains(adminKey) && !$0.contains(writerKey) })
        #expect(node.logLines.contains { $0.contains(#""apiKeyId":"\#(adminID)""#) })
    }
}
