import Foundation
import Schemas
import Node
import Testing

@testable import Federation

/// The libcurl client against a real mutual-TLS server (Python's ssl module): retries, limits,
/// connection reuse, and the member check in the handshake.
@Suite struct PeerClientTests {
    /// Fast retries so a test of four attempts takes milliseconds.
    static var quickLimits: PeerClientLimits {
        var limits = PeerClientLimits()
        limits.maxAttempts = 3
        limits.initialBackoffMilliseconds = 10
        limits.maxBackoffMilliseconds = 40
        limits.attemptTimeoutMilliseconds = 5_000
        return limits
    }

    /// A server presenting Zoetermeer's certificate, and a client for it calling as Veldhoven.
    struct Setup {
        let fixture: FederationFixture
        let server: TLSTestServer
        let serverMember: IssuedMember
        let caller: IssuedMember

        init(_ directory: String) throws {
            fixture = try FederationFixture(directory: directory)
            serverMember = try fixture.member(zoetermeerOIN, "Zoetermeer")
            caller = try fixture.member(veldhovenOIN, "Veldhoven")
            server = try TLSTestServer(certificatePath: serverMember.certificatePath, keyPath: serverMember.keyPath,
                                       trustAnchorPath: fixture.trustAnchorPath)
        }

        func client(expecting expectation: PeerExpectation? = nil, limits: PeerClientLimits = PeerClientTests.quickLimits,
                    cancellation: CancellationSignal = CancellationSignal()) throws -> PeerClient {
            try PeerClient(baseURL: server.baseURL,
                           expecting: expectation ?? PeerExpectation(oin: zoetermeerOIN, publicKeySHA256: [serverMember.certificate.spkiSHA256Hex]),
                           tls: fixture.tls(for: caller), limits: limits, cancellation: cancellation)
        }

        /// The calls the server saw, by "METHOD /path".
        func counts() throws -> [String: Int] {
            let response = try client().get("/counts")
            return try JSONDecoder().decode([String: Int].self, from: Data(response.body))
        }
    }

    @Test func mutualTLSCallCarriesTheClientCertificate() throws {
        try withTemporaryDirectory { directory in
            let setup = try Setup(directory)
            let response = try setup.client().get("/echo")
            #expect(response.status == 200)
            #expect(response.header("content-type") == "application/json")
            let echo = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
            #expect(echo?["peerOin"] as? String == veldhovenOIN.value, "the server saw Veldhoven's client certificate")
        }
    }

    @Test(arguments: [
        ("GET", [] as [(String, String)], 3),
        ("PUT", [], 3),
        ("DELETE", [], 3),
        ("POST", [], 1),
        ("PATCH", [], 1),
        ("POST", [("Idempotency-Key", "\"5f0c6c1e-2b7e-4df4-9a2b-0f3e8d7c6b5a\"")], 3),
    ])
    func retriesOnlyRepeatableCalls(method: String, headers: [(String, String)], expectedAttempts: Int) throws {
        try withTemporaryDirectory { directory in
            let setup = try Setup(directory)
            let client = try setup.client()
            let response = try client.send(PeerRequest(method: method, path: "/status/503", headers: headers, body: [1, 2, 3]))
            #expect(response.status == 503, "the last answer is returned once retries are spent")
            #expect(client.lastCallAttempts == expectedAttempts)
            #expect(try setup.counts()["\(method) /status/503"] == expectedAttempts, "the server saw every attempt")
        }
    }

    @Test func aDefiniteAnswerIsNotRetried() throws {
        try withTemporaryDirectory { directory in
            let setup = try Setup(directory)
            let client = try setup.client()
            #expect(try client.get("/status/404").status == 404)
            #expect(client.lastCallAttempts == 1)
            #expect(try client.get("/status/200").status == 200)
            #expect(client.lastCallAttempts == 1)
        }
    }

    @Test func aRetryAfterBeyondTheBackoffLimitEndsTheRetries() throws {
        try withTemporaryDirectory { directory in
            let setup = try Setup(directory)
            let client = try setup.client()
            #expect(try client.get("/retry-after/3600").status == 503)
            #expect(client.lastCallAttempts == 1, "an hour is the caller's decision, not a retry loop's")
        }
    }

    @Test func refusedConnectionsAreRetriedForGETOnly() throws {
        try withTemporaryDirectory { directory in
            let setup = try Setup(directory)
            let refusing = try LoopbackPort(listening: false)
            let client = try PeerClient(baseURL: "https://127.0.0.1:\(refusing.port)",
                                        expecting: PeerExpectation(oin: zoetermeerOIN, publicKeySHA256: nil),
                                        tls: setup.fixture.tls(for: setup.caller), limits: Self.quickLimits)
            for (method, attempts) in [("GET", 3), ("POST", 1)] {
                do {
                    _ = try client.send(PeerRequest(method: method, path: "/echo"))
                    Issue.record("a refused connection must fail")
                } catch let error as PeerClientError {
                    guard case .transport(let code, let message, let made) = error else {
                        Issue.record("unexpected \(error)")
                        continue
                    }
                    #expect(code == 7, "CURLE_COULDNT_CONNECT")
                    #expect(made == attempts)
                    #expect(!message.isEmpty, "the error buffer's text is kept")
                }
            }
        }
    }

    /// `federation.maxAttempts` and the timeouts in config.json reach the client.
    @Test func theConfiguredAttemptsAndTimeoutsAreTheClientsLimits() throws {
        var settings = FederationSettings()
        (settings.connectTimeoutSeconds, settings.requestTimeoutSeconds, settings.maxAttempts) = (2, 90, 1)
        let limits = PeerClientLimits(settings)
        #expect((limits.connectTimeoutMilliseconds, limits.attemptTimeoutMilliseconds, limits.maxAttempts) == (2_000, 90_000, 1))
        #expect(PeerClientLimits(FederationSettings()) == PeerClientLimits(), "the same defaults either way")
        try withTemporaryDirectory { directory in
            let setup = try Setup(directory)
            let refusing = try LoopbackPort(listening: false)
            let client = try PeerClient(baseURL: "https://127.0.0.1:\(refusing.port)",
                                        expecting: PeerExpectation(oin: zoetermeerOIN, publicKeySHA256: nil),
                                        tls: setup.fixture.tls(for: setup.caller), limits: limits)
            #expect {
                _ = try client.send(PeerRequest(method: "GET", path: "/echo"))
            } throws: { error in
                guard case PeerClientError.transport(_, _, let made) = error else { return false }
                return made == 1
            }
        }
    }

    @Test func connectionIsReusedBetweenCalls() throws {
        try withTemporaryDirectory { directory in
            let setup = try Setup(directory)
            let client = try setup.client()
            let first = try client.get("/echo")
            #expect(client.lastCallNewConnections == 1)
            let second = try client.get("/echo")
            #expect(client.lastCallNewConnections == 0, "the kept-alive connection was reused")
            let ports = try [first, second].map {
                (try JSONSerialization.jsonObject(with: Data($0.body)) as? [String: Any])?["clientPort"] as? Int
            }
            #expect(ports[0] != nil && ports[0] == ports[1])
        }
    }

    @Test func aPeerWithAnotherMembersCertificateIsRefusedBeforeAnythingIsSent() throws {
        try withTemporaryDirectory { directory in
            let setup = try Setup(directory)
            // The directory says Veldhoven serves at this URL; the server presents Zoetermeer's certificate.
            let impostorCheck = try setup.client(expecting: PeerExpectation(oin: veldhovenOIN, publicKeySHA256: nil))
            #expect(throws: PeerClientError.peerIdentityMismatch(url: setup.server.baseURL, expected: "OIN \(veldhovenOIN)",
                                                                 presented: "OIN \(zoetermeerOIN)")) {
                _ = try impostorCheck.send(PeerRequest(method: "POST", path: "/echo", body: Array("secret".utf8)))
            }
            #expect(impostorCheck.lastCallAttempts == 1, "a refused identity is final")
            // The right OIN with a key the directory does not list is refused too.
            let otherKey = try PrivateKey.generateP256()
            let wrongKey = try setup.client(expecting: PeerExpectation(oin: zoetermeerOIN, publicKeySHA256: [otherKey.spkiSHA256Hex]))
            do {
                _ = try wrongKey.get("/echo")
                Issue.record("an unlisted key must be refused")
            } catch let error as PeerClientError {
                guard case .peerIdentityMismatch(_, _, let presented) = error else { throw error }
                #expect(presented.contains("which the directory does not list"))
            }
            #expect(try setup.counts()["POST /echo"] == nil, "no request reached the impostor")
            #expect(try setup.counts()["GET /echo"] == nil)
        }
    }

    @Test func aServerFromAForeignCAIsRefused() throws {
        try withTemporaryDirectory { directory in
            let setup = try Setup(directory)
            let foreign = try CertificateAuthority.create(directory: directory + "/foreign", name: "Foreign CA")
            let impostor = try IssuedMember.issue(by: foreign, oin: zoetermeerOIN, name: "Zoetermeer", in: directory)
            let server = try TLSTestServer(certificatePath: impostor.certificatePath, keyPath: impostor.keyPath,
                                           trustAnchorPath: setup.fixture.trustAnchorPath)
            let client = try PeerClient(baseURL: server.baseURL, expecting: PeerExpectation(oin: zoetermeerOIN, publicKeySHA256: nil),
                                        tls: setup.fixture.tls(for: setup.caller), limits: Self.quickLimits)
            do {
                _ = try client.get("/echo")
                Issue.record("a certificate from another CA must be refused")
            } catch let error as PeerClientError {
                guard case .transport(let code, let message, let attempts) = error else { throw error }
                #expect(code == 60, "CURLE_PEER_FAILED_VERIFICATION: \(message)")
                #expect(attempts == 1, "a refused certificate is not retried")
            }
        }
    }

    @Test func responsesAreBoundedInSizeAndTime() throws {
        try withTemporaryDirectory { directory in
            let setup = try Setup(directory)
            var limits = Self.quickLimits
            limits.maxResponseBytes = 1_000
            limits.attemptTimeoutMilliseconds = 300
            limits.maxAttempts = 1
            let client = try setup.client(limits: limits)
            #expect(try client.get("/big/1000").body.count == 1_000, "exactly at the limit is fine")
            #expect(throws: PeerClientError.responseTooLarge(maxBytes: 1_000)) { _ = try client.get("/big/1001") }
            do {
                _ = try client.get("/slow/3000")
                Issue.record("a slow peer must time out")
            } catch let error as PeerClientError {
                guard case .transport(let code, _, _) = error else { throw error }
                #expect(code == 28, "CURLE_OPERATION_TIMEDOUT")
            }
        }
    }

    @Test func aPeerThatNeverAnswersTheHandshakeHitsTheConnectTimeout() throws {
        try withTemporaryDirectory { directory in
            let setup = try Setup(directory)
            let silent = try LoopbackPort(listening: true)
            var limits = Self.quickLimits
            limits.connectTimeoutMilliseconds = 300
            limits.attemptTimeoutMilliseconds = 20_000
            limits.maxAttempts = 1
            let client = try PeerClient(baseURL: "https://127.0.0.1:\(silent.port)",
                                        expecting: PeerExpectation(oin: zoetermeerOIN, publicKeySHA256: nil),
                                        tls: setup.fixture.tls(for: setup.caller), limits: limits)
            let started = ContinuousClock.now
            do {
                _ = try client.get("/echo")
                Issue.record("a peer that never answers must time out")
            } catch let error as PeerClientError {
                guard case .transport(let code, let message, _) = error else { throw error }
                #expect(code == 28, "CURLE_OPERATION_TIMEDOUT: \(message)")
            }
            #expect(ContinuousClock.now - started < .seconds(10), "the connect timeout, not the attempt's 20 s, ended the call")
        }
    }

    @Test func backoffDoublesToItsCeiling() {
        var limits = PeerClientLimits()
        limits.initialBackoffMilliseconds = 200
        limits.maxBackoffMilliseconds = 5_000
        #expect((1...7).map(limits.backoffCeilingMilliseconds(retry:)) == [200, 400, 800, 1_600, 3_200, 5_000, 5_000])
        #expect(limits.backoffCeilingMilliseconds(retry: 1_000) == 5_000, "a huge retry count neither overflows nor exceeds the ceiling")
    }

    @Test func eachWaitIsHalfItsCeilingPlusARandomPartOfTheOtherHalf() {
        var limits = PeerClientLimits()
        limits.initialBackoffMilliseconds = 200
        var generator = SeededGenerator(seed: 6)
        let waits = (0..<1_000).map { _ in limits.jitteredWaitMilliseconds(retry: 3, using: &generator) }
        #expect(waits.allSatisfy { (400...800).contains($0) }, "retry 3: ceiling 800")
        #expect(waits.min()! < 450 && waits.max()! > 750, "spread over the whole upper half, not one fixed wait")
        #expect(Set(waits).count > 200)
    }

    @Test func cancellationStopsACallInFlight() throws {
        try withTemporaryDirectory { directory in
            let setup = try Setup(directory)
            let cancellation = CancellationSignal()
            let client = try setup.client(cancellation: cancellation)
            let started = ContinuousClock.now
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(200)) { cancellation.cancel() }
            #expect(throws: PeerClientError.cancelled) { _ = try client.get("/slow/4000") }
            #expect(ContinuousClock.now - started < .seconds(3), "cancelled well before the peer answered")
        }
    }

    @Test func invalidURLsAndHeadersAreRefused() throws {
        try withTemporaryDirectory { directory in
            let setup = try Setup(directory)
            for url in ["http://127.0.0.1:1", "https://127.0.0.1:1/", "https://127.0.0.1:1?x=1", "https://user@127.0.0.1:1", "ftp://x"] {
                #expect(throws: PeerClientError.invalidURL(url)) {
                    _ = try PeerClient(baseURL: url, expecting: PeerExpectation(oin: zoetermeerOIN, publicKeySHA256: nil),
                                       tls: setup.fixture.tls(for: setup.caller))
                }
            }
            let client = try setup.client()
            #expect(throws: PeerClientError.self) { _ = try client.get("/echo", headers: [("X-A", "b\r\nX-Injected: 1")]) }
            #expect(throws: PeerClientError.self) { _ = try client.get("echo") }
        }
    }
}
