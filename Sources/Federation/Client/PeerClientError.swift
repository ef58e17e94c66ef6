/// Why a call to a peer produced no HTTP response. An HTTP error status is not an error here:
/// it is a response, and the caller decides what a 403 or 503 means for it.
public enum PeerClientError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The base URL or path cannot be called (not https, has a query, not absolute).
    case invalidURL(String)
    /// Setting up libcurl failed; a programming or installation error, not a peer's fault.
    case setup(step: String, code: Int, message: String)
    /// The transfer failed: `code` is the CURLcode, `message` libcurl's error buffer text.
    /// `attempts` counts tries, retries included.
    case transport(code: Int, message: String, attempts: Int)
    /// The peer's certificate chained to the trust anchor but is not the member the directory
    /// lists for this URL. The handshake was aborted, so no request byte reached the peer.
    case peerIdentityMismatch(url: String, expected: String, presented: String)
    /// The response body grew past the limit; the transfer was aborted there.
    case responseTooLarge(maxBytes: Int)
    /// The response head had more header lines or bytes than the limit.
    case responseHeadTooLarge(maxBytes: Int)
    /// The call was cancelled (the node is shutting down).
    case cancelled
    /// The caller's deadline passed before a response arrived.
    case deadlineExceeded(attempts: Int)

    public var description: String {
        switch self {
        case .invalidURL(let url):
            return "cannot call \(url): a peer URL is https://host[:port][/path] without query or fragment"
        case .setup(let step, let code, let message):
            return "libcurl set-up failed at \(step) (code \(code)): \(message)"
        case .transport(let code, let message, let attempts):
            return "transfer failed after \(attempts) attempt(s) (curl code \(code)): \(message)"
        case .peerIdentityMismatch(let url, let expected, let presented):
            return "\(url) presented the certificate of \(presented), but the directory lists \(expected) at that URL; "
                + "refused before sending anything"
        case .responseTooLarge(let maxBytes):
            return "the response body exceeded \(maxBytes) bytes; transfer aborted"
        case .responseHeadTooLarge(let maxBytes):
            return "the response head exceeded \(maxBytes) bytes or too many header lines; transfer aborted"
        case .cancelled:
            return "the call was cancelled"
        case .deadlineExceeded(let attempts):
            return "no response before the deadline (\(attempts) attempt(s))"
        }
    }
}
