import Foundation
import Synchronization

/// Runs a program to completion and captures its output.
struct CommandResult {
    let status: Int32
    let output: String
    let errors: String
}

enum Run {
    static func program(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> CommandResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read both pipes to the end before waiting, so a chatty child never blocks on a full pipe.
        let errorData = Mutex(Data())
        let errorsRead = DispatchSemaphore(value: 0)
        let errorHandle = errors.fileHandleForReading
        Thread.detachNewThread {
            let data = errorHandle.readDataToEndOfFile()
            errorData.withLock { $0 = data }
            errorsRead.signal()
        }
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        errorsRead.wait()
        process.waitUntilExit()
        return CommandResult(status: process.terminationStatus, output: String(decoding: outputData, as: UTF8.self),
                             errors: String(decoding: errorData.withLock { $0 }, as: UTF8.self))
    }

    static func knooppunt(_ arguments: [String]) throws -> CommandResult {
        try program(Paths.binary, arguments)
    }

    /// Runs a tool found on PATH (curl, openssl, python3).
    static func tool(_ name: String, _ arguments: [String]) throws -> CommandResult {
        try program("/usr/bin/env", [name] + arguments)
    }

    static func client(_ arguments: [String]) throws -> [String: Any] {
        let result = try tool("python3", [Paths.clients] + arguments)
        guard result.status == 0, let object = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any] else {
            throw HarnessError.clientFailed(result.errors + result.output)
        }
        return object
    }
}

enum HarnessError: Error, CustomStringConvertible {
    case clientFailed(String)
    case commandFailed(String)
    case nodeDidNotStart(String)

    var description: String {
        switch self {
        case .clientFailed(let text): "test client failed: \(text)"
        case .commandFailed(let text): "command failed: \(text)"
        case .nodeDidNotStart(let text): "node did not start: \(text)"
        }
    }
}
