/// Why a request could not be parsed. Each case maps to the status the client gets before the
/// connection is closed; the parser is not reusable after one, because framing is lost.
public enum HTTPParseError: Error, Equatable, Sendable {
    /// The head outgrew `maxHeadBytes` or `maxHeaderCount` (trailer fields count too).
    case headTooLarge
    /// The declared `Content-Length` or the decoded chunked body outgrew `maxBodyBytes`, or the
    /// chunk framing outgrew the budget derived from it.
    case bodyTooLarge
    /// The request breaks RFC 9112. The reason is a fixed phrase, never input echoed back, so it is
    /// safe to show the client.
    case malformed(String)
    /// The version looks like `HTTP/x.y` but is neither 1.0 nor 1.1.
    case unsupportedVersion
    /// A `Transfer-Encoding` other than exactly `chunked`, which is the only coding we decode.
    case unsupportedTransferCoding

    public var status: Int {
        switch self {
        case .headTooLarge: 431
        case .bodyTooLarge: 413
        case .malformed: 400
        case .unsupportedVersion: 505
        case .unsupportedTransferCoding: 501
        }
    }
}
