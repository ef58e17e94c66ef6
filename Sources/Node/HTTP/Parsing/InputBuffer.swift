/// Bytes read from a socket and not yet parsed.
///
/// Consuming from the front only moves `readIndex`, so taking pipelined requests off the front one
/// at a time costs what they hold, not what is buffered behind them. The consumed prefix is dropped
/// on the next append once it is at least half the storage, which keeps the copying amortised
/// constant per byte.
public struct InputBuffer: Sendable {
    /// Below this many consumed bytes a compaction copies more than it frees, so it waits.
    static let minCompactionBytes = 4 * 1024
    /// An idle keep-alive connection keeps at most this much capacity after a large request was
    /// consumed: thousands of idle connections must not each pin a megabyte.
    static let maxRetainedCapacityBytes = 64 * 1024

    private var storage: [UInt8] = []
    /// Index in `storage` of the first unconsumed byte; everything before it has been parsed.
    private var readIndex = 0

    public init() {}

    public var readableCount: Int { storage.count - readIndex }

    public var isEmpty: Bool { readableCount == 0 }

    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        compactIfWorthwhile()
        storage.append(contentsOf: bytes)
    }

    public mutating func append(contentsOf bytes: [UInt8]) {
        compactIfWorthwhile()
        storage.append(contentsOf: bytes)
    }

    public mutating func removeAll() {
        storage.removeAll(keepingCapacity: storage.capacity <= Self.maxRetainedCapacityBytes)
        readIndex = 0
    }

    /// The unconsumed byte `offset` bytes past the front.
    func peekByte(at offset: Int) -> UInt8 {
        precondition(offset >= 0, "peeking before the front of the buffer")
        precondition(offset < readableCount, "peeking past the end of the buffer")
        return storage[readIndex + offset]
    }

    /// Consumes `count` bytes from the front and returns them.
    mutating func readBytes(count: Int) -> [UInt8] {
        let bytes = Array(storage[readIndex..<(readIndex + count)])
        moveReadIndex(forwardBy: count)
        return bytes
    }

    /// Consumes `count` bytes from the front into `destination`, without an intermediate array.
    mutating func readBytes(count: Int, appendingTo destination: inout [UInt8]) {
        destination.append(contentsOf: storage[readIndex..<(readIndex + count)])
        moveReadIndex(forwardBy: count)
    }

    /// Consumes `count` bytes from the front without copying them, for CRLFs already checked by peeking.
    mutating func moveReadIndex(forwardBy count: Int) {
        precondition(count >= 0, "the read index only moves forward")
        precondition(count <= readableCount, "consuming more bytes than the buffer holds")
        readIndex += count
    }

    private mutating func compactIfWorthwhile() {
        if readIndex == storage.count {
            removeAll()
        } else if readIndex >= Self.minCompactionBytes, readIndex * 2 >= storage.count {
            storage.removeSubrange(..<readIndex)
            readIndex = 0
        }
    }
}
