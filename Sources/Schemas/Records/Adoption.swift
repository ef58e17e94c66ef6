import Foundation

/// Where a municipality stands with a solution. `considering` comes from the sample content
/// (a municipality looking into a solution before a pilot); `in-production` is kebab-case like
/// every other multi-word value in the API.
public enum AdoptionStatus: String, Sendable, Hashable, Codable, CaseIterable, KeywordEnum {
    case considering
    case piloting
    case inProduction = "in-production"
    case stopped
}

/// A municipality by its OIN, with its name and CBS code for people and for filters.
public struct MunicipalityReference: Sendable, Hashable, Codable {
    public var oin: OIN
    public var name: String?
    public var cbsCode: CBSCode?

    public init(oin: OIN, name: String? = nil, cbsCode: CBSCode? = nil) {
        self.oin = oin
        self.name = name
        self.cbsCode = cbsCode
    }

    static func read(_ value: JSONValue, at path: FieldPath, _ issues: inout IssueList) -> MunicipalityReference? {
        let before = issues.recordedCount
        guard let object = ObjectReader(value, at: path, fields: ["oin", "name", "cbsCode"], &issues) else { return nil }
        let oin = object.required("oin", &issues, Read.oin)
        let name = object.optional("name", &issues, Read.string)
        let cbsCode = object.optional("cbsCode", &issues, Read.cbsCode)
        if let name { Rules.text(name, at: path.key("name"), maxLength: SchemaLimits.maxNameLength, kind: .singleLine, &issues) }
        guard issues.recordedCount == before, let oin else { return nil }
        return MunicipalityReference(oin: oin, name: name, cbsCode: cbsCode)
    }
}

/// "Municipality X uses or pilots solution Y": the signal that a pilot is scaling. The solution
/// is named by its id and its origin, since ids are only unique per origin's say-so.
///
/// Required: `solutionId`, `solutionOrigin`, `municipality`, `status`. `since` (the date the
/// current status began) is optional: a municipality that is only considering a solution has none.
public struct AdoptionDraft: RecordContent, Hashable {
    public static let recordKind = "adoption"
    public static let fieldNames = ["solutionId", "solutionOrigin", "municipality", "since", "status", "notes"]

    public var solutionId: UUID
    public var solutionOrigin: OIN
    public var municipality: MunicipalityReference
    public var since: CalendarDate?
    public var status: AdoptionStatus
    public var notes: String?

    public init(solutionId: UUID, solutionOrigin: OIN, municipality: MunicipalityReference, since: CalendarDate? = nil,
                status: AdoptionStatus, notes: String? = nil) {
        self.solutionId = solutionId
        self.solutionOrigin = solutionOrigin
        self.municipality = municipality
        self.since = since
        self.status = status
        self.notes = notes
    }

    public static func decodeDraft(from json: JSONValue) -> Result<AdoptionDraft, ValidationFailure> {
        readDraft(json, read)
    }

    static func read(_ value: JSONValue, at path: FieldPath, _ issues: inout IssueList) -> AdoptionDraft? {
        let before = issues.recordedCount
        guard let object = ObjectReader(value, at: path, fields: fieldNames, ignoring: RecordMetadata.fieldNames, &issues) else {
            return nil
        }
        let solutionId = object.required("solutionId", &issues, Read.uuid)
        let solutionOrigin = object.required("solutionOrigin", &issues, Read.oin)
        let municipality = object.required("municipality", &issues, MunicipalityReference.read)
        let since = object.optional("since", &issues, Read.calendarDate)
        let status: AdoptionStatus? = object.required("status", &issues, Read.keyword)
        let notes = object.optional("notes", &issues, Read.string)
        if let notes { Rules.text(notes, at: path.key("notes"), maxLength: SchemaLimits.maxNotesLength, kind: .multiLine, &issues) }
        guard issues.recordedCount == before, let solutionId, let solutionOrigin, let municipality, let status else {
            return nil
        }
        return AdoptionDraft(solutionId: solutionId, solutionOrigin: solutionOrigin, municipality: municipality,
                             since: since, status: status, notes: notes)
    }
}
