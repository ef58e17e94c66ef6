/// `/tasks`: participation tasks, created and corrected by staff and read by everyone who works
/// with the coin. Tasks carry no ETag, as merchants do not: a PATCH names only the fields it
/// changes, and the rules that matter (capacity, period) are checked against the row it writes.
enum TaskRoutes {
    static func routes(_ service: CoinService) -> [Route] {
        [
            CoinHTTP.route("POST", "/tasks", .apiKey(scope: APIScope.coinAdmin)) { request in
                try CoinHTTP.query(request)
                var reader = try request.jsonObject()
                let title = reader.string("title", required: true, maxLength: CoinLimits.maxTitleLength)
                let description = reader.string("description", required: true, maxLength: CoinLimits.maxDescriptionLength)
                let reward = CoinHTTP.amount(&reader, "rewardCents", maximum: CoinLimits.maxRewardCents)
                let capacity = reader.integer("capacity", required: true, in: 1...CoinLimits.maxTaskCapacity)
                let start = date(&reader, "periodStart")
                let end = date(&reader, "periodEnd")
                if let start, let end, end < start {
                    reader.addIssue("periodEnd", code: "invalid", reason: "must not be before periodStart")
                }
                let location = reader.string("location", required: false, maxLength: CoinLimits.maxLocationLength)
                reader.rejectUnknownFields()
                try reader.throwIfInvalid()
                guard let title, let description, let reward, let capacity, let start, let end else {
                    preconditionFailure("a valid body has every required field")
                }
                let task = try service.createTask(title: title, description: description, rewardCents: reward, capacity: capacity,
                                                  periodStart: start, periodEnd: end, location: location, audit: AuditContext(request))
                return CoinHTTP.created(task, location: "\(CoinHTTP.basePath)/tasks/\(task.id)", replayed: false)
            },
            CoinHTTP.route("GET", "/tasks", .apiKeyWithAnyScope(CoinHTTP.readerScopes)) { request in
                let page = try CoinHTTP.query(request)
                return CoinHTTP.page(try service.tasks(page: page), page: page, request: request)
            },
            CoinHTTP.route("GET", "/tasks/{id}", .apiKeyWithAnyScope(CoinHTTP.readerScopes)) { request in
                try CoinHTTP.query(request)
                return .json(try service.task(try CoinHTTP.uuidParameter(request, "id", notFound: LedgerError.taskNotFound)))
            },
            CoinHTTP.route("PATCH", "/tasks/{id}", .apiKey(scope: APIScope.coinAdmin)) { request in
                try CoinHTTP.query(request)
                let id = try CoinHTTP.uuidParameter(request, "id", notFound: LedgerError.taskNotFound)
                var reader = try request.jsonObject()
                let patch = TaskPatch(
                    title: reader.string("title", required: false, maxLength: CoinLimits.maxTitleLength),
                    description: reader.string("description", required: false, maxLength: CoinLimits.maxDescriptionLength),
                    capacity: reader.integer("capacity", required: false, in: 1...CoinLimits.maxTaskCapacity),
                    periodEnd: date(&reader, "periodEnd", required: false),
                    location: reader.clearableString("location", maxLength: CoinLimits.maxLocationLength))
                reader.refuse("rewardCents", code: "read-only",
                              reason: "the reward cannot change: residents claimed, and staff may have paid, the announced amount")
                reader.rejectUnknownFields()
                try reader.throwIfInvalid()
                guard !patch.isEmpty else {
                    throw Problem.badRequest("The patch changes nothing; send at least one of title, description, capacity, periodEnd, location.")
                }
                return .json(try service.updateTask(id: id, patch: patch, audit: AuditContext(request)))
            },
        ]
    }

    private static func date(_ reader: inout JSONObjectReader, _ name: String, required: Bool = true) -> String? {
        guard let text = reader.string(name, required: required, maxLength: 10) else { return nil }
        if let problem = ParticipationTask.problem(withDate: text) {
            reader.addIssue(name, code: "invalid", reason: problem)
            return nil
        }
        return text
    }
}
