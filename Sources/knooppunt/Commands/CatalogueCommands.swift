import Federation
import Foundation
import Node
import Schemas

/// Opens a node's database and signer the way `serve` does, for commands that write records.
struct NodeWriteContext {
    let configuration: NodeConfiguration
    let database: Database
    let signer: NodeKeySigner

    /// Runs `body` with the node's context; the database is closed again when it returns.
    static func withContext<T>(dataDirectory: String, _ body: (NodeWriteContext) throws -> T) throws -> T {
        let configuration = try NodeConfiguration.load(dataDirectory: dataDirectory)
        let signer = try NodeKeySigner(dataDirectory: dataDirectory, configuration: configuration)
        return try NodeAssembly.withDatabase(dataDirectory: dataDirectory) {
            try body(NodeWriteContext(configuration: configuration, database: $0, signer: signer))
        }
    }
}

/// `knooppunt solutions import --data DIR FILE`: a publiccode.yml file becomes a solution of
/// this node, written like an API create (change log, audit with actor `cli`).
struct SolutionsImportCommand: Command {
    static let path = ["solutions", "import"]
    static let summary = "import a publiccode.yml file as a solution of this node"
    static let options: [OptionSpec] = [.single("data", "DIR", "the node's data folder", required: true)]
    static let positionals = ["FILE"]

    let dataDirectory: String
    let file: String

    init(_ arguments: ParsedArguments) throws(UsageError) {
        dataDirectory = try arguments.required("data")
        file = arguments.positionals[0]
    }

    func run() throws -> Int32 {
        guard let data = FileManager.default.contents(atPath: file) else { throw CommandFailure("cannot read \(file)") }
        guard data.count <= SchemaLimits.maxYAMLBytes else {
            throw CommandFailure("\(file) is larger than \(SchemaLimits.maxYAMLBytes) bytes; publiccode.yml files are a few kilobytes")
        }
        try NodeWriteContext.withContext(dataDirectory: dataDirectory) { context in
            let draft: SolutionDraft
            switch PublicCode.solution(fromYAML: Array(data), organisation: context.configuration.oin) {
            case .success(let decoded): draft = decoded
            case .failure(let failure):
                throw CommandFailure("\(file) cannot be imported:\n" + failure.issues.map { "  \($0.name) [\($0.code)]: \($0.reason)" }.joined(separator: "\n"))
            }
            let store = RecordStore<SolutionKind>(database: context.database, localOrigin: context.configuration.oin, signer: context.signer)
            let stored = try store.create(draft, by: WriteActor("cli"))
            print("imported \(draft.name.preferring(.en) ?? "solution") as /api/solutions/v1/solutions/\(stored.id)")
            print(stored.id)
        }
        return 0
    }
}

/// `knooppunt catalogue load-samples --data DIR [--file FILE]`: this node's share of the sample
/// federation, loaded idempotently.
struct CatalogueLoadSamplesCommand: Command {
    static let path = ["catalogue", "load-samples"]
    static let summary = "load the sample solutions, adoptions and knowledge entries whose origin is this node (idempotent)"
    static let options: [OptionSpec] = [
        .single("data", "DIR", "the node's data folder", required: true),
        .single("file", "FILE", "the sample federation (default: examples/sample-federation.json beside the specs)"),
    ]

    let dataDirectory: String
    let file: String

    init(_ arguments: ParsedArguments) throws(UsageError) {
        dataDirectory = try arguments.required("data")
        if let file = arguments.value("file") {
            self.file = file
        } else if let specs = OpenAPIDocuments.defaultDirectory(executablePath: CommandLine.arguments[0]) {
            file = ((specs as NSString).deletingLastPathComponent as NSString).appendingPathComponent("examples/sample-federation.json")
        } else {
            throw UsageError("cannot find examples/sample-federation.json; pass --file")
        }
    }

    func run() throws -> Int32 {
        guard let data = FileManager.default.contents(atPath: file) else { throw CommandFailure("cannot read \(file)") }
        let samples = try SampleCatalogue(bytes: Array(data))
        try NodeWriteContext.withContext(dataDirectory: dataDirectory) { context in
            let summary = try samples.load(database: context.database, localOrigin: context.configuration.oin, signer: context.signer)
            print("\(context.configuration.name): \(summary)")
        }
        return 0
    }
}

/// `knooppunt knowledge generate --data DIR --count N`: synthetic entries for benchmarks.
struct KnowledgeGenerateCommand: Command {
    static let path = ["knowledge", "generate"]
    static let summary = "write N synthetic knowledge entries (for benchmarks; deterministic per --seed)"
    static let options: [OptionSpec] = [
        .single("data", "DIR", "the node's data folder", required: true),
        .single("count", "N", "how many entries, 1 to 10000000", required: true),
        .single("seed", "SEED", "the content's seed (default 1)"),
    ]
    static let maxCount = 10_000_000

    let dataDirectory: String
    let count: Int
    let seed: UInt64

    init(_ arguments: ParsedArguments) throws(UsageError) {
        dataDirectory = try arguments.required("data")
        guard let count = Int(try arguments.required("count")), (1...Self.maxCount).contains(count) else {
            throw UsageError("--count must be a whole number from 1 to \(Self.maxCount)")
        }
        self.count = count
        guard let seed = UInt64(arguments.value("seed") ?? "1") else { throw UsageError("--seed must be a whole number") }
        self.seed = seed
    }

    func run() throws -> Int32 {
        try NodeWriteContext.withContext(dataDirectory: dataDirectory) { context in
            var generator = SyntheticKnowledge(seed: seed)
            let started = ContinuousClock.now
            let written = try generator.load(count: count, database: context.database, localOrigin: context.configuration.oin,
                                             signer: context.signer)
            print("wrote \(written) knowledge entries in \(ContinuousClock.now - started)")
        }
        return 0
    }
}

/// A command that failed while running (exit status 1), with a message for the operator.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) { self.description = description }
}
