import Foundation
import Glibc
import Synchronization

/// Severity levels in swift-log's order.
public enum LogLevel: Int, Sendable, Comparable, CaseIterable {
    case trace, debug, info, notice, warning, error, critical

    public var name: String {
        switch self {
        case .trace: "trace"
        case .debug: "debug"
        case .info: "info"
        case .notice: "notice"
        case .warning: "warning"
        case .error: "error"
        case .critical: "critical"
        }
    }

    public init?(name: String) {
        guard let level = LogLevel.allCases.first(where: { $0.name == name }) else { return nil }
        self = level
    }

    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A metadata value: strings and numbers only, so nothing structured (a header map, a key) can be
/// logged by accident.
public enum LogValue: Sendable, Equatable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    case string(String)
    case integer(Int)
    case double(Double)

    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .integer(value) }
}

/// Where log lines go. Tests capture them; the node writes to stderr.
public protocol LogSink: Sendable {
    /// One complete line, newline included.
    func write(line: [UInt8])
}

/// Writes each line with one `write(2)` call, so lines from several threads never interleave.
///
/// A line of at most `PIPE_BUF` bytes (4096; a request's line is about 300) is written without a
/// lock: POSIX makes such a write to a pipe atomic, and Linux serialises writes to one open file,
/// so it lands whole either way. Holding a lock across the system call made every worker queue
/// behind the one writing, and on a few cores the waiters spun: a quarter of the node's CPU under
/// load went to that lock. Longer lines, which the kernel may split, and the rest of a line that
/// a full disk cut short, still go out under the lock.
public final class StandardErrorSink: LogSink {
    private let lock = Mutex(())

    public init() {}

    public func write(line bytes: [UInt8]) {
        var offset = 0
        if bytes.count <= Int(PIPE_BUF) {
            let written = bytes.withUnsafeBytes { Glibc.write(STDERR_FILENO, $0.baseAddress, $0.count) }
            // A full or closed stderr must not take the node down; the line is dropped.
            if written <= 0 || written == bytes.count { return }
            offset = written
        }
        lock.withLock { _ in
            bytes.withUnsafeBytes { buffer in
                while offset < buffer.count {
                    let written = Glibc.write(STDERR_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
                    if written <= 0 { return }
                    offset += written
                }
            }
        }
    }
}

/// A structured logger in swift-log's shape: a constant message plus metadata, one JSON object
/// per line. It has no way to log a header map or a request body, which is how keys stay out of logs.
public struct Logger: Sendable {
    public let label: String
    public let minimumLevel: LogLevel
    private let sink: any LogSink

    public init(label: String, minimumLevel: LogLevel = .info, sink: any LogSink = StandardErrorSink()) {
        self.label = label
        self.minimumLevel = minimumLevel
        self.sink = sink
    }

    public func log(_ level: LogLevel, _ message: @autoclosure () -> String, _ metadata: [(String, LogValue)] = []) {
        guard level >= minimumLevel else { return }
        var line = JSONText()
        line.appendRaw("{\"time\":")
        line.appendQuoted(RFC3339.string(from: Date()))
        line.appendRaw(",\"level\":")
        line.appendQuoted(level.name)
        line.appendRaw(",\"component\":")
        line.appendQuoted(label)
        line.appendRaw(",\"msg\":")
        line.appendQuoted(message())
        for (key, value) in metadata {
            line.appendRaw(",")
            line.appendQuoted(key)
            line.appendRaw(":")
            switch value {
            case .string(let text): line.appendQuoted(text)
            case .integer(let number): line.appendRaw(String(number))
            case .double(let number): line.appendRaw(number.isFinite ? String(number) : "null")
            }
        }
        line.appendRaw("}\n")
        sink.write(line: line.bytes)
    }

    public func debug(_ message: @autoclosure () -> String, _ metadata: [(String, LogValue)] = []) {
        log(.debug, message(), metadata)
    }

    public func info(_ message: @autoclosure () -> String, _ metadata: [(String, LogValue)] = []) {
        log(.info, message(), metadata)
    }

    public func warning(_ message: @autoclosure () -> String, _ metadata: [(String, LogValue)] = []) {
        log(.warning, message(), metadata)
    }

    public func error(_ message: @autoclosure () -> String, _ metadata: [(String, LogValue)] = []) {
        log(.error, message(), metadata)
    }
}

/// A JSON text built as bytes. Quoting copies runs that need no escape in one go: log lines are
/// written for every request, and character-by-character appends dominated their cost.
struct JSONText {
    private(set) var bytes: [UInt8] = []

    init() {
        bytes.reserveCapacity(512)
    }

    mutating func appendRaw(_ text: String) {
        bytes.appendUTF8(text)
    }

    /// RFC 8259 quoting: quotes, backslashes and control characters escaped.
    mutating func appendQuoted(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var utf8 = text.utf8
        if utf8.withContiguousStorageIfAvailable({ append(escaping: $0) }) == nil {
            var copy = text
            copy.makeContiguousUTF8()
            utf8 = copy.utf8
            _ = utf8.withContiguousStorageIfAvailable { append(escaping: $0) }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func append(escaping text: UnsafeBufferPointer<UInt8>) {
        var runStart = 0
        for index in 0..<text.count {
            let byte = text[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[runStart..<index]))
            switch byte {
            case UInt8(ascii: "\""): appendRaw("\\\"")
            case UInt8(ascii: "\\"): appendRaw("\\\\")
            case UInt8(ascii: "\n"): appendRaw("\\n")
            case UInt8(ascii: "\r"): appendRaw("\\r")
            case UInt8(ascii: "\t"): appendRaw("\\t")
            default:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: Array("\\u00".utf8))
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0x0f)])
            }
            runStart = index + 1
        }
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[runStart..<text.count]))
    }
}
