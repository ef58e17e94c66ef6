import Foundation

/// How far a solution has come. The five publiccode.yml values (`concept`, `development`,
/// `beta`, `stable`, `obsolete`) plus the two stages municipalities name themselves and the
/// sample content uses: `pilot` (running for real in one municipality, under evaluation) and
/// `production` (in regular operation). Kept as given, never folded into the publiccode values,
/// so a catalogue filter finds exactly what editors chose; `publiccodeValue` maps them for
/// export.
public enum DevelopmentStatus: String, Sendable, Hashable, Codable, CaseIterable, KeywordEnum {
    case concept
    case development
    case pilot
    case beta
    case stable
    case production
    case obsolete

    /// The nearest publiccode.yml value: a pilot is a beta, production is stable.
    public var publiccodeValue: String {
        switch self {
        case .pilot: DevelopmentStatus.beta.rawValue
        case .production: DevelopmentStatus.stable.rawValue
        default: rawValue
        }
    }
}

/// The layer of the Common Ground five-layer model a solution lives in.
public enum CommonGroundLayer: String, Sendable, Hashable, Codable, CaseIterable, KeywordEnum {
    case interaction
    case process
    case integration
    case services
    case data
}

/// Who to ask about a solution (publiccode.yml `maintenance.contacts[]`).
public struct Contact: Sendable, Hashable, Codable {
    public var name: String
    public var email: String?
    public var phone: String?

    public init(name: String, email: String? = nil, phone: String? = nil) {
        self.name = name
        self.email = email
        self.phone = phone
    }

    static let fieldNames = ["name", "email", "phone"]

    static func read(_ value: JSONValue, at path: FieldPath, _ issues: inout IssueList) -> Contact? {
        let before = issues.recordedCount
        guard let object = ObjectReader(value, at: path, fields: fieldNames, &issues) else { return nil }
        let name = object.required("name", &issues, Read.string)
        let email = object.optional("email", &issues, Read.string)
        let phone = object.optional("phone", &issues, Read.string)
        if let name { Rules.text(name, at: path.key("name"), maxLength: SchemaLimits.maxNameLength, kind: .singleLine, &issues) }
        if let email { Rules.email(email, at: path.key("email"), &issues) }
        if let phone { Rules.phone(phone, at: path.key("phone"), &issues) }
        guard issues.recordedCount == before, let name else { return nil }
        return Contact(name: name, email: email, phone: phone)
    }
}

/// A government organisation by its OIN, with its name for people.
public struct OrganisationReference: Sendable, Hashable, Codable {
    public var oin: OIN
    public var name: String?

    public init(oin: OIN, name: String? = nil) {
        self.oin = oin
        self.name = name
    }

    static func read(_ value: JSONValue, at path: FieldPath, _ issues: inout IssueList) -> OrganisationReference? {
        let before = issues.recordedCount
        guard let object = ObjectReader(value, at: path, fields: ["oin", "name"], &issues) else { return nil }
        let oin = object.required("oin", &issues, Read.oin)
        let name = object.optional("name", &issues, Read.string)
        if let name { Rules.text(name, at: path.key("name"), maxLength: SchemaLimits.maxNameLength, kind: .singleLine, &issues) }
        guard issues.recordedCount == before, let oin else { return nil }
        return OrganisationReference(oin: oin, name: name)
    }
}

/// A reusable solution, mapped onto publiccode.yml (see `PublicCode` for the import).
///
/// Required: `name`, `summary`, `license`, `developmentStatus`. `themes` and `standards` may be
/// absent (read as empty) and are always written. `organisation` is the organisation behind the
/// solution; absent, it is the record's origin.
public struct SolutionDraft: RecordContent, Hashable {
    public static let recordKind = "solution"
    public static let fieldNames = [
        "name", "summary", "description", "url", "repository", "license", "developmentStatus",
        "commonGroundLayer", "themes", "standards", "contact", "organisation",
    ]

    public var name: LocalizedText
    /// One paragraph (publiccode.yml `shortDescription`).
    public var summary: LocalizedText
    /// The long description (publiccode.yml `longDescription`).
    public var description: LocalizedText?
    /// The solution's web page (publiccode.yml `landingURL`); https.
    public var url: String?
    /// Where its code lives (publiccode.yml `url`); https.
    public var repository: String?
    /// An SPDX license expression over `SPDXLicense.knownIdentifiers`.
    public var license: String
    public var developmentStatus: DevelopmentStatus
    public var commonGroundLayer: CommonGroundLayer?
    /// Lowercase kebab-case tokens, unique, at most `SchemaLimits.maxThemeCount`.
    public var themes: [String]
    /// Standards the solution follows, e.g. "Common Ground", unique.
    public var standards: [String]
    public var contact: Contact?
    public var organisation: OrganisationReference?

    public init(
        name: LocalizedText, summary: LocalizedText, description: LocalizedText? = nil, url: String? = nil,
        repository: String? = nil, license: String, developmentStatus: DevelopmentStatus,
        commonGroundLayer: CommonGroundLayer? = nil, themes: [String] = [], standards: [String] = [],
        contact: Contact? = nil, organisation: OrganisationReference? = nil
    ) {
        self.name = name
        self.summary = summary
        self.description = description
        self.url = url
        self.repository = repository
        self.license = license
        self.developmentStatus = developmentStatus
        self.commonGroundLayer = commonGroundLayer
        self.themes = themes
        self.standards = standards
        self.contact = contact
        self.organisation = organisation
    }

    public static func decodeDraft(from json: JSONValue) -> Result<SolutionDraft, ValidationFailure> {
        readDraft(json, read)
    }

    static func read(_ value: JSONValue, at path: FieldPath, _ issues: inout IssueList) -> SolutionDraft? {
        let before = issues.recordedCount
        guard let object = ObjectReader(value, at: path, fields: fieldNames, ignoring: RecordMetadata.fieldNames, &issues) else {
            return nil
        }
        let name = object.required("name", &issues) {
            LocalizedText.read($0, at: $1, maxLength: SchemaLimits.maxNameLength, kind: .singleLine, &$2)
        }
        let summary = object.required("summary", &issues) {
            LocalizedText.read($0, at: $1, maxLength: SchemaLimits.maxSummaryLength, kind: .multiLine, &$2)
        }
        let description = object.optional("description", &issues) {
            LocalizedText.read($0, at: $1, maxLength: SchemaLimits.maxDescriptionLength, kind: .multiLine, &$2)
        }
        let url = object.optional("url", &issues, Read.string)
        if let url { Rules.httpsURL(url, at: path.key("url"), &issues) }
        let repository = object.optional("repository", &issues, Read.string)
        if let repository { Rules.httpsURL(repository, at: path.key("repository"), &issues) }
        let license = object.required("license", &issues, Read.string)
        if let license { SPDXLicense.check(license, at: path.key("license"), &issues) }
        let developmentStatus: DevelopmentStatus? = object.required("developmentStatus", &issues, Read.keyword)
        let commonGroundLayer: CommonGroundLayer? = object.optional("commonGroundLayer", &issues, Read.keyword)
        let themes = object.array("themes", maxCount: SchemaLimits.maxThemeCount, &issues) { value, itemPath, issues in
            Read.string(value, at: itemPath, &issues).map { theme in
                Rules.theme(theme, at: itemPath, &issues)
                return theme
            }
        }
        if let themes { Rules.unique(themes, at: path.key("themes"), &issues) }
        let standards = object.array("standards", maxCount: SchemaLimits.maxStandardCount, &issues) { value, itemPath, issues in
            Read.string(value, at: itemPath, &issues).map { standard in
                Rules.text(standard, at: itemPath, maxLength: SchemaLimits.maxStandardLength, kind: .singleLine, &issues)
                return standard
            }
        }
        if let standards { Rules.unique(standards, at: path.key("standards"), &issues) }
        let contact = object.optional("contact", &issues, Contact.read)
        let organisation = object.optional("organisation", &issues, OrganisationReference.read)

        guard issues.recordedCount == before, let name, let summary, let license, let developmentStatus,
              let themes, let standards else { return nil }
        return SolutionDraft(
            name: name, summary: summary, description: description, url: url, repository: repository, license: license,
            developmentStatus: developmentStatus, commonGroundLayer: commonGroundLayer, themes: themes,
            standards: standards, contact: contact, organisation: organisation)
    }
}
