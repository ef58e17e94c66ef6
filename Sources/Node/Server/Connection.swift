import CSystem
import Foundation
import Glibc

/// One client connection: TLS handshake, reading requests, handing them to the responder, writing
/// responses, keep-alive and deadlines. It lives on one event loop and is touched only there.
/// Requests on a connection are answered strictly in order; a pipelined request waits in the input
/// buffer until the previous response has been written.
final class Connection: EventSource {
    private enum State {
        case handshaking
        /// Waiting for (the rest of) a request.
        case reading
        /// A request is with a handler; reading is paused.
        case dispatched
        /// A response is being written.
        case writing
        case closed
    }

    /// Which deadline is running, so that a timeout gets the right treatment.
    private enum Deadline {
        case handshake, idle, head, body, response, write
    }

    /// Bytes per `SSL_read`: one TLS record's worth of plaintext.
    static let readChunkBytes = 16 * 1024
    private static let continueBytes = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    private let descriptor: Int32
    private let session: TLSSession
    private unowned let loop: EventLoop
    private let core: ServerCore
    private let serial: UInt64

    private var state = State.handshaking
    private var input = InputBuffer()
    private var parser: RequestParser
    private var output: [UInt8] = []
    private var outputIndex = 0
    private var keepAlive = true
    private var wantsWrite = false
    private var peer: PeerIdentity?
    private var deadline: ContinuousClock.Instant
    private var deadlineKind = Deadline.handshake
    private var currentRequestSerial: UInt64 = 0
    private var currentRequestID: String?
    private var currentMethod: String?
    private var interest: UInt32 = kp_EPOLLIN

    init(descriptor: Int32, session: TLSSession, loop: EventLoop, core: ServerCore) {
        self.descriptor = descriptor
        self.session = session
        self.loop = loop
        self.core = core
        self.serial = core.nextSerial()
        self.parser = RequestParser(limits: core.limits.parseLimits)
        self.deadline = .now + .seconds(core.limits.headerTimeoutSeconds)
    }

    // MARK: Events

    func handle(events: UInt32) {
        if events & (kp_EPOLLERR | kp_EPOLLHUP) != 0 && state != .handshaking {
            close()
            return
        }
        drive()
    }

    func tick(now: ContinuousClock.Instant) {
        guard state != .closed, now >= deadline else { return }
        switch deadlineKind {
        case .handshake:
            core.metrics.recordHandshakeFailure(reason: HandshakeFailureReason.timeout.rawValue)
            close()
        case .idle, .write:
            close()
        case .head, .body:
            keepAlive = false
            send(core.responder.transportProblem(
                Problem(status: .requestTimeout, code: "request-timeout",
                        detail: "The request did not arrive completely within the time limit."),
                method: nil, peer: peer, started: now))
            drive()
        case .response:
            // The handler is still running; its late result will be dropped because the serial changes.
            currentRequestSerial = 0
            keepAlive = false
            send(core.responder.transportProblem(
                .serviceUnavailable("The request took longer than the node allows.", retryAfterSeconds: 1),
                method: currentMethod, requestID: currentRequestID, peer: peer, started: now))
            drive()
        }
    }

    /// Called on the loop when the server starts draining: idle connections close now, busy ones
    /// after their current response.
    func beginDraining() {
        keepAlive = false
        if state == .handshaking || (state == .reading && input.isEmpty) {
            close()
        }
    }

    /// Delivers a worker's response. Ignored when the connection moved on (timed out, closed, or
    /// the descriptor now belongs to another connection).
    func complete(requestSerial: UInt64, response: Response, omitBody: Bool) {
        guard state == .dispatched, requestSerial == currentRequestSerial else { return }
        send(response, omitBody: omitBody)
        drive()
    }

    var connectionSerial: UInt64 { serial }

    // MARK: State machine

    /// Requests served per readiness event before the connection yields the loop to others; a
    /// client pipelining without end cannot monopolise its loop.
    private static let requestsPerTurn = 16

    /// Advances the connection as far as it can go without blocking: handshake, read, parse,
    /// dispatch, write, and again for pipelined requests. Iterative, so a long pipeline never
    /// deepens the stack.
    private func drive() {
        var requestsServed = 0
        while true {
            switch state {
            case .handshaking:
                guard handshake() else { return updateInterest() }
            case .reading:
                guard outputIndex >= output.count || flush() else { return updateInterest() }
                switch parseNext() {
                case .dispatched:
                    requestsServed += 1
                case .needMore:
                    guard readOnce() else { return updateInterest() }
                case .failed:
                    break
                }
            case .writing:
                guard flush() else { return updateInterest() }
                finishResponse()
                if requestsServed >= Self.requestsPerTurn && state == .reading {
                    yieldTurn()
                    return updateInterest()
                }
            case .dispatched, .closed:
                return updateInterest()
            }
        }
    }

    /// Lets other connections on the loop run, then continues with this one.
    private func yieldTurn() {
        let loop = self.loop
        let descriptor = self.descriptor
        let connectionSerial = serial
        loop.execute {
            guard let connection = loop.source(for: descriptor) as? Connection,
                  connection.connectionSerial == connectionSerial else { return }
            connection.drive()
        }
    }

    /// Returns true when the handshake finished and the connection moved on to reading.
    private func handshake() -> Bool {
        switch session.handshake() {
        case .done:
            core.metrics.recordHandshake()
            peer = session.peerIdentity()
            state = .reading
            setDeadline(.idle)
            if core.isDraining.load(ordering: .relaxed) { keepAlive = false }
            return true
        case .wantRead:
            wantsWrite = false
        case .wantWrite:
            wantsWrite = true
        case .closed:
            core.metrics.recordHandshakeFailure(reason: HandshakeFailureReason.connectionClosed.rawValue)
            close()
        case .failed(let reason):
            core.metrics.recordHandshakeFailure(reason: reason.rawValue)
            if reason == .plainHTTP { answerPlainHTTP() }
            close()
        }
        return false
    }

    /// One `SSL_read` into the input buffer; true when bytes arrived. Reading happens only while
    /// no request is dispatched; what arrives meanwhile waits in OpenSSL's and the kernel's buffers.
    private func readOnce() -> Bool {
        let scratch = loop.readScratch
        switch session.read(into: scratch) {
        case .done(let count):
            input.append(UnsafeRawBufferPointer(rebasing: scratch[0..<count]))
            return true
        case .wantRead:
            wantsWrite = false
        case .wantWrite:
            wantsWrite = true
        case .closed, .failed:
            close()
        }
        return false
    }

    private enum ParseOutcome {
        case dispatched, needMore, failed
    }

    /// Parses what the buffer holds and dispatches the first complete request.
    private func parseNext() -> ParseOutcome {
        do {
            if let request = try parser.next(from: &input) {
                dispatch(request)
                return .dispatched
            }
        } catch {
            keepAlive = false
            send(core.responder.transportProblem(Self.problem(for: error), method: nil, peer: peer, started: .now))
            return .failed
        }
        if parser.takeContinueRequest() {
            output.append(contentsOf: Self.continueBytes)
        }
        if parser.isReadingBody {
            if deadlineKind != .body { setDeadline(.body) }
        } else if !input.isEmpty && deadlineKind == .idle {
            setDeadline(.head)
        }
        return .needMore
    }

    private func dispatch(_ parsed: ParsedRequest) {
        state = .dispatched
        let started = ContinuousClock.now
        if !parsed.head.keepAlive || core.isDraining.load(ordering: .relaxed) { keepAlive = false }
        let requestDeadline = started + .seconds(core.limits.requestTimeoutSeconds)
        deadline = requestDeadline
        deadlineKind = .response
        currentRequestSerial = core.nextSerial()
        currentMethod = parsed.head.method
        let omitBody = parsed.head.method == "HEAD"
        switch core.responder.dispatch(parsed, peer: peer, deadline: requestDeadline, started: started) {
        case .respond(let response):
            currentRequestID = response.headers["X-Request-Id"]
            send(response, omitBody: omitBody)
        case .handle(let route, let request) where route.execution == .eventLoop && route.isImmediate:
            currentRequestID = request.id
            send(core.responder.run(route, request, started: started), omitBody: omitBody)
        case .handle(let route, let request):
            currentRequestID = request.id
            let responder = core.responder
            let loop = self.loop
            let descriptor = self.descriptor
            let connectionSerial = serial
            let requestSerial = currentRequestSerial
            let deliver: @Sendable (@escaping @Sendable () -> Response) -> Void = { makeResponse in
                loop.execute {
                    // Made even when the connection has gone, so the request is still logged and counted.
                    let response = makeResponse()
                    guard let connection = loop.source(for: descriptor) as? Connection,
                          connection.connectionSerial == connectionSerial else { return }
                    connection.complete(requestSerial: requestSerial, response: response, omitBody: omitBody)
                }
            }
            if responder.startWithoutBlocking(route, request, started: started, deliver: deliver) { return }
            let accepted = core.workers.submit {
                responder.start(route, request, started: started, deliver: deliver)
            }
            if !accepted {
                send(core.responder.transportProblem(
                    .serviceUnavailable("The node is busy; try again shortly.", retryAfterSeconds: 1),
                    method: request.method, requestID: request.id, peer: peer, started: started), omitBody: omitBody)
            }
        }
    }

    /// Queues a response; `drive` writes it.
    private func send(_ response: Response, omitBody: Bool = false) {
        if core.isDraining.load(ordering: .relaxed) { keepAlive = false }
        output.append(contentsOf: ResponseSerializer.serialize(response, keepAlive: keepAlive, omitBody: omitBody))
        state = .writing
        setDeadline(.write)
    }

    /// Writes buffered output; true when all of it went out.
    private func flush() -> Bool {
        while outputIndex < output.count {
            let result = output.withUnsafeBytes { session.write(UnsafeRawBufferPointer(rebasing: $0[outputIndex...])) }
            switch result {
            case .done(let count):
                outputIndex += count
            case .wantWrite:
                wantsWrite = true
                return false
            case .wantRead:
                wantsWrite = false
                return false
            case .closed, .failed:
                close()
                return false
            }
        }
        output.removeAll(keepingCapacity: output.capacity <= Self.readChunkBytes)
        outputIndex = 0
        wantsWrite = false
        return true
    }

    private func finishResponse() {
        guard keepAlive else {
            close()
            return
        }
        state = .reading
        currentRequestID = nil
        currentMethod = nil
        setDeadline(.idle)
    }

    private func updateInterest() {
        guard state != .closed else { return }
        let wanted: UInt32 = state == .dispatched ? 0 : (wantsWrite ? kp_EPOLLOUT : kp_EPOLLIN)
        guard wanted != interest else { return }
        interest = wanted
        loop.modify(descriptor, events: wanted)
    }

    private func setDeadline(_ kind: Deadline) {
        deadlineKind = kind
        let seconds = switch kind {
        case .handshake, .head: core.limits.headerTimeoutSeconds
        case .idle: core.limits.idleTimeoutSeconds
        case .body: core.limits.bodyTimeoutSeconds
        case .response: core.limits.requestTimeoutSeconds
        case .write: core.limits.writeTimeoutSeconds
        }
        deadline = .now + .seconds(seconds)
    }

    /// A plain-HTTP request on the TLS port gets a plain-text answer, as nginx gives, so that the
    /// mistake is obvious to whoever made it; then the connection closes.
    private func answerPlainHTTP() {
        let body = "This port speaks HTTPS only.\n"
        let reply = Array(("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: \(body.utf8.count)\r\n"
            + "Connection: close\r\n\r\n" + body).utf8)
        _ = reply.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
    }

    private func close() {
        guard state != .closed else { return }
        if state != .handshaking { session.shutdown() }
        state = .closed
        loop.unregister(descriptor)
        Glibc.close(descriptor)
        core.metrics.openConnections.wrappingSubtract(1, ordering: .relaxed)
    }

    private static func problem(for error: HTTPParseError) -> Problem {
        switch error {
        case .headTooLarge:
            Problem(status: .requestHeaderFieldsTooLarge, code: "headers-too-large",
                    detail: "The request line and headers exceed the node's limit.")
        case .bodyTooLarge:
            Problem(status: .contentTooLarge, code: "body-too-large", detail: "The request body exceeds the node's limit.")
        case .malformed(let reason):
            Problem(status: .badRequest, code: "malformed-request", detail: "The request is not valid HTTP/1.1: \(reason).")
        case .unsupportedVersion:
            Problem(status: .httpVersionNotSupported, code: "http-version", detail: "Only HTTP/1.0 and HTTP/1.1 are served.")
        case .unsupportedTransferCoding:
            Problem(status: .notImplemented, code: "transfer-coding", detail: "Only the chunked transfer coding is supported.")
        }
    }
}
