// libFuzzer target for the draft readers, built by `Tests/Fuzz/run-fuzz.sh draft-decoder SECONDS`
// together with all of Sources/Schemas as one module: request bodies are untrusted input.

import Foundation

/// Decodes the input as each kind of draft and as each kind of stored record. A draft that is
/// accepted must validate clean and survive its canonical round trip; a refusal must list at
/// least one issue, at most `maxIssueCount`, each with a name, a known code and a reason.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    check(SolutionDraft.self, bytes)
    check(AdoptionDraft.self, bytes)
    check(KnowledgeEntryDraft.self, bytes)
    return 0
}

private let knownCodes: Set<String> = [
    ValidationCode.required, ValidationCode.invalid, ValidationCode.invalidType, ValidationCode.tooLong,
    ValidationCode.tooMany, ValidationCode.outOfRange, ValidationCode.unknownValue, ValidationCode.unknownField,
    ValidationCode.duplicate, ValidationCode.notAllowed, ValidationCode.invalidJSON,
]

private func check<Draft: RecordContent>(_ type: Draft.Type, _ bytes: [UInt8]) {
    switch Draft.decodeDraft(from: bytes) {
    case .success(let draft):
        precondition(draft.validate() == [], "an accepted draft does not validate")
        let record = Record.created(draft, id: UUID(), origin: OIN("00000001000000917000")!, at: Date())
        guard let canonical = try? record.canonicalBytes() else { preconditionFailure("an accepted draft has no canonical form") }
        guard case .success(let decoded) = Record<Draft>.decode(from: canonical) else {
            preconditionFailure("a record's canonical bytes do not decode")
        }
        precondition(decoded == record, "a record changed in its canonical round trip")
        precondition((try? decoded.canonicalBytes()) == canonical, "a record's bytes changed in a round trip")
    case .failure(let failure):
        checkIssues(failure.issues)
    }
    if case .failure(let failure) = Record<Draft>.decode(from: bytes) {
        checkIssues(failure.issues)
    }
}

private func checkIssues(_ issues: [ValidationIssue]) {
    precondition(!issues.isEmpty, "a refusal without issues")
    precondition(issues.count <= SchemaLimits.maxIssueCount, "more issues than maxIssueCount")
    for issue in issues {
        precondition(!issue.name.isEmpty && !issue.reason.isEmpty, "an issue without a name or reason")
        precondition(knownCodes.contains(issue.code), "an unknown issue code \(issue.code)")
    }
}
