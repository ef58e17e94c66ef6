import Foundation
import Synchronization

/// Certificates made by `knooppunt pki` once per test run and shared by every test: the
/// federation CA, a member client certificate, and a foreign CA with its own "member".
struct TestPKI: Sendable {
    let directory: URL
    let caDirectory: URL
    let memberCertificate: String
    let memberKey: String
    let foreignCertificate: String
    let foreignKey: String

    var trustAnchor: String { caDirectory.appendingPathComponent("ca.crt").path }

    static let memberOIN = "00000001000000637000"

    private static let cached = Mutex<TestPKI?>(nil)

    static func shared() throws -> TestPKI {
        try cached.withLock { cached in
            if let cached { return cached }
            let made = try TestPKI()
            cached = made
            return made
        }
    }

    private init() throws {
        directory = Paths.temporaryDirectory("pki")
        caDirectory = directory.appendingPathComponent("ca")
        let foreignDirectory = directory.appendingPathComponent("foreign-ca")
        try Self.check(Run.knooppunt(["pki", "init-ca", "--dir", caDirectory.path, "--name", "Test Federation CA"]))
        try Self.check(Run.knooppunt(["pki", "init-ca", "--dir", foreignDirectory.path, "--name", "Foreign CA"]))
        let member = directory.appendingPathComponent("zoetermeer").path
        try Self.check(Run.knooppunt(["pki", "issue", "--ca", caDirectory.path, "--oin", Self.memberOIN,
                                      "--name", "Zoetermeer", "--out", member]))
        let foreign = directory.appendingPathComponent("impostor").path
        try Self.check(Run.knooppunt(["pki", "issue", "--ca", foreignDirectory.path, "--oin", Self.memberOIN,
                                      "--name", "Zoetermeer", "--out", foreign]))
        memberCertificate = member + ".crt"
        memberKey = member + ".key"
        foreignCertificate = foreign + ".crt"
        foreignKey = foreign + ".key"
    }

    /// Initialises a node data folder with a certificate from the test CA.
    func initNode(name: String = "Heerlen", oin: String = "00000001000000917000", cbs: String = "0917",
                  extraArguments: [String] = [], configure: ((inout [String: Any]) -> Void)? = nil) throws -> URL {
        let data = Paths.temporaryDirectory("node").appendingPathComponent("data")
        try Self.check(Run.knooppunt(["init", "--data", data.path, "--name", name, "--oin", oin, "--cbs", cbs,
                                      "--ca", caDirectory.path] + extraArguments))
        if let configure {
            let configURL = data.appendingPathComponent("config.json")
            var config = try JSONSerialization.jsonObject(with: Data(contentsOf: configURL)) as! [String: Any]
            configure(&config)
            try JSONSerialization.data(withJSONObject: config).write(to: configURL)
        }
        return data
    }

    static func check(_ result: CommandResult) throws {
        guard result.status == 0 else { throw HarnessError.commandFailed(result.errors) }
    }
}
