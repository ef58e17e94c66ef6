/// The problems the shared-record routes answer with, one place for their codes and wording.
enum RecordProblems {
    static func problem(for error: RecordStoreError) -> Problem {
        switch error {
        case .invalid(let issues):
            Problem.badRequest("The request body has invalid fields; each is listed in invalidParams.", invalidParams: issues)
        case .notFound(let kind, _):
            Problem.notFound("There is no \(kind) with this id.")
        case .deleted(let kind, _):
            // 404 rather than 410: the API conventions' status list has no 410, and a client that
            // needs to tell "never existed" from "deleted" reads the code.
            Problem(status: .notFound, code: "deleted",
                    detail: "This \(kind) was deleted; its tombstone is kept only so that the deletion replicates.")
        case .notOrigin(let kind, _, let origin):
            Problem(status: .conflict, code: "not-origin",
                    detail: "This \(kind) belongs to node \(origin) and is a read-only replica here; change it at its origin.")
        case .preconditionFailed(let kind, _, let current):
            Problem(status: .preconditionFailed, code: "precondition-failed",
                    detail: "The \(kind) changed since you read it (its ETag is now \(current)); read it again and reapply your change.")
        case .corrupt:
            Problem.internalError()
        }
    }

    static func preconditionRequired(_ kind: String) -> Problem {
        Problem(status: .preconditionRequired, code: "precondition-required",
                detail: "Send If-Match with the ETag of the \(kind) you read, so that an update cannot overwrite a change you have not seen.")
    }

    static func unsupportedMediaType(_ accepted: [String]) -> Problem {
        Problem(status: .unsupportedMediaType, code: "unsupported-media-type",
                detail: "Send the body as \(accepted.joined(separator: " or ")).")
    }

    static func invalid(_ issues: [InvalidParam], _ detail: String = "The request body has invalid fields; each is listed in invalidParams.") -> Problem {
        Problem.badRequest(detail, invalidParams: issues)
    }
}
