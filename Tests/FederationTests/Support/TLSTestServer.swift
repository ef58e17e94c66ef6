import Foundation

/// `Servers/tls_server.py` running as a real mutual-TLS HTTPS server on 127.0.0.1 with a port
/// the kernel chose. It exits when this object goes away (its stdin closes).
final class TLSTestServer {
    let port: Int
    private let process: Process
    private let input: Pipe

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Servers/tls_server.py").path

    init(certificatePath: String, keyPath: String, trustAnchorPath: String) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.script, "--cert", certificatePath, "--key", keyPath, "--ca", trustAnchorPath]
        let output = Pipe()
        input = Pipe()
        process.standardOutput = output
        process.standardInput = input
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        let handle = output.fileHandleForReading
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            process.terminate()
            throw TLSTestServerError.didNotStart
        }
        self.port = port
    }

    var baseURL: String { "https://127.0.0.1:\(port)" }

    deinit {
        try? input.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }
}

enum TLSTestServerError: Error {
    case didNotStart
}

/// A loopback port held for the test's life, so no other test can take it. Not listening, a
/// connection to it is refused at once; listening but never accepting, the kernel completes
/// the TCP handshake and then nothing ever answers, as a hung peer's TLS handshake.
final class LoopbackPort {
    let port: Int
    private let socketDescriptor: Int32

    init(listening: Bool) throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        socketDescriptor = descriptor
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(descriptor, generic, length) == 0 && getsockname(descriptor, generic, &length) == 0
            }
        }
        guard bound, !listening || listen(descriptor, 8) == 0 else {
            close(descriptor)
            throw TLSTestServerError.didNotStart
        }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(socketDescriptor) }
}
