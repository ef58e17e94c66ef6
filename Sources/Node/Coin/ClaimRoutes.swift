import Foundation

/// `/claims`: residents' claims on tasks, submitted through an integrator (`coin:resident`) and
/// decided by staff (`coin:admin`): approval pays the reward, once.
enum ClaimRoutes {
    static func routes(_ service: CoinService) -> [Route] {
        let readers = [APIScope.coinAdmin, APIScope.coinResident]
        return [
            CoinHTTP.route("POST", "/claims", .apiKey(scope: APIScope.coinResident)) { request in
                try CoinHTTP.query(request)
                // Optional here: a claim moves no money, and one claim per resident and task stops doubles anyway.
                var reader = try request.jsonObject()
                let key = CoinHTTP.idempotencyKey(request, required: false, reader: &reader)
                CoinHTTP.checkBodyID(&reader, key: key)
                let taskID = reader.string("taskId", required: true, maxLength: 36)
                if let taskID, CoinHTTP.canonicalUUID(taskID) == nil { reader.addIssue("taskId", code: "invalid", reason: "must be a task's id (a UUID)") }
                let resident = CoinHTTP.holderReference(&reader, "resident")
                let note = CoinHTTP.freeText(&reader, "note")
                reader.rejectUnknownFields()
                try reader.throwIfInvalid()
                guard let taskID, let resident else { preconditionFailure("a valid body has every required field") }
                let id = key ?? UUID().uuidString.lowercased()
                let outcome = try service.submitClaim(id: id, taskID: CoinHTTP.canonicalUUID(taskID) ?? taskID, resident: resident, note: note)
                let isReplay = if case .replayed = outcome { true } else { false }
                return CoinHTTP.created(outcome.claim, location: "\(CoinHTTP.basePath)/claims/\(id)", replayed: isReplay)
            },
            CoinHTTP.route("GET", "/claims", .apiKeyWithAnyScope(readers)) { request in
                var taskID: String?
                var resident: String?
                var status: ClaimStatus?
                let page = try CoinHTTP.query(request, filters: ["taskId", "resident", "status"]) { issues in
                    if let value = request.query["taskId"] {
                        if let uuid = CoinHTTP.canonicalUUID(value) { taskID = uuid } else {
                            issues.append(InvalidParam(name: "taskId", code: "invalid", reason: "must be a task's id (a UUID)"))
                        }
                    }
                    if let value = request.query["resident"] {
                        if let problem = HolderReference.problem(with: value) {
                            issues.append(InvalidParam(name: "resident", code: "invalid-reference", reason: problem))
                        } else {
                            resident = value
                        }
                    }
                    status = CoinHTTP.enumFilter(request, "status", ClaimStatus.self, issues: &issues)
                }
                return CoinHTTP.page(try service.claims(taskID: taskID, resident: resident, status: status, page: page), page: page,
                                     request: request)
            },
            CoinHTTP.route("GET", "/claims/{id}", .apiKeyWithAnyScope(readers)) { request in
                try CoinHTTP.query(request)
                return .json(try service.claim(try CoinHTTP.uuidParameter(request, "id", notFound: LedgerError.claimNotFound)))
            },
            CoinHTTP.route("POST", "/claims/{id}/approve", .apiKey(scope: APIScope.coinAdmin)) { request in
                try CoinHTTP.query(request)
                let id = try CoinHTTP.uuidParameter(request, "id", notFound: LedgerError.claimNotFound)
                var reader = try request.optionalJSONObject()
                reader.rejectUnknownFields()
                try reader.throwIfInvalid()
                return .json(try service.approveClaim(id, audit: AuditContext(request)))
            },
            CoinHTTP.route("POST", "/claims/{id}/reject", .apiKey(scope: APIScope.coinAdmin)) { request in
                try CoinHTTP.query(request)
                let id = try CoinHTTP.uuidParameter(request, "id", notFound: LedgerError.claimNotFound)
                var reader = try request.optionalJSONObject()
                let reason = CoinHTTP.freeText(&reader, "reason")
                reader.rejectUnknownFields()
                try reader.throwIfInvalid()
                return .json(try service.rejectClaim(id, reason: reason, audit: AuditContext(request)))
            },
        ]
    }
}
