import Foundation

/// The OpenAPI documents from `specs/`, read once at start-up and served from memory at
/// `/api/<component>/v1/openapi.json`. A node that cannot find them refuses to start rather than
/// serve a component without its contract.
public struct OpenAPIDocuments: Sendable {
    public let directory: String
    private let documents: [String: [UInt8]]

    /// Loads `<component>.openapi.json` for each component from `directory`, checking that each is JSON.
    public init(directory: String, components: [String]) throws(OpenAPIDocumentsError) {
        var documents: [String: [UInt8]] = [:]
        for component in components {
            let path = (directory as NSString).appendingPathComponent("\(component).openapi.json")
            guard let data = FileManager.default.contents(atPath: path) else { throw .missing(path: path) }
            guard (try? JSONSerialization.jsonObject(with: data)) is [String: Any] else { throw .invalid(path: path) }
            documents[component] = Array(data)
        }
        self.directory = directory
        self.documents = documents
    }

    public func document(for component: String) -> [UInt8]? { documents[component] }

    /// Where to look when no directory is configured: `$KNOOPPUNT_SPECS`, then `specs` beside the
    /// executable, then `../share/knooppunt/specs` (an installed layout), then the `specs` folder of
    /// the source checkout the executable was built in (`.build/<triple>/<configuration>/knooppunt`).
    public static func defaultDirectory(executablePath: String) -> String? {
        if let configured = ProcessInfo.processInfo.environment["KNOOPPUNT_SPECS"], !configured.isEmpty {
            return configured
        }
        let executableDirectory = URL(fileURLWithPath: executablePath).resolvingSymlinksInPath().deletingLastPathComponent()
        var candidates = [
            executableDirectory.appendingPathComponent("specs"),
            executableDirectory.appendingPathComponent("../share/knooppunt/specs"),
        ]
        var ancestor = executableDirectory
        for _ in 0..<4 {
            ancestor = ancestor.deletingLastPathComponent()
            candidates.append(ancestor.appendingPathComponent("specs"))
        }
        return candidates.map(\.standardizedFileURL.path).first { path in
            FileManager.default.fileExists(atPath: (path as NSString).appendingPathComponent("node.openapi.json"))
        }
    }
}

public enum OpenAPIDocumentsError: Error, CustomStringConvertible, Sendable {
    case missing(path: String)
    case invalid(path: String)

    public var description: String {
        switch self {
        case .missing(let path): "OpenAPI document \(path) not found (set --specs or KNOOPPUNT_SPECS to the specs/ folder)"
        case .invalid(let path): "OpenAPI document \(path) is not a JSON object"
        }
    }
}
