import CCurl
import Foundation
import Schemas

/// Calls one peer at one base URL over mutual TLS, as the member the directory lists there.
///
/// A client owns one libcurl handle, so its calls reuse one kept-alive TLS connection, and it is
/// bound to the thread that uses it: a directory refresher or a sync puller makes its own
/// clients on its own thread. Calls block (that thread is ours, never a `Task`'s). Calls that may
/// be repeated are retried on transport failures and on 429/502/503/504, with exponential
/// backoff and jitter, a bounded number of times and never past the caller's deadline.
public final class PeerClient {
    /// Statuses that say "try again later" rather than "no".
    static let retryableStatuses: Set<Int> = [429, 502, 503, 504]
    /// Transfer failures that may pass on their own: no connection, a reset or timeout, a
    /// handshake cut short. A refused certificate (CURLE_PEER_FAILED_VERIFICATION), a bad URL or
    /// our own files failing to load are final.
    static let retryableCodes: Set<UInt32> = [
        CURLE_COULDNT_RESOLVE_HOST.rawValue, CURLE_COULDNT_CONNECT.rawValue, CURLE_OPERATION_TIMEDOUT.rawValue,
        CURLE_SEND_ERROR.rawValue, CURLE_RECV_ERROR.rawValue, CURLE_GOT_NOTHING.rawValue,
        CURLE_PARTIAL_FILE.rawValue, CURLE_SSL_CONNECT_ERROR.rawValue,
    ]

    public let baseURL: String
    public let expectation: PeerExpectation
    private let tls: PeerTLSFiles
    private let limits: PeerClientLimits
    private let cancellation: CancellationSignal
    private let easy: CurlEasy
    private let check: PeerCertificateCheck

    /// Attempts made by the last call, retries included.
    public private(set) var lastCallAttempts = 0
    /// New connections the last call's final attempt opened: 0 when it reused one.
    public private(set) var lastCallNewConnections = 0

    /// - Parameters:
    ///   - baseURL: `https://host[:port]` with an optional path prefix, no trailing slash.
    ///   - cancellation: stops calls in flight and waits between retries (node shutdown).
    public init(baseURL: String, expecting expectation: PeerExpectation, tls: PeerTLSFiles,
                limits: PeerClientLimits = PeerClientLimits(), cancellation: CancellationSignal = CancellationSignal())
        throws(PeerClientError)
    {
        guard Self.isValidBaseURL(baseURL) else { throw .invalidURL(baseURL) }
        self.baseURL = baseURL
        self.expectation = expectation
        self.tls = tls
        self.limits = limits
        self.cancellation = cancellation
        self.easy = try CurlEasy()
        self.check = PeerCertificateCheck(expectation: expectation)
    }

    /// `GET path`, with any extra headers (`If-None-Match`).
    public func get(_ path: String, headers: [(String, String)] = [], deadline: ContinuousClock.Instant? = nil)
        throws(PeerClientError) -> PeerResponse
    {
        try send(PeerRequest(method: "GET", path: path, headers: headers), deadline: deadline)
    }

    /// Sends `request`, retrying as described on the type, and returns the final response
    /// whatever its status. Without a deadline, one attempt's timeout bounds each try.
    public func send(_ request: PeerRequest, deadline: ContinuousClock.Instant? = nil) throws(PeerClientError) -> PeerResponse {
        guard request.path.hasPrefix("/"), !request.path.contains("#"),
              !request.path.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7f }) else {
            throw .invalidURL(baseURL + request.path)
        }
        // A CR or LF in a header would let a value start a header of its own.
        for (name, value) in request.headers where name.isEmpty || (name + value).contains(where: \.isNewline) {
            throw .invalidURL("header \(name) carries a line break")
        }
        let maxAttempts = request.isRepeatable ? max(limits.maxAttempts, 1) : 1
        var attempt = 0
        while true {
            attempt += 1
            lastCallAttempts = attempt
            guard !cancellation.isCancelled else { throw .cancelled }
            let timeout = try attemptTimeoutMilliseconds(deadline: deadline, attemptsSoFar: attempt - 1)
            let outcome = easy.perform(CurlEasy.Transfer(
                url: baseURL + request.path, request: request,
                connectTimeoutMilliseconds: min(limits.connectTimeoutMilliseconds, timeout), timeoutMilliseconds: timeout,
                limits: limits, tls: tls, check: check, cancellation: cancellation))
            lastCallNewConnections = easy.lastNewConnectionCount
            let mayRetry = attempt < maxAttempts
            switch outcome {
            case .response(let response):
                guard mayRetry, Self.retryableStatuses.contains(response.status),
                      let wait = waitBeforeRetry(attempt: attempt, retryAfter: response.header("Retry-After"), deadline: deadline)
                else { return response }
                guard cancellation.sleep(milliseconds: wait) else { throw .cancelled }
            case .failed(let code, let message, let sink):
                let error = classify(code: code, message: message, sink: sink, attempts: attempt)
                guard case .transport = error, mayRetry, Self.retryableCodes.contains(code.rawValue),
                      let wait = waitBeforeRetry(attempt: attempt, retryAfter: nil, deadline: deadline)
                else { throw error }
                guard cancellation.sleep(milliseconds: wait) else { throw .cancelled }
            }
        }
    }

    /// One attempt's time: the per-attempt limit, cut to what is left before the deadline.
    private func attemptTimeoutMilliseconds(deadline: ContinuousClock.Instant?, attemptsSoFar: Int) throws(PeerClientError) -> Int {
        guard let deadline else { return limits.attemptTimeoutMilliseconds }
        let left = Self.milliseconds(deadline - ContinuousClock.now)
        guard left > 0 else { throw .deadlineExceeded(attempts: attemptsSoFar) }
        return min(limits.attemptTimeoutMilliseconds, left)
    }

    /// The wait before the next attempt, or nil when none should follow: the backoff ceiling
    /// doubles per retry, the wait is half of it plus up to the other half at random, a peer's
    /// `Retry-After` (seconds) is honoured when it is within the backoff limit, and no wait may
    /// run past the deadline.
    private func waitBeforeRetry(attempt: Int, retryAfter: String?, deadline: ContinuousClock.Instant?) -> Int? {
        var random = SystemRandomNumberGenerator()
        var wait = limits.jitteredWaitMilliseconds(retry: attempt, using: &random)
        if let retryAfter, let seconds = Int(retryAfter.trimmingCharacters(in: .whitespaces)), seconds >= 0 {
            let requested = seconds.multipliedReportingOverflow(by: 1000)
            guard !requested.overflow, requested.partialValue <= limits.maxBackoffMilliseconds else { return nil }
            wait = max(wait, requested.partialValue)
        }
        if let deadline, Self.milliseconds(deadline - ContinuousClock.now) <= wait { return nil }
        return wait
    }

    /// Turns a failed transfer into the error that says why, most specific first.
    private func classify(code: CURLcode, message: String, sink: ResponseSink, attempts: Int) -> PeerClientError {
        if let presented = check.refusedPresentation {
            return .peerIdentityMismatch(url: baseURL, expected: "OIN \(expectation.oin)", presented: presented)
        }
        if sink.isBodyLimitExceeded || code == CURLE_FILESIZE_EXCEEDED { return .responseTooLarge(maxBytes: limits.maxResponseBytes) }
        if sink.isHeadLimitExceeded { return .responseHeadTooLarge(maxBytes: limits.maxResponseHeadBytes) }
        if code == CURLE_ABORTED_BY_CALLBACK && sink.isCancelled { return .cancelled }
        return .transport(code: Int(code.rawValue), message: message, attempts: attempts)
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }

    /// `https://host[:port][/prefix]`: no user info, query, fragment or trailing slash.
    public static func isValidBaseURL(_ text: String) -> Bool {
        guard let components = URLComponents(string: text), components.scheme?.lowercased() == "https",
              let host = components.host, !host.isEmpty, components.user == nil, components.password == nil,
              components.query == nil, components.fragment == nil, !text.hasSuffix("/") else { return false }
        return true
    }
}

@available(*, unavailable)
extension PeerClient: Sendable {}

extension PeerClient {
    /// A client for a directory member: its base URL, expecting its OIN and listed keys.
    public convenience init(member: DirectoryMember, tls: PeerTLSFiles, limits: PeerClientLimits = PeerClientLimits(),
                            cancellation: CancellationSignal = CancellationSignal()) throws(PeerClientError) {
        try self.init(baseURL: member.baseURL, expecting: member.expectation, tls: tls, limits: limits,
                      cancellation: cancellation)
    }
}
