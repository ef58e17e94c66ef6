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
    func write(line: String)
}

/// Writes each line with one `write(2)` call under a lock, so lines from several threads never interleave.
public final class StandardErrorSink: LogSink {
    private let lock = Mutex(())

    public init() {}

    public func write(line: String) {
        var bytes = Array(line.utf8)
        bytes.append(UInt8(ascii: "\n"))
        lock.withLock { _ in
            bytes.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = Glibc.write(STDERR_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
                    // A full or closed stderr must not take the node down; the line is dropped.
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
        var line = "{\"time\":"
        JSONText.appendQuoted(RFC3339.string(from: Date()), to: &line)
        line += ",\"level\":"
        JSONText.appendQuoted(level.name, to: &line)
        line += ",\"component\":"
        JSONText.appendQuoted(label, to: &line)
        line += ",\"msg\":"
        JSONText.appendQuoted(message(), to: &line)
        for (key, value) in metadata {
            line += ","
            JSONText.appendQuoted(key, to: &line)
            line += ":"
            switch value {
            case .string(let text): JSONText.appendQuoted(text, to: &line)
            case .integer(let number): line += String(number)
            case .double(let number): line += number.isFinite ? String(number) : "null"
            }
        }
        line += "}"
        sink.write(line: line)
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

/// JSON string quoting per RFC 8259: quotes, backslashes and control characters escaped.
enum JSONText {
    static func appendQuoted(_ text: String, to output: inout String) {
        output += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }
}
