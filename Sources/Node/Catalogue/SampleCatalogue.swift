import Foundation
import Schemas

/// Loads the sample federation's content (`examples/sample-federation.json`) that belongs to
/// this node: the solutions, adoptions and knowledge entries whose `origin` (a CBS code in the
/// file) is this node's municipality. Other nodes' samples reach this node by replication, never
/// by loading, since only the origin writes a record.
///
/// Idempotent: every record gets a name-based id (`NameBasedUUID`) from its kind, its origin's
/// OIN and its name or title, and a record whose id is present (even as a tombstone, so an
/// operator's deletion sticks) is skipped. An adoption names its solution by the same id the
/// solution's own node gives it, so the link holds across the federation.
public struct SampleCatalogue {
    public struct Summary: Sendable, Equatable, CustomStringConvertible {
        public var solutions = 0
        public var adoptions = 0
        public var knowledgeEntries = 0
        public var skipped = 0

        public var description: String {
            "loaded \(solutions) solution(s), \(adoptions) adoption(s), \(knowledgeEntries) knowledge entr\(knowledgeEntries == 1 ? "y" : "ies"); \(skipped) already present"
        }
    }

    public enum SampleError: Error, CustomStringConvertible {
        case notJSON(String)
        case malformed(String)
        case invalid(String, [ValidationIssue])

        public var description: String {
            switch self {
            case .notJSON(let reason): "the sample file is not JSON: \(reason)"
            case .malformed(let reason): "the sample file is malformed: \(reason)"
            case .invalid(let item, let issues): "sample \(item) is invalid: \(issues.map(\.description).joined(separator: "; "))"
            }
        }
    }

    struct Municipality {
        let oin: OIN
        let name: String
        let cbsCode: CBSCode
    }

    let json: JSONValue
    let municipalities: [String: Municipality]

    public init(bytes: [UInt8]) throws {
        do {
            json = try JSONParser.parse(bytes)
        } catch {
            throw SampleError.notJSON(error.description)
        }
        guard case .array(let list) = json["municipalities"] else { throw SampleError.malformed("no municipalities list") }
        var municipalities: [String: Municipality] = [:]
        for item in list {
            guard case .string(let name) = item["name"], case .string(let cbs) = item["cbsCode"],
                  case .string(let oinText) = item["oin"], let code = CBSCode(cbs), let oin = OIN(oinText) else {
                throw SampleError.malformed("a municipality lacks a name, a 4-digit cbsCode or a 20-digit oin")
            }
            municipalities[cbs] = Municipality(oin: oin, name: name, cbsCode: code)
        }
        self.municipalities = municipalities
    }

    /// The id a sample record gets on every node.
    public static func sampleID(kind: String, origin: OIN, name: String) -> UUID {
        NameBasedUUID.make(namespace: NameBasedUUID.sampleNamespace, name: "\(kind)|\(origin.value)|\(name)")
    }

    /// Writes this node's samples in one transaction, with `cli` as the audit actor.
    public func load(database: Database, localOrigin: OIN, signer: any ContentSigner, at date: Date = Date()) throws -> Summary {
        let actor = WriteActor("cli")
        let solutions = RecordStore<SolutionKind>(database: database, localOrigin: localOrigin, signer: signer)
        let adoptions = RecordStore<AdoptionKind>(database: database, localOrigin: localOrigin, signer: signer)
        let entries = RecordStore<KnowledgeEntryKind>(database: database, localOrigin: localOrigin, signer: signer)
        let solutionDrafts = try ownItems("solutions", localOrigin) { body, name in
            (try Self.draft(SolutionDraft.self, body, name), Self.text(body["name"]))
        }
        let adoptionDrafts = try adoptionItems(localOrigin)
        let entryDrafts = try ownItems("knowledge", localOrigin) { body, name in
            (try Self.draft(KnowledgeEntryDraft.self, body, name), Self.text(body["title"]))
        }
        return try database.write { connection in
            var summary = Summary()
            for (draft, name) in solutionDrafts {
                let id = Self.sampleID(kind: SolutionKind.kind, origin: localOrigin, name: name)
                if try RecordStore<SolutionKind>.find(id: id.uuidString.lowercased(), in: connection) != nil {
                    summary.skipped += 1
                } else {
                    _ = try solutions.create(draft, id: id, by: actor, at: date, in: connection)
                    summary.solutions += 1
                }
            }
            for draft in adoptionDrafts {
                let id = Self.sampleID(kind: AdoptionKind.kind, origin: localOrigin, name: draft.solutionId.uuidString.lowercased())
                if try RecordStore<AdoptionKind>.find(id: id.uuidString.lowercased(), in: connection) != nil {
                    summary.skipped += 1
                } else {
                    _ = try adoptions.create(draft, id: id, by: actor, at: date, in: connection)
                    summary.adoptions += 1
                }
            }
            for (draft, title) in entryDrafts {
                let id = Self.sampleID(kind: KnowledgeEntryKind.kind, origin: localOrigin, name: title)
                if try RecordStore<KnowledgeEntryKind>.find(id: id.uuidString.lowercased(), in: connection) != nil {
                    summary.skipped += 1
                } else {
                    _ = try entries.create(draft, id: id, by: actor, at: date, in: connection)
                    summary.knowledgeEntries += 1
                }
            }
            return summary
        }
    }

    /// The items of `key` whose `origin` CBS code is this node's, without `origin` (metadata,
    /// not content), read by `read`.
    private func ownItems<T>(_ key: String, _ localOrigin: OIN, _ read: (JSONValue, String) throws -> T) throws -> [T] {
        guard case .array(let list) = json[key] else { return [] }
        var result: [T] = []
        for (index, item) in list.enumerated() {
            guard case .object(var members) = item, case .string(let cbs) = members["origin"] else {
                throw SampleError.malformed("\(key).\(index) has no origin")
            }
            guard let municipality = municipalities[cbs] else { throw SampleError.malformed("\(key).\(index): unknown origin \(cbs)") }
            guard municipality.oin == localOrigin else { continue }
            members["origin"] = nil
            result.append(try read(.object(members), "\(key).\(index)"))
        }
        return result
    }

    /// Adoptions name their adopter and their solution's origin by CBS code and the solution by
    /// name; the adopter is the adoption's origin.
    private func adoptionItems(_ localOrigin: OIN) throws -> [AdoptionDraft] {
        guard case .array(let list) = json["adoptions"] else { return [] }
        var result: [AdoptionDraft] = []
        for (index, item) in list.enumerated() {
            guard case .string(let adopterCBS) = item["adopter"], case .string(let solutionCBS) = item["solutionOrigin"],
                  case .string(let solutionName) = item["solutionName"], case .string(let statusText) = item["status"] else {
                throw SampleError.malformed("adoptions.\(index) needs adopter, solutionOrigin, solutionName and status")
            }
            guard let adopter = municipalities[adopterCBS], let solutionOrigin = municipalities[solutionCBS] else {
                throw SampleError.malformed("adoptions.\(index) names an unknown municipality")
            }
            guard adopter.oin == localOrigin else { continue }
            guard let status = AdoptionStatus(rawValue: statusText) else {
                throw SampleError.malformed("adoptions.\(index): unknown status \(statusText)")
            }
            var notes: String?
            if case .string(let text) = item["notes"] { notes = text }
            var since: CalendarDate?
            if case .string(let text) = item["since"] { since = CalendarDate(text) }
            result.append(AdoptionDraft(
                solutionId: Self.sampleID(kind: SolutionKind.kind, origin: solutionOrigin.oin, name: solutionName),
                solutionOrigin: solutionOrigin.oin,
                municipality: MunicipalityReference(oin: adopter.oin, name: adopter.name, cbsCode: adopter.cbsCode),
                since: since, status: status, notes: notes))
        }
        return result
    }

    private static func draft<T: RecordContent>(_ type: T.Type, _ body: JSONValue, _ name: String) throws -> T {
        switch T.decodeDraft(from: body) {
        case .success(let draft): return draft
        case .failure(let failure): throw SampleError.invalid(name, failure.issues)
        }
    }

    private static func text(_ value: JSONValue?) -> String {
        if case .string(let text) = value { return text }
        return ""
    }
}
