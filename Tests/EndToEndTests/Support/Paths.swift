import Foundation

/// Where the end-to-end tests find the binary under test, the repository, and their helpers.
enum Paths {
    /// The repository root, from this file's location (Tests/EndToEndTests/Support/Paths.swift).
    static let repository: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `KNOOPPUNT_BINARY` when set (CI reuses one build), else the `knooppunt` built beside the test bundle.
    static let binary: String = {
        if let configured = ProcessInfo.processInfo.environment["KNOOPPUNT_BINARY"], !configured.isEmpty {
            return configured
        }
        let testExecutable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var directory = testExecutable.deletingLastPathComponent()
        // The test binary may sit inside a `.xctest` bundle folder.
        if directory.pathExtension == "xctest" { directory = directory.deletingLastPathComponent() }
        return directory.appendingPathComponent("knooppunt").path
    }()

    static let specs = repository.appendingPathComponent("specs").path
    static let clients = repository.appendingPathComponent("Tests/EndToEndTests/Clients/tls_clients.py").path
    static let ledgerLoad = repository.appendingPathComponent("Tests/EndToEndTests/Clients/ledger_load.py").path

    static func temporaryDirectory(_ label: String) -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("knooppunt-e2e-\(label)-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
