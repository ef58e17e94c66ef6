import Foundation

/// Finds the subcommand named by the leading words, handles `--help` and `--version`, and maps
/// failures to exit codes: 64 (EX_USAGE) for usage mistakes, 1 for anything that failed while running.
struct CommandLineTool {
    static let usageExitCode: Int32 = 64
    static let failureExitCode: Int32 = 1

    let commands: [any Command.Type]
    let version: String

    /// Returns the exit status; output goes to the given streams so tests can read it.
    func run(_ arguments: [String], output: (String) -> Void, errorOutput: (String) -> Void) -> Int32 {
        if arguments.isEmpty || arguments == ["--help"] || arguments == ["-h"] || arguments == ["help"] {
            output(overview)
            return arguments.isEmpty ? Self.usageExitCode : 0
        }
        if arguments == ["--version"] {
            output("knooppunt \(version)\n")
            return 0
        }
        let match = commands
            .filter { arguments.starts(with: $0.path) }
            .max { $0.path.count < $1.path.count }
        guard let command = match else {
            let group = commands.filter { $0.path.first == arguments[0] && $0.path.count > 1 }
            if !group.isEmpty && (arguments.count == 1 || arguments[1] == "--help") {
                output(groupHelp(arguments[0], group))
                return arguments.count == 1 ? Self.usageExitCode : 0
            }
            errorOutput("error: unknown command '\(arguments.prefix(2).joined(separator: " "))'\n\n\(overview)")
            return Self.usageExitCode
        }
        let rest = Array(arguments.dropFirst(command.path.count))
        if rest.contains("--help") || rest.contains("-h") {
            output(command.help)
            return 0
        }
        do {
            let parsed = try ArgumentParser.parse(rest, options: command.options, positionals: command.positionals)
            return try command.init(parsed).run()
        } catch let error as UsageError {
            errorOutput("error: \(error.message)\n\(command.usage)\nrun 'knooppunt \(command.path.joined(separator: " ")) --help' for details\n")
            return Self.usageExitCode
        } catch {
            errorOutput("error: \(error)\n")
            return Self.failureExitCode
        }
    }

    var overview: String {
        var text = "knooppunt \(version): a Knooppunt node for a municipality or the VNG registry\n\ncommands:\n"
        let width = commands.map { $0.path.joined(separator: " ").count }.max() ?? 0
        for command in commands {
            let name = command.path.joined(separator: " ")
            text += "  " + name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + command.summary + "\n"
        }
        text += "\nglobal options:\n  --help     show help (also after any command)\n  --version  print the version\n"
        return text
    }

    private func groupHelp(_ group: String, _ commands: [any Command.Type]) -> String {
        var text = "knooppunt \(group) commands:\n"
        for command in commands {
            text += "  \(command.path.joined(separator: " "))  \(command.summary)\n"
        }
        return text
    }
}
