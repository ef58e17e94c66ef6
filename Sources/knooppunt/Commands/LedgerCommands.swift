import Foundation
import Node

/// `knooppunt ledger verify`: recomputes the coin journal's hash chain and replays it against the
/// stored accounts and transfers (invariants 1, 2, 3 and 5 of the design). Prints every problem
/// and exits 1 if there is any; it only reads, so it may run beside a serving node.
struct LedgerVerifyCommand: Command {
    static let path = ["ledger", "verify"]
    static let summary = "verify the coin ledger: hash chain, double entry, no negative holder balance, each transfer once"
    static let options: [OptionSpec] = [
        .single("data", "DIR", "the node's data folder", required: true),
        .single("expect-head", "SEQUENCE:HASH", "a head printed by an earlier run: the journal must still hold it"),
    ]

    let dataDirectory: String
    let anchor: LedgerVerifier.Anchor?

    init(_ arguments: ParsedArguments) throws(UsageError) {
        dataDirectory = try arguments.required("data")
        if let text = arguments.value("expect-head") {
            guard let anchor = LedgerVerifier.Anchor(text) else {
                throw UsageError("--expect-head takes SEQUENCE:HASH, a sequence from 1 and 64 hexadecimal digits, as printed after \"head\"")
            }
            self.anchor = anchor
        } else {
            anchor = nil
        }
    }

    func run() throws -> Int32 {
        let report = try NodeAssembly.withDatabase(dataDirectory: dataDirectory) { [anchor] database in
            try database.read { try LedgerVerifier().verify($0, expecting: anchor) }
        }
        print("journal: \(report.entryCount) entries, head \(report.head)")
        if let anchor { print("expected head: \(anchor)") }
        print("stored: \(report.transferCount) transfers, \(report.accountCount) accounts")
        for problem in report.problems {
            print("error: \(problem)")
        }
        if report.problems.count >= LedgerVerifier.maxProblems {
            print("error: stopped listing after \(LedgerVerifier.maxProblems) problems")
        }
        guard report.isValid else {
            print("ledger verification FAILED")
            return 1
        }
        print("ledger verified: the hash chain is intact and invariants 1, 2, 3 and 5 hold")
        return 0
    }
}
