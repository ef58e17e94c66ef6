import Foundation

public enum KnowledgeKind: String, Sendable, Hashable, Codable, CaseIterable, KeywordEnum {
    case lessonLearned = "lesson-learned"
    case bestPractice = "best-practice"
    case caseStudy = "case-study"
    case guide
    case fieldlab
    case fundingScheme = "funding-scheme"
}

/// An organisation that took part, by name and, for government organisations, by OIN.
public struct Partner: Sendable, Hashable, Codable {
    public var name: String
    public var oin: OIN?

    public init(name: String, oin: OIN? = nil) {
        self.name = name
        self.oin = oin
    }

    static func read(_ value: JSONValue, at path: FieldPath, _ issues: inout IssueList) -> Partner? {
        let before = issues.recordedCount
        guard let object = ObjectReader(value, at: path, fields: ["name", "oin"], &issues) else { return nil }
        let name = object.required("name", &issues, Read.string)
        let oin = object.optional("oin", &issues, Read.oin)
        if let name { Rules.text(name, at: path.key("name"), maxLength: SchemaLimits.maxNameLength, kind: .singleLine, &issues) }
        guard issues.recordedCount == before, let name else { return nil }
        return Partner(name: name, oin: oin)
    }
}

/// What a funding scheme offers. Amounts are integer euro cents, never floats.
///
/// `opensOn` and `deadline` are optional: a scheme without `opensOn` is open from the start, one
/// without `deadline` has a rolling intake. Both dates are inclusive.
public struct Funding: Sendable, Hashable, Codable {
    public var funder: String
    public var programme: String
    /// The most one applicant can receive, in euro cents (1 ... 2^53 - 1).
    public var maxAmountCents: Int
    /// The share the applicant pays itself, in whole percent (0 ... 100).
    public var ownContributionPercent: Int
    public var opensOn: CalendarDate?
    public var deadline: CalendarDate?

    public init(funder: String, programme: String, maxAmountCents: Int, ownContributionPercent: Int,
                opensOn: CalendarDate? = nil, deadline: CalendarDate? = nil) {
        self.funder = funder
        self.programme = programme
        self.maxAmountCents = maxAmountCents
        self.ownContributionPercent = ownContributionPercent
        self.opensOn = opensOn
        self.deadline = deadline
    }

    /// Whether one can apply on `date`: on or after `opensOn` and on or before `deadline`.
    public func isOpen(on date: CalendarDate) -> Bool {
        (opensOn.map { $0 <= date } ?? true) && (deadline.map { date <= $0 } ?? true)
    }

    static let fieldNames = ["funder", "programme", "maxAmountCents", "ownContributionPercent", "opensOn", "deadline"]

    static func read(_ value: JSONValue, at path: FieldPath, _ issues: inout IssueList) -> Funding? {
        let before = issues.recordedCount
        guard let object = ObjectReader(value, at: path, fields: fieldNames, &issues) else { return nil }
        let funder = object.required("funder", &issues, Read.string)
        let programme = object.required("programme", &issues, Read.string)
        let maxAmountCents = object.required("maxAmountCents", &issues, Read.integer)
        let ownContributionPercent = object.required("ownContributionPercent", &issues, Read.integer)
        let opensOn = object.optional("opensOn", &issues, Read.calendarDate)
        let deadline = object.optional("deadline", &issues, Read.calendarDate)
        if let funder {
            Rules.text(funder, at: path.key("funder"), maxLength: SchemaLimits.maxFundingNameLength, kind: .singleLine, &issues)
        }
        if let programme {
            Rules.text(programme, at: path.key("programme"), maxLength: SchemaLimits.maxFundingNameLength, kind: .singleLine, &issues)
        }
        if let maxAmountCents, maxAmountCents < 1 {
            issues.add(path.key("maxAmountCents"), ValidationCode.outOfRange, "must be at least 1 cent")
        }
        if let ownContributionPercent, !(0...100).contains(ownContributionPercent) {
            issues.add(path.key("ownContributionPercent"), ValidationCode.outOfRange, "must lie within 0...100")
        }
        if let opensOn, let deadline, deadline < opensOn {
            issues.add(path.key("deadline"), ValidationCode.outOfRange, "must not be before opensOn (\(opensOn))")
        }
        guard issues.recordedCount == before, let funder, let programme, let maxAmountCents, let ownContributionPercent else {
            return nil
        }
        return Funding(funder: funder, programme: programme, maxAmountCents: maxAmountCents,
                       ownContributionPercent: ownContributionPercent, opensOn: opensOn, deadline: deadline)
    }
}

/// A lesson learned, best practice, case study, guide, fieldlab or funding scheme, in one
/// language, linked to solutions and partners.
///
/// Required: `kind`, `title`, `body`, `language`; `funding` exactly when `kind` is
/// `funding-scheme`. `summary` is optional (the sample has none); lists may be absent.
public struct KnowledgeEntryDraft: RecordContent, Hashable {
    public static let recordKind = "knowledge-entry"
    public static let fieldNames = [
        "kind", "title", "summary", "body", "language", "themes", "solutionIds", "partners", "funding",
    ]

    public var kind: KnowledgeKind
    public var title: String
    public var summary: String?
    public var body: String
    public var language: Language
    public var themes: [String]
    /// Solutions this entry is about, by id.
    public var solutionIds: [UUID]
    public var partners: [Partner]
    public var funding: Funding?

    public init(kind: KnowledgeKind, title: String, summary: String? = nil, body: String, language: Language,
                themes: [String] = [], solutionIds: [UUID] = [], partners: [Partner] = [], funding: Funding? = nil) {
        self.kind = kind
        self.title = title
        self.summary = summary
        self.body = body
        self.language = language
        self.themes = themes
        self.solutionIds = solutionIds
        self.partners = partners
        self.funding = funding
    }

    public static func decodeDraft(from json: JSONValue) -> Result<KnowledgeEntryDraft, ValidationFailure> {
        readDraft(json, read)
    }

    static func read(_ value: JSONValue, at path: FieldPath, _ issues: inout IssueList) -> KnowledgeEntryDraft? {
        let before = issues.recordedCount
        guard let object = ObjectReader(value, at: path, fields: fieldNames, ignoring: RecordMetadata.fieldNames, &issues) else {
            return nil
        }
        let kind: KnowledgeKind? = object.required("kind", &issues, Read.keyword)
        let title = object.required("title", &issues, Read.string)
        if let title { Rules.text(title, at: path.key("title"), maxLength: SchemaLimits.maxNameLength, kind: .singleLine, &issues) }
        let summary = object.optional("summary", &issues, Read.string)
        if let summary {
            Rules.text(summary, at: path.key("summary"), maxLength: SchemaLimits.maxSummaryLength, kind: .multiLine, &issues)
        }
        let body = object.required("body", &issues, Read.string)
        if let body { Rules.text(body, at: path.key("body"), maxLength: SchemaLimits.maxBodyLength, kind: .multiLine, &issues) }
        let language: Language? = object.required("language", &issues, Read.keyword)
        let themes = object.array("themes", maxCount: SchemaLimits.maxThemeCount, &issues) { value, itemPath, issues in
            Read.string(value, at: itemPath, &issues).map { theme in
                Rules.theme(theme, at: itemPath, &issues)
                return theme
            }
        }
        if let themes { Rules.unique(themes, at: path.key("themes"), &issues) }
        let solutionIds = object.array("solutionIds", maxCount: SchemaLimits.maxLinkedSolutionCount, &issues, Read.uuid)
        if let solutionIds { Rules.unique(solutionIds, at: path.key("solutionIds"), &issues) }
        let partners = object.array("partners", maxCount: SchemaLimits.maxPartnerCount, &issues, Partner.read)
        let funding = object.optional("funding", &issues, Funding.read)
        switch kind {
        case .fundingScheme where !object.has("funding"):
            issues.add(path.key("funding"), ValidationCode.required, "a funding-scheme entry needs its funding details")
        case .some(let kind) where kind != .fundingScheme && object.has("funding"):
            issues.add(path.key("funding"), ValidationCode.notAllowed, "only a funding-scheme entry has funding details")
        default:
            break
        }
        guard issues.recordedCount == before, let kind, let title, let body, let language, let themes, let solutionIds,
              let partners else { return nil }
        return KnowledgeEntryDraft(kind: kind, title: title, summary: summary, body: body, language: language, themes: themes,
                                   solutionIds: solutionIds, partners: partners, funding: funding)
    }
}
