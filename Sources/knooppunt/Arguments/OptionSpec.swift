/// One `--option` a command accepts.
struct OptionSpec: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        /// `--name VALUE`, at most once.
        case single
        /// `--name VALUE`, any number of times.
        case repeated
        /// `--name`, no value.
        case flag
    }

    let name: String
    let valueName: String
    let help: String
    let kind: Kind
    let isRequired: Bool

    static func single(_ name: String, _ valueName: String, _ help: String, required: Bool = false) -> OptionSpec {
        OptionSpec(name: name, valueName: valueName, help: help, kind: .single, isRequired: required)
    }

    static func repeated(_ name: String, _ valueName: String, _ help: String) -> OptionSpec {
        OptionSpec(name: name, valueName: valueName, help: help, kind: .repeated, isRequired: false)
    }

    static func flag(_ name: String, _ help: String) -> OptionSpec {
        OptionSpec(name: name, valueName: "", help: help, kind: .flag, isRequired: false)
    }
}

/// A command-line mistake: printed with the command's usage, exit status 64 (EX_USAGE).
struct UsageError: Error, Equatable, CustomStringConvertible {
    let message: String

    init(_ message: String) { self.message = message }

    var description: String { message }
}
