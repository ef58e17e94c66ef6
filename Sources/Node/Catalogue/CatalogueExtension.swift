import Schemas

/// The `solutions` component: the catalogue of reusable solutions and of who adopted them, at
/// `/api/solutions/v1/solutions` and `/api/solutions/v1/adoptions`, plus the nested
/// `/solutions/{id}/adoptions` list (the conventions' `/core/nested-child`).
public struct CatalogueExtension: NodeExtension {
    public static let component = APIComponent(name: "solutions", version: "1.0.0")
    static let basePath = "/api/solutions/v1"

    /// YAML media types `POST /solutions` reads as a publiccode.yml file: `application/yaml`
    /// (RFC 9512) and the older names clients still send.
    public static let yamlMediaTypes = ["application/yaml", "application/x-yaml", "text/yaml"]

    public init() {}

    /// Reads a publiccode.yml body as a solution of `organisation` (the importing node).
    public static func importers(organisation: OIN) -> [String: RecordRoutes<SolutionKind>.BodyImporter] {
        let importer: RecordRoutes<SolutionKind>.BodyImporter = { body in
            PublicCode.solution(fromYAML: body, organisation: organisation)
        }
        return Dictionary(uniqueKeysWithValues: yamlMediaTypes.map { ($0, importer) })
    }

    public var components: [APIComponent] { [Self.component] }

    public var migrations: [Migration] { [SolutionKind.migration, AdoptionKind.migration, SolutionKind.searchRebuild] }

    /// What the sync engine calls to apply peers' solutions and adoptions.
    public func replicaAppliers(localOrigin: OIN) -> [any ReplicaApplier] {
        [SharedRecordReplicaApplier<SolutionKind>(localOrigin: localOrigin),
         SharedRecordReplicaApplier<AdoptionKind>(localOrigin: localOrigin)]
    }

    public func register(in table: inout RouteTable, context: NodeContext) {
        let origin = context.configuration.oin
        let solutions = RecordRoutes<SolutionKind>(
            store: RecordStore(database: context.database, localOrigin: origin, signer: context.signer),
            component: Self.component, collectionPath: Self.basePath + "/solutions", writeScope: APIScope.solutionsWrite,
            filterKeys: SolutionKind.filterKeys, importers: Self.importers(organisation: origin), logger: context.logger,
            parseFilters: SolutionKind.parseFilters)
        let adoptions = RecordRoutes<AdoptionKind>(
            store: RecordStore(database: context.database, localOrigin: origin, signer: context.signer),
            component: Self.component, collectionPath: Self.basePath + "/adoptions", writeScope: APIScope.solutionsWrite,
            filterKeys: AdoptionKind.filterKeys, logger: context.logger, parseFilters: AdoptionKind.parseFilters)
        solutions.register(in: &table)
        adoptions.register(in: &table)
        table.add(Route("GET", Self.basePath + "/solutions/{id}/adoptions", component: Self.component, access: .open) { request in
            try solutions.nested(request) {
                let id = try RecordRoutes<SolutionKind>.recordID(request)
                return try adoptions.list(request) { query in query.require("r.solution_id = ?", .text(id)) }
            }
        })
    }
}
