import Federation
import Foundation
import Node

/// `knooppunt serve`: runs the node until SIGTERM or SIGINT, then drains and exits 0.
struct ServeCommand: Command {
    static let path = ["serve"]
    static let summary = "run the node's HTTPS server"
    static let options: [OptionSpec] = [
        .single("data", "DIR", "the node's data folder (made by `knooppunt init`)", required: true),
        .single("listen", "HOST:PORT", "override the configured address; port 0 picks a free port"),
        .single("specs", "DIR", "folder with the OpenAPI documents (default: found beside the executable)"),
    ]

    let dataDirectory: String
    let listen: String?
    let specsDirectory: String

    init(_ arguments: ParsedArguments) throws(UsageError) {
        dataDirectory = try arguments.required("data")
        listen = arguments.value("listen")
        if let listen {
            do { _ = try ListenAddress(parsing: listen) } catch { throw UsageError(error.description) }
        }
        if let specs = arguments.value("specs") {
            specsDirectory = specs
        } else if let found = OpenAPIDocuments.defaultDirectory(executablePath: CommandLine.arguments[0]) {
            specsDirectory = found
        } else {
            throw UsageError("cannot find the OpenAPI documents; pass --specs DIR or set KNOOPPUNT_SPECS")
        }
    }

    func run() throws -> Int32 {
        ProcessSignals.prepare()
        let configuration = try NodeConfiguration.load(dataDirectory: dataDirectory)
        let signer = try NodeKeySigner(dataDirectory: dataDirectory, configuration: configuration)
        let runtime = try NodeRuntime(dataDirectory: dataDirectory, specsDirectory: specsDirectory, listenOverride: listen,
                                      extensions: NodeAssembly.extensions, signer: signer)
        try runtime.start()
        let received = ProcessSignals.waitForTermination()
        runtime.logger.info("signal received", [("signal", .integer(Int(received)))])
        runtime.shutdown()
        return 0
    }
}
