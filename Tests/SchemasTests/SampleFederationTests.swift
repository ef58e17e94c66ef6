import Foundation
import Testing
@testable import Schemas

/// The project's sample content (`examples/sample-federation.json`) must load as drafts after the
/// mapping the demo loader does:
///
/// - every record's `origin` is a CBS code; it becomes the record's origin OIN through the
///   `municipalities` list, and is removed from the body (it is metadata, not content);
/// - solutions and knowledge entries are otherwise drafts as they stand: bare-string `name`,
///   `summary` and `description` read as English, `developmentStatus` uses `pilot` and
///   `production`, and `url`, `repository`, `organisation` and funding dates are optional;
/// - an adoption names its adopter by CBS code and its solution by origin and name; the loader
///   assigns the solutions their ids and builds `municipality` and `solutionId` from those.
struct SampleFederation {
    struct Municipality { let oin: OIN; let name: String; let cbsCode: CBSCode }

    let json: JSONValue
    let municipalities: [String: Municipality]

    init() throws {
        let bytes = try Data(contentsOf: repositoryRoot.appendingPathComponent("examples/sample-federation.json"))
        json = try JSONParser.parse(bytes)
        guard case .array(let list) = json["municipalities"] else { throw SampleError.missing("municipalities") }
        var municipalities: [String: Municipality] = [:]
        for item in list {
            guard case .string(let name) = item["name"], case .string(let cbs) = item["cbsCode"], case .string(let oin) = item["oin"],
                  let code = CBSCode(cbs), let oin = OIN(oin) else { throw SampleError.missing("municipality fields") }
            municipalities[cbs] = Municipality(oin: oin, name: name, cbsCode: code)
        }
        self.municipalities = municipalities
    }

    func items(_ key: String) throws -> [JSONValue] {
        guard case .array(let list) = json[key] else { throw SampleError.missing(key) }
        return list
    }

    /// The body without `origin`, and the origin's municipality.
    func split(_ item: JSONValue) throws -> (body: JSONValue, origin: Municipality) {
        guard case .object(var members) = item, case .string(let cbs)? = members.removeValue(forKey: "origin"),
              let origin = municipalities[cbs] else { throw SampleError.missing("origin") }
        return (.object(members), origin)
    }

    enum SampleError: Error { case missing(String) }
}

@Suite struct SampleFederationTests {
    let sample: SampleFederation

    init() throws {
        sample = try SampleFederation()
    }

    @Test func theSampleHasWhatTheTestsWalkThrough() throws {
        #expect(sample.municipalities.count == 5)
        #expect(try sample.items("solutions").count == 5)
        #expect(try sample.items("knowledge").count == 7)
        #expect(try sample.items("adoptions").count == 2)
    }

    @Test(arguments: 0..<5)
    func everySolutionIsAValidDraft(index: Int) throws {
        let (body, origin) = try sample.split(try sample.items("solutions")[index])
        let draft = try SolutionDraft.decodeDraft(from: body).get()
        #expect(draft.validate() == [])
        #expect(draft.name.en != nil && draft.summary.en != nil && draft.description?.en != nil)
        #expect(draft.license == "EUPL-1.2")
        // Wrapped with metadata, it survives the canonical round trip byte for byte.
        let record = Solution.created(draft, origin: origin.oin, at: Date())
        let bytes = try record.canonicalBytes()
        #expect(try Solution.decode(from: bytes).get() == record)
    }

    @Test func theSampleUsesKnooppuntsOwnDevelopmentStages() throws {
        let statuses = try sample.items("solutions").map { try SolutionDraft.decodeDraft(from: sample.split($0).body).get().developmentStatus }
        #expect(statuses == [.pilot, .production, .pilot, .concept, .concept])
    }

    @Test(arguments: 0..<7)
    func everyKnowledgeEntryIsAValidDraft(index: Int) throws {
        let (body, origin) = try sample.split(try sample.items("knowledge")[index])
        let draft = try KnowledgeEntryDraft.decodeDraft(from: body).get()
        #expect(draft.validate() == [])
        #expect((draft.kind == .fundingScheme) == (draft.funding != nil))
        let record = KnowledgeEntry.created(draft, origin: origin.oin, at: Date())
        #expect(try KnowledgeEntry.decode(from: try record.canonicalBytes()).get() == record)
    }

    @Test func fundingAmountsAreWholeCents() throws {
        let funding = try sample.items("knowledge").compactMap { try KnowledgeEntryDraft.decodeDraft(from: sample.split($0).body).get().funding }
        #expect(funding.map(\.maxAmountCents) == [260_000_000, 2_500_000])
        #expect(funding.map(\.ownContributionPercent) == [20, 50])
        #expect(funding.allSatisfy { $0.isOpen(on: CalendarDate(year: 2026, month: 11, day: 23)!) })
    }

    /// The demo loader's mapping of an adoption: adopter and solution origin by CBS code to
    /// OINs, the solution by origin and name to the id the loader gave it.
    @Test(arguments: 0..<2)
    func everyAdoptionMapsOntoAValidDraft(index: Int) throws {
        var solutionIds: [String: UUID] = [:]
        for solution in try sample.items("solutions") {
            let (body, origin) = try sample.split(solution)
            let name = try SolutionDraft.decodeDraft(from: body).get().name.en ?? ""
            solutionIds["\(origin.cbsCode)/\(name)"] = UUID()
        }
        let adoption = try sample.items("adoptions")[index]
        guard case .string(let adopterCode) = adoption["adopter"], let adopter = sample.municipalities[adopterCode],
              case .string(let originCode) = adoption["solutionOrigin"], let solutionOrigin = sample.municipalities[originCode],
              case .string(let solutionName) = adoption["solutionName"], let status = adoption["status"],
              let solutionId = solutionIds["\(originCode)/\(solutionName)"] else {
            Issue.record("adoption \(index) does not resolve")
            return
        }
        let body = JSONValue.object([
            "solutionId": .string(solutionId.uuidString),
            "solutionOrigin": .string(solutionOrigin.oin.value),
            "municipality": .object(["oin": .string(adopter.oin.value), "name": .string(adopter.name),
                                     "cbsCode": .string(adopter.cbsCode.value)]),
            "status": status,
        ])
        let draft = try AdoptionDraft.decodeDraft(from: body).get()
        #expect(draft.validate() == [])
        #expect([AdoptionStatus.considering, .piloting][index] == draft.status)
    }
}
