/// The bounds `RequestParser` enforces while bytes arrive, so that a hostile client gets a 431 or
/// 413 before the server buffers or allocates more than these allow.
public struct HTTPParseLimits: Sendable, Equatable {
    /// Request line, field lines and the CRLF ending the head. The default, 16 KiB, is Node.js's
    /// `maxHeaderSize`.
    public var maxHeadBytes: Int
    /// Header fields in the head; chunked trailer fields count against it too. The default, 100,
    /// is Apache's `LimitRequestFields`.
    public var maxHeaderCount: Int
    /// Bytes of the decoded body. The default, 1 MiB, is nginx's `client_max_body_size`.
    public var maxBodyBytes: Int

    public init(maxHeadBytes: Int = 16 * 1024, maxHeaderCount: Int = 100, maxBodyBytes: Int = 1 << 20) {
        precondition(maxHeadBytes > 0, "a head needs at least one byte")
        precondition(maxHeaderCount >= 0, "a header count cannot be negative")
        precondition(maxBodyBytes >= 0, "a body size cannot be negative")
        self.maxHeadBytes = maxHeadBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxBodyBytes = maxBodyBytes
    }
}
