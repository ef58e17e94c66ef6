import Testing
@testable import knooppunt

@Suite struct ArgumentParserTests {
    static let options: [OptionSpec] = [
        .single("data", "DIR", "data", required: true),
        .single("listen", "HOST:PORT", "listen"),
        .repeated("host", "HOST", "hosts"),
        .flag("verbose", "more output"),
    ]

    @Test func parsesSeparateAndInlineValuesRepeatsAndFlags() throws {
        let parsed = try ArgumentParser.parse(
            ["--data", "/tmp/x", "--listen=127.0.0.1:0", "--host", "a", "--host=b", "--verbose"], options: Self.options)
        #expect(parsed.value("data") == "/tmp/x")
        #expect(parsed.value("listen") == "127.0.0.1:0")
        #expect(parsed.values("host") == ["a", "b"])
        #expect(parsed.flag("verbose"))
    }

    @Test(arguments: [
        (["--listen", "x"], "missing required option --data DIR"),
        (["--data"], "option --data needs a value (DIR)"),
        (["--data", "--verbose"], "option --data needs a value (DIR)"),
        (["--data", "a", "--data", "b"], "option --data given more than once"),
        (["--data", "a", "--nope"], "unknown option --nope"),
        (["--data", "a", "-x"], "unknown option -x"),
        (["--data", "a", "stray"], "unexpected argument stray"),
        (["--data", "a", "--verbose=yes"], "option --verbose takes no value"),
        (["--data="], "option --data needs a non-empty value (DIR)"),
    ])
    func rejectsMistakesWithClearMessages(arguments: [String], message: String) {
        #expect(throws: UsageError(message)) {
            try ArgumentParser.parse(arguments, options: Self.options)
        }
    }

    @Test func doubleDashEndsOptions() throws {
        let parsed = try ArgumentParser.parse(["--data", "a", "--", "--file"], options: Self.options, positionals: ["FILE"])
        #expect(parsed.positionals == ["--file"])
    }

    @Test func missingPositionalIsNamed() {
        #expect(throws: UsageError("missing argument FILE")) {
            try ArgumentParser.parse(["--data", "a"], options: Self.options, positionals: ["FILE"])
        }
    }
}

@Suite struct CommandLineToolTests {
    func run(_ arguments: [String]) -> (status: Int32, output: String, errors: String) {
        var output = ""
        var errors = ""
        let tool = CommandLineTool(commands: [InitCommand.self, ServeCommand.self, PKIInitCACommand.self, PKIIssueCommand.self],
                                   version: "1.2.3")
        let status = tool.run(arguments, output: { output += $0 }, errorOutput: { errors += $0 })
        return (status, output, errors)
    }

    @Test func versionAndHelp() {
        #expect(run(["--version"]) == (0, "knooppunt 1.2.3\n", ""))
        let help = run(["--help"])
        #expect(help.status == 0)
        #expect(help.output.contains("pki issue"))
    }

    @Test(arguments: [["serve"], ["init"], ["pki", "issue"], ["pki", "init-ca"]])
    func everyCommandHasHelp(command: [String]) {
        let result = run(command + ["--help"])
        #expect(result.status == 0)
        #expect(result.output.contains("usage: knooppunt \(command.joined(separator: " "))"))
    }

    @Test func unknownCommandIsUsageError() {
        let result = run(["frobnicate"])
        #expect(result.status == 64)
        #expect(result.errors.contains("unknown command 'frobnicate'"))
    }

    @Test(arguments: [
        (["init", "--data", "/tmp/x", "--name", "H", "--oin", "123"], "--oin must be exactly 20 digits"),
        (["init", "--data", "/tmp/x", "--name", "H", "--oin", "00000001000000917000", "--cbs", "917"], "--cbs must be exactly 4 digits"),
        (["init", "--data", "/tmp/x", "--name", "H", "--oin", "00000001000000917000", "--role", "king"], "--role must be one of"),
        (["init", "--data", "/tmp/x", "--name", "H", "--oin", "00000001000000917000", "--cert", "a"], "--cert, --key and --trust go together"),
        (["init", "--data", "/tmp/x", "--name", "H", "--oin", "00000001000000917000", "--listen", "nowhere"], "invalid listen address"),
        (["pki", "issue", "--ca", "c", "--oin", "00000001000000917000", "--name", "H", "--out", "o", "--days", "0"], "--days must be"),
        (["serve", "--data", "d", "--listen", "127.0.0.1:99999"], "invalid listen address"),
    ])
    func invalidValuesAreUsageErrors(arguments: [String], message: String) {
        let result = run(arguments)
        #expect(result.status == 64)
        #expect(result.errors.contains(message))
    }

    @Test func runtimeFailureExitsOne() {
        let result = run(["pki", "issue", "--ca", "/nonexistent/ca", "--oin", "00000001000000917000", "--name", "H", "--out", "/tmp/x"])
        #expect(result.status == 1)
        #expect(result.errors.hasPrefix("error: "))
    }
}
