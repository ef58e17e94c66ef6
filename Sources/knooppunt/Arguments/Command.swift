/// A subcommand: its name path (`["pki", "issue"]`), its options, and validation in `init`, so
/// that `run` only ever sees typed, checked values.
protocol Command {
    static var path: [String] { get }
    static var summary: String { get }
    static var options: [OptionSpec] { get }
    static var positionals: [String] { get }

    init(_ arguments: ParsedArguments) throws(UsageError)

    /// Returns the process exit status.
    func run() throws -> Int32
}

extension Command {
    static var positionals: [String] { [] }

    static var usage: String {
        var text = "usage: knooppunt \(path.joined(separator: " "))"
        for option in options {
            let form = option.kind == .flag ? "--\(option.name)" : "--\(option.name) \(option.valueName)"
            text += option.isRequired ? " \(form)" : " [\(form)]"
            if option.kind == .repeated { text += "..." }
        }
        for positional in positionals { text += " \(positional)" }
        return text
    }

    static var help: String {
        var text = "\(summary)\n\n\(usage)\n"
        if !options.isEmpty {
            text += "\noptions:\n"
            let width = options.map { "--\($0.name) \($0.valueName)".count }.max() ?? 0
            for option in options {
                let form = option.kind == .flag ? "--\(option.name)" : "--\(option.name) \(option.valueName)"
                text += "  " + form.padding(toLength: width + 2, withPad: " ", startingAt: 0) + option.help + "\n"
            }
        }
        text += "  " + "--help".padding(toLength: (options.map { "--\($0.name) \($0.valueName)".count }.max() ?? 6) + 2,
                                         withPad: " ", startingAt: 0) + "show this help\n"
        return text
    }
}
