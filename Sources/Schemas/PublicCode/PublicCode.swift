/// Imports a publiccode.yml file (https://yml.publiccode.tools) as a solution draft.
///
/// | publiccode.yml | SolutionDraft |
/// |---|---|
/// | `name`, `description.<nl/en>.localisedName` | `name` in each imported language (`localisedName` wins) |
/// | `description.<nl/en>.shortDescription` | `summary` |
/// | `description.<nl/en>.longDescription` | `description` |
/// | `landingURL` | `url` |
/// | `url` (the code repository) | `repository` |
/// | `legal.license` | `license` |
/// | `developmentStatus` | `developmentStatus` (all five publiccode values are ours too) |
/// | `categories` | `themes` (publiccode categories are kebab-case already) |
/// | `maintenance.contacts[0]` `name`, `email`, `phone` | `contact` |
/// | the importing node's OIN | `organisation` |
///
/// Only Dutch and English descriptions are imported; `softwareVersion`, `releaseDate`,
/// `platforms`, `dependsOn` and the rest are ignored. `publiccodeYmlVersion` must be present, to
/// tell a publiccode.yml file from any other YAML. Problems are named by where they are in the
/// YAML (`legal.license`, `categories.2`, `maintenance.contacts.0.email`); a file outside the
/// YAML subset (see `YAMLReader`) gives one `invalid-yaml` issue naming line and column.
public enum PublicCode {
    public static func solution(fromYAML text: String, organisation: OIN) -> Result<SolutionDraft, ValidationFailure> {
        do {
            return solution(from: try YAMLReader.read(text), organisation: organisation)
        } catch {
            return .failure(yamlFailure(error))
        }
    }

    public static func solution(fromYAML bytes: some Collection<UInt8>, organisation: OIN) -> Result<SolutionDraft, ValidationFailure> {
        do {
            return solution(from: try YAMLReader.read(bytes), organisation: organisation)
        } catch {
            return .failure(yamlFailure(error))
        }
    }

    private static func yamlFailure(_ error: YAMLError) -> ValidationFailure {
        ValidationFailure(issues: [ValidationIssue(name: "body", code: ValidationCode.invalidYAML, reason: error.description)])
    }

    public static func solution(from document: YAMLNode, organisation: OIN) -> Result<SolutionDraft, ValidationFailure> {
        guard case .mapping = document else {
            return .failure(ValidationFailure(issues: [
                ValidationIssue(name: "body", code: ValidationCode.invalidType, reason: "a publiccode.yml file is a mapping of fields"),
            ]))
        }
        var issues: [ValidationIssue] = []
        func add(_ name: String, _ code: String, _ reason: String) {
            issues.append(ValidationIssue(name: name, code: code, reason: reason))
        }
        if document["publiccodeYmlVersion"]?.string == nil {
            add("publiccodeYmlVersion", ValidationCode.required, "names the publiccode.yml version, such as '0.4'")
        }

        var draft: [String: JSONValue] = ["organisation": .object(["oin": .string(organisation.value)])]
        var names: [String: JSONValue] = [:]
        var summaries: [String: JSONValue] = [:]
        var descriptions: [String: JSONValue] = [:]
        if let description = document["description"], !description.isNull {
            if case .mapping = description {
                for language in Language.allCases {
                    guard let text = description[language.rawValue], !text.isNull else { continue }
                    guard case .mapping = text else {
                        add("description.\(language.rawValue)", ValidationCode.invalidType, "expected a mapping")
                        continue
                    }
                    if let name = text["localisedName"] ?? document["name"], !name.isNull { names[language.rawValue] = json(name) }
                    if let summary = text["shortDescription"], !summary.isNull { summaries[language.rawValue] = trimmed(json(summary)) }
                    if let long = text["longDescription"], !long.isNull { descriptions[language.rawValue] = trimmed(json(long)) }
                }
                if names.isEmpty, summaries.isEmpty, descriptions.isEmpty {
                    add("description", ValidationCode.required,
                        "needs a Dutch (nl) or English (en) description; other languages are not imported")
                }
            } else {
                add("description", ValidationCode.invalidType, "expected a mapping of languages")
            }
        } else {
            add("description", ValidationCode.required, "needs a Dutch (nl) or English (en) description")
        }
        if !names.isEmpty { draft["name"] = .object(names) }
        if !summaries.isEmpty { draft["summary"] = .object(summaries) }
        if !descriptions.isEmpty { draft["description"] = .object(descriptions) }

        draft["url"] = document["landingURL"].map(json)
        draft["repository"] = document["url"].map(json)
        draft["developmentStatus"] = document["developmentStatus"].map(json)
        draft["themes"] = document["categories"].map(json)
        if let legal = document["legal"], !legal.isNull {
            if case .mapping = legal {
                draft["license"] = legal["license"].map(json)
            } else {
                add("legal", ValidationCode.invalidType, "expected a mapping")
            }
        }
        if let contacts = document["maintenance"]?["contacts"], !contacts.isNull {
            if case .sequence(let list) = contacts {
                if let first = list.first {
                    if case .mapping = first {
                        var contact: [String: JSONValue] = [:]
                        for field in Contact.fieldNames {
                            if let value = first[field], !value.isNull { contact[field] = json(value) }
                        }
                        draft["contact"] = .object(contact)
                    } else {
                        add("maintenance.contacts.0", ValidationCode.invalidType, "expected a mapping")
                    }
                }
            } else {
                add("maintenance.contacts", ValidationCode.invalidType, "expected a list")
            }
        }

        switch SolutionDraft.decodeDraft(from: .object(draft)) {
        case .success(let solution):
            return issues.isEmpty ? .success(solution) : .failure(ValidationFailure(issues: issues))
        case .failure(let failure):
            for issue in failure.issues {
                let translated = ValidationIssue(name: publiccodeName(of: issue.name), code: issue.code, reason: issue.reason)
                if !issues.contains(where: { $0.name == translated.name && $0.code == translated.code }) {
                    issues.append(translated)
                }
            }
            return .failure(ValidationFailure(issues: issues))
        }
    }

    /// YAML as JSON with every scalar a string (the draft reader judges types) and nulls null.
    static func json(_ node: YAMLNode) -> JSONValue {
        switch node {
        case .scalar(let text, _): node.isNull ? .null : .string(text)
        case .sequence(let items): .array(items.map(json))
        case .mapping(let entries): .object(Dictionary(entries.map { ($0.key, json($0.value)) }, uniquingKeysWith: { first, _ in first }))
        }
    }

    /// Block scalars end in a line break (and may start with some); the text itself does not.
    private static func trimmed(_ value: JSONValue) -> JSONValue {
        guard case .string(let text) = value else { return value }
        let scalars = text.unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let end = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return .string("") }
        return .string(String(scalars[start...end]))
    }

    /// Where a draft field came from in the publiccode.yml file.
    static func publiccodeName(of draftName: String) -> String {
        var parts = draftName.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard let field = parts.first else { return draftName }
        parts.removeFirst()
        switch field {
        case "name":
            return "name"
        case "summary":
            return parts.first.map { "description.\($0).shortDescription" } ?? "description"
        case "description":
            return parts.first.map { "description.\($0).longDescription" } ?? "description"
        case "url":
            return "landingURL"
        case "repository":
            return "url"
        case "license":
            return "legal.license"
        case "themes":
            return (["categories"] + parts).joined(separator: ".")
        case "contact":
            return (["maintenance", "contacts", "0"] + parts).joined(separator: ".")
        default:
            return draftName
        }
    }
}
