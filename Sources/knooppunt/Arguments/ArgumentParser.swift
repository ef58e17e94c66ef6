/// The options and positional arguments of one command after parsing.
struct ParsedArguments: Equatable {
    private(set) var values: [String: [String]] = [:]
    private(set) var flags: Set<String> = []
    private(set) var positionals: [String] = []

    func value(_ name: String) -> String? { values[name]?.last }

    func values(_ name: String) -> [String] { values[name] ?? [] }

    func flag(_ name: String) -> Bool { flags.contains(name) }

    func required(_ name: String) throws(UsageError) -> String {
        guard let value = value(name) else { throw UsageError("missing required option --\(name)") }
        return value
    }

    fileprivate mutating func add(_ value: String, for name: String) { values[name, default: []].append(value) }
    fileprivate mutating func set(flag name: String) { flags.insert(name) }
    fileprivate mutating func add(positional: String) { positionals.append(positional) }
}

/// A small parser for `--name VALUE`, `--name=VALUE`, flags, `--` and positionals, strict about
/// everything an operator's script could get wrong: unknown options, missing values, repeated
/// single options, missing required options and stray arguments are all errors.
enum ArgumentParser {
    static func parse(_ arguments: [String], options: [OptionSpec], positionals: [String] = []) throws(UsageError) -> ParsedArguments {
        let byName = Dictionary(uniqueKeysWithValues: options.map { ($0.name, $0) })
        var parsed = ParsedArguments()
        var index = 0
        var onlyPositionals = false
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if onlyPositionals || !argument.hasPrefix("-") || argument == "-" {
                parsed.add(positional: argument)
                continue
            }
            if argument == "--" {
                onlyPositionals = true
                continue
            }
            guard argument.hasPrefix("--") else { throw UsageError("unknown option \(argument)") }
            let body = argument.dropFirst(2)
            let name: String
            var inlineValue: String?
            if let equals = body.firstIndex(of: "=") {
                name = String(body[..<equals])
                inlineValue = String(body[body.index(after: equals)...])
            } else {
                name = String(body)
            }
            guard let spec = byName[name] else { throw UsageError("unknown option --\(name)") }
            switch spec.kind {
            case .flag:
                guard inlineValue == nil else { throw UsageError("option --\(name) takes no value") }
                parsed.set(flag: name)
            case .single, .repeated:
                let value: String
                if let inlineValue {
                    value = inlineValue
                } else {
                    guard index < arguments.count, !arguments[index].hasPrefix("--") else {
                        throw UsageError("option --\(name) needs a value (\(spec.valueName))")
                    }
                    value = arguments[index]
                    index += 1
                }
                guard !value.isEmpty else { throw UsageError("option --\(name) needs a non-empty value (\(spec.valueName))") }
                if spec.kind == .single && parsed.value(name) != nil {
                    throw UsageError("option --\(name) given more than once")
                }
                parsed.add(value, for: name)
            }
        }
        for spec in options where spec.isRequired && parsed.value(spec.name) == nil {
            throw UsageError("missing required option --\(spec.name) \(spec.valueName)")
        }
        guard parsed.positionals.count <= positionals.count else {
            throw UsageError("unexpected argument \(parsed.positionals[positionals.count])")
        }
        guard parsed.positionals.count == positionals.count else {
            throw UsageError("missing argument \(positionals[parsed.positionals.count])")
        }
        return parsed
    }
}
