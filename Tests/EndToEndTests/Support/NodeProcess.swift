import Foundation
import Synchronization

/// A real `knooppunt serve` process on 127.0.0.1 with a port the kernel chose. Its log lines are
/// collected as they arrive so tests can wait for, and assert on, what the node logged.
final class NodeProcess: Sendable {
    let dataDirectory: URL
    let port: Int
    private let process: Process
    private let log = LineCollector()
    private let exited = DispatchSemaphore(value: 0)

    /// Starts the node and returns once it logged its listening address.
    init(dataDirectory: URL, timeout: Duration = .seconds(20)) throws {
        self.dataDirectory = dataDirectory
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Paths.binary)
        process.arguments = ["serve", "--data", dataDirectory.path, "--listen", "127.0.0.1:0", "--specs", Paths.specs]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        let log = self.log
        let exited = self.exited
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
        let handle = errors.fileHandleForReading
        Thread.detachNewThread {
            var pending = Data()
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                pending.append(chunk)
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                    pending.removeSubrange(pending.startIndex...newline)
                    log.append(line)
                }
            }
            log.append(nil)
        }
        self.process = process
        let giveUp = ContinuousClock.now + timeout
        var found: Int?
        while found == nil && ContinuousClock.now < giveUp && process.isRunning {
            log.waitForLine(seconds: 0.2)
            found = log.lines.lazy.compactMap(Self.listeningPort).first
        }
        guard let found else {
            process.terminate()
            throw HarnessError.nodeDidNotStart(log.lines.joined(separator: "\n"))
        }
        port = found
    }

    var logLines: [String] { log.lines }

    var baseURL: String { "https://127.0.0.1:\(port)" }

    var isRunning: Bool { process.isRunning }

    /// Sends a signal (SIGTERM by default) and waits for the process to exit; returns its status.
    @discardableResult
    func stop(signal: Int32 = SIGTERM, timeout: TimeInterval = 30) -> Int32? {
        if process.isRunning { kill(process.processIdentifier, signal) }
        guard exited.wait(timeout: .now() + timeout) == .success else { return nil }
        exited.signal()
        return process.terminationStatus
    }

    var pid: Int32 { process.processIdentifier }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    private static func listeningPort(_ line: String) -> Int? {
        guard line.contains(#""msg":"listening""#),
              let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
              let address = object["address"] as? String,
              let portText = address.split(separator: ":").last
        else { return nil }
        return Int(portText)
    }
}

/// Lines read from a child's stderr, shared between the reading thread and the test.
final class LineCollector: Sendable {
    private let storage = Mutex<[String]>([])
    private let arrived = DispatchSemaphore(value: 0)

    /// Appends a line, or only wakes waiters when the stream ended (nil).
    func append(_ line: String?) {
        if let line { storage.withLock { $0.append(line) } }
        arrived.signal()
    }

    func waitForLine(seconds: Double) {
        _ = arrived.wait(timeout: .now() + seconds)
    }

    var lines: [String] { storage.withLock { $0 } }
}
