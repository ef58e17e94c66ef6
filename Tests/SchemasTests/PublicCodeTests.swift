import Foundation
import Testing
@testable import Schemas

/// The repository root, found from this file's path, for the example files under `examples/`.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

private let zoetermeer = OIN("00000001000000637000")!

private func issueNames(_ yaml: String) -> [String] {
    switch PublicCode.solution(fromYAML: yaml, organisation: zoetermeer) {
    case .success: []
    case .failure(let failure): failure.issues.map { "\($0.name) \($0.code)" }
    }
}

@Suite struct PublicCodeTests {
    @Test func importsOpenZaaksRealPubliccodeFile() throws {
        let bytes = try Data(contentsOf: repositoryRoot.appendingPathComponent("examples/publiccode/open-zaak.publiccode.yaml"))
        let draft = try PublicCode.solution(fromYAML: Array(bytes), organisation: zoetermeer).get()
        #expect(draft.name == LocalizedText(nl: "Open Zaak", en: "Open Zaak"))
        #expect(draft.summary == LocalizedText(nl: "API's voor Zaakgericht werken", en: "API's for Zaakgericht werken"))
        let dutch = try #require(draft.description?.nl)
        #expect(dutch.hasPrefix("Binnen het Nederlandse gemeentelandschap wordt zaakgericht werken nagestreefd. Om dit"))
        #expect(dutch.contains("opvraagbaar zijn.\n\n**Open Zaak** is een moderne"))
        #expect(dutch.contains("te weten:\n\n- Zaken API ([Zaken API-specificatie]"))
        #expect(dutch.hasSuffix("in productie gebruikt kunnen worden bij gemeenten."))
        #expect(draft.description?.en?.contains("“API’s voor Zaakgericht werken”") == true)
        #expect(draft.url == nil)
        #expect(draft.repository == "https://github.com/open-zaak/open-zaak.git")
        #expect(draft.license == "EUPL-1.2")
        #expect(draft.developmentStatus == .stable)
        #expect(draft.themes == ["business-process-management", "collaboration", "contact-management", "document-management",
                                 "it-development", "task-management", "workflow-management"])
        #expect(draft.contact == Contact(name: "Joeri Bekker"))
        #expect(draft.organisation == OrganisationReference(oin: zoetermeer))
        #expect(draft.validate() == [])
    }

    static let signalenLike = """
        publiccodeYmlVersion: '0.2'
        name: Signalen frontend
        url: 'https://github.com/Amsterdam/signals-frontend'
        landingURL: 'https://signalen.org/'
        developmentStatus: beta
        categories:
          - workflow-management
        description:
          nl:
            localisedName: Signalen
            shortDescription: >-
              Signalen is een open source proces- en taaksysteem
              voor meldingen over de openbare ruimte.
            longDescription: |
              Eerste alinea.

              Tweede alinea.
          it:
            shortDescription: Non importato
        legal:
          license: MPL-2.0
        maintenance:
          type: community
          contacts:
            - name: Team Signalen
              email: signalen@amsterdam.example
              phone: '+31 20 123 4567'
              affiliation: Gemeente Amsterdam
        """

    @Test func mapsLandingPageLocalisedNamesAndContacts() throws {
        let draft = try PublicCode.solution(fromYAML: Self.signalenLike, organisation: zoetermeer).get()
        #expect(draft == SolutionDraft(
            name: LocalizedText(nl: "Signalen"),
            summary: LocalizedText(nl: "Signalen is een open source proces- en taaksysteem voor meldingen over de openbare ruimte."),
            description: LocalizedText(nl: "Eerste alinea.\n\nTweede alinea."),
            url: "https://signalen.org/", repository: "https://github.com/Amsterdam/signals-frontend", license: "MPL-2.0",
            developmentStatus: .beta, themes: ["workflow-management"],
            contact: Contact(name: "Team Signalen", email: "signalen@amsterdam.example", phone: "+31 20 123 4567"),
            organisation: OrganisationReference(oin: zoetermeer)))
    }

    /// Problems are named by where they are in the YAML file.
    @Test(arguments: [
        ("license: MPL-2.0", "license: Proprietary", ["legal.license unknown-value"]),
        ("  license: MPL-2.0", "  licence: MPL-2.0", ["legal.license required"]),
        ("- workflow-management", "- Workflow Management", ["categories.0 invalid"]),
        ("developmentStatus: beta", "developmentStatus: released", ["developmentStatus unknown-value"]),
        ("developmentStatus: beta", "developmentStatus: [beta]", ["developmentStatus invalid-type"]),
        ("landingURL: 'https://signalen.org/'", "landingURL: 'http://signalen.org/'", ["landingURL invalid"]),
        ("url: 'https://github.com/Amsterdam/signals-frontend'", "url: 'git@github.com:Amsterdam/signals.git'", ["url invalid"]),
        ("email: signalen@amsterdam.example", "email: signalen", ["maintenance.contacts.0.email invalid"]),
        ("    - name: Team Signalen", "    - nome: Team Signalen", ["maintenance.contacts.0.name required"]),
        ("publiccodeYmlVersion: '0.2'", "version: '0.2'", ["publiccodeYmlVersion required"]),
        ("  nl:", "  de:", ["description required", "name required"]),
        ("categories:", "categories: workflow\nx:", ["categories invalid-type"]),
        ("legal:\n  license: MPL-2.0", "legal: MPL-2.0", ["legal invalid-type", "legal.license required"]),
        ("  contacts:", "  contacts: Team Signalen\n  x:", ["maintenance.contacts invalid-type"]),
    ])
    func problemsAreNamedAsInTheFile(original: String, replacement: String, expected: [String]) throws {
        let yaml = Self.signalenLike.replacingOccurrences(of: original, with: replacement)
        try #require(yaml != Self.signalenLike)
        #expect(issueNames(yaml) == expected)
    }

    @Test func longDescriptionsOverTheLimitAreNamedByLanguage() {
        let long = String(repeating: "woord ", count: 2_000)
        let yaml = Self.signalenLike.replacingOccurrences(of: "Tweede alinea.", with: long)
        #expect(issueNames(yaml) == ["description.nl.longDescription too-long"])
    }

    @Test(arguments: [
        ("name: [unclosed\n", "body invalid-yaml", "line 1, column 7: a flow collection must close on the line it opens; multi-line flow collections are not supported"),
        ("- a\n- b\n", "body invalid-type", "a publiccode.yml file is a mapping of fields"),
        ("name: x\nname: y\n", "body invalid-yaml", "line 2, column 1: duplicate key \"name\" (first on line 1)"),
    ])
    func aFileThatIsNotPubliccodeIsOneIssue(yaml: String, expected: String, reason: String) {
        guard case .failure(let failure) = PublicCode.solution(fromYAML: yaml, organisation: zoetermeer) else {
            Issue.record("accepted")
            return
        }
        #expect(failure.issues.map { "\($0.name) \($0.code)" } == [expected])
        #expect(failure.issues.first?.reason == reason)
    }
}
