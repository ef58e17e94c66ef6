import Foundation
import Schemas

/// The HTTP face of one kind of shared record: a collection with create and a filtered, paged
/// list, and items with read, update and delete.
///
/// - Reads are public (`RouteAccess.open`, so any browser origin may use them); writes need
///   `writeScope`.
/// - Every item response carries a strong `ETag`; `If-None-Match` gives 304 on reads.
/// - `PUT` requires `If-Match` (428 without it, 412 when it does not match): the catalogue is
///   edited by several people and portals at once, and an update that silently overwrote a
///   change its author never saw is the failure this API must not allow. `DELETE` honours
///   `If-Match` when sent.
/// - A deleted record answers 404 with code `deleted` (the conventions list no 410); its
///   tombstone stays for the federation and is left out of lists.
/// - Writes to a record another node owns answer 409 `not-origin`.
public struct RecordRoutes<Kind: SharedRecordKind>: Sendable {
    public typealias FilterParser = @Sendable (QueryParameters, inout RecordListQuery, inout [InvalidParam]) -> Void
    /// Reads a request body of one extra media type (such as `application/yaml`) into content.
    public typealias BodyImporter = @Sendable ([UInt8]) -> Result<Kind.Content, ValidationFailure>

    let store: RecordStore<Kind>
    let component: APIComponent
    /// E.g. `/api/solutions/v1/solutions`.
    let collectionPath: String
    let writeScope: String
    /// The list's query keys besides `page` and `pageSize`.
    let filterKeys: Set<String>
    let parseFilters: FilterParser
    /// Media types `POST` accepts besides `application/json`, by their essence.
    let importers: [String: BodyImporter]
    let logger: Logger

    public init(store: RecordStore<Kind>, component: APIComponent, collectionPath: String, writeScope: String,
                filterKeys: Set<String>, importers: [String: BodyImporter] = [:], logger: Logger,
                parseFilters: @escaping FilterParser) {
        self.store = store
        self.component = component
        self.collectionPath = collectionPath
        self.writeScope = writeScope
        self.filterKeys = filterKeys
        self.parseFilters = parseFilters
        self.importers = importers
        self.logger = logger
    }

    public func register(in table: inout RouteTable) {
        let itemPath = collectionPath + "/{id}"
        table.add(Route("GET", collectionPath, component: component, access: .open) { request in
            try guarded(request) { try list(request) }
        })
        table.add(Route("POST", collectionPath, component: component, access: .apiKey(scope: writeScope)) { request in
            try guarded(request) { try create(request) }
        })
        table.add(Route("GET", itemPath, component: component, access: .open) { request in
            try guarded(request) { try read(request) }
        })
        table.add(Route("PUT", itemPath, component: component, access: .apiKey(scope: writeScope)) { request in
            try guarded(request) { try update(request) }
        })
        table.add(Route("DELETE", itemPath, component: component, access: .apiKey(scope: writeScope)) { request in
            try guarded(request) { try delete(request) }
        })
    }

    // MARK: Handlers

    /// `GET collection`; `fixed` adds conditions a nested route implies (`/solutions/{id}/adoptions`).
    public func list(_ request: Request, fixed: ((inout RecordListQuery) -> Void)? = nil) throws -> Response {
        var issues: [InvalidParam] = []
        request.checkQueryKeys(allowed: filterKeys.union(["page", "pageSize"]), issues: &issues)
        var query = RecordListQuery(page: PageRequest.parse(request.query, issues: &issues))
        parseFilters(request.query, &query, &issues)
        fixed?(&query)
        guard issues.isEmpty else { throw Problem.badRequest("The query has invalid parameters.", invalidParams: issues) }
        let result = try store.list(query)
        return Self.pageResponse(result.records, count: result.count, page: query.page, path: request.path, query: request.query)
    }

    func create(_ request: Request) throws -> Response {
        let content = try decodeCreateBody(request)
        let stored = try store.create(content, by: .init(AuditLog.actor(of: request), requestID: request.id))
        var response = Self.recordResponse(stored, status: .created)
        response.headers.add("Location", collectionPath + "/" + stored.id)
        return response
    }

    func read(_ request: Request) throws -> Response {
        let id = try Self.recordID(request)
        guard let stored = try store.find(id: id) else { throw RecordStoreError.notFound(kind: Kind.noun, id: id) }
        guard !stored.isDeleted else { throw RecordStoreError.deleted(kind: Kind.noun, id: id) }
        if let field = request.headers["If-None-Match"], let condition = EntityTag.Condition(parsing: field),
           condition.matchesWeakly(stored.etag) {
            var response = Response(status: .notModified)
            response.headers.add("ETag", stored.etag)
            return response
        }
        return Self.recordResponse(stored, status: .ok)
    }

    func update(_ request: Request) throws -> Response {
        let id = try Self.recordID(request)
        let content = try decodeJSONBody(request)
        guard let field = request.headers["If-Match"] else { throw RecordProblems.preconditionRequired(Kind.noun) }
        guard let condition = EntityTag.Condition(parsing: field) else {
            // RFC 9110 section 13.1.1: a condition that cannot be evaluated as true fails.
            guard let current = try store.find(id: id) else { throw RecordStoreError.notFound(kind: Kind.noun, id: id) }
            throw RecordStoreError.preconditionFailed(kind: Kind.noun, id: id, currentETag: current.etag)
        }
        let stored = try store.update(id: id, with: content, ifMatch: condition,
                                      by: .init(AuditLog.actor(of: request), requestID: request.id))
        return Self.recordResponse(stored, status: .ok)
    }

    func delete(_ request: Request) throws -> Response {
        let id = try Self.recordID(request)
        var condition: EntityTag.Condition?
        if let field = request.headers["If-Match"] {
            condition = EntityTag.Condition(parsing: field) ?? .tags([])
        }
        _ = try store.delete(id: id, ifMatch: condition, by: .init(AuditLog.actor(of: request), requestID: request.id))
        return Response(status: .noContent)
    }

    // MARK: Bodies

    private func decodeCreateBody(_ request: Request) throws -> Kind.Content {
        guard let contentType = request.headers["Content-Type"] else {
            throw RecordProblems.unsupportedMediaType(["application/json"] + importers.keys.sorted())
        }
        if MediaType.isJSON(contentType) { return try decodeJSONBody(request) }
        guard let importer = importers[MediaType.essence(contentType)] else {
            throw RecordProblems.unsupportedMediaType(["application/json"] + importers.keys.sorted())
        }
        guard !request.body.isEmpty else { throw Problem.badRequest("The request body is empty.") }
        return try Self.content(importer(request.body))
    }

    private func decodeJSONBody(_ request: Request) throws -> Kind.Content {
        guard let contentType = request.headers["Content-Type"], MediaType.isJSON(contentType) else {
            throw RecordProblems.unsupportedMediaType(["application/json"])
        }
        guard !request.body.isEmpty else { throw Problem.badRequest("The request body is empty; a JSON object is expected.") }
        return try Self.content(Kind.Content.decodeDraft(from: request.body))
    }

    private static func content(_ result: Result<Kind.Content, ValidationFailure>) throws -> Kind.Content {
        switch result {
        case .success(let content): return content
        case .failure(let failure):
            throw RecordProblems.invalid(failure.issues)
        }
    }

    // MARK: Responses

    /// The id from the path, lowercased; anything but a UUID names no record (404).
    static func recordID(_ request: Request) throws -> String {
        let text = request.pathParameter("id")
        guard text.utf8.count == 36, let uuid = UUID(uuidString: text) else {
            throw Problem.notFound("There is no \(Kind.noun) with this id; ids are UUIDs.")
        }
        return uuid.uuidString.lowercased()
    }

    static func recordResponse(_ stored: StoredRecord, status: HTTPStatus) -> Response {
        var response = Response.bytes(stored.content, contentType: "application/json", status: status)
        response.headers.add("ETag", stored.etag)
        return response
    }

    /// A ZGW page whose `results` are the stored canonical bytes, spliced in without decoding.
    static func pageResponse(_ records: [StoredRecord], count: Int, page: PageRequest, path: String,
                             query: QueryParameters) -> Response {
        let links = Page<Int>(results: [], count: count, request: page, path: path, query: query)
        var response = links.response(request: page, path: path, query: query)
        var body: [UInt8] = []
        body.reserveCapacity(records.reduce(64) { $0 + $1.content.count + 1 })
        body += Array("{\"count\":\(count),\"next\":".utf8) + JSONCoding.encode(links.next)
        body += Array(",\"previous\":".utf8) + JSONCoding.encode(links.previous)
        body += Array(",\"results\":[".utf8)
        for (index, record) in records.enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body += record.content
        }
        body += Array("]}".utf8)
        response.body = body
        return response
    }

    /// Maps the store's refusals to problems once, and turns an overloaded store into 503.
    /// Runs a handler of a route nested under this collection's items (`/solutions/{id}/adoptions`).
    /// A parent this node holds as deleted takes its children with it (404, like the parent). A
    /// parent it does not hold at all may live at another node, not yet replicated, and still have
    /// children here, so that case is the nested handler's to answer.
    public func nested(_ request: Request, _ body: () throws -> Response) throws -> Response {
        try guarded(request) {
            let id = try Self.recordID(request)
            if let parent = try store.find(id: id), parent.isDeleted {
                throw RecordStoreError.deleted(kind: Kind.noun, id: id)
            }
            return try body()
        }
    }

    private func guarded(_ request: Request, _ body: () throws -> Response) throws -> Response {
        do {
            return try body()
        } catch let error as RecordStoreError {
            if case .corrupt = error {
                logger.error("stored record does not decode", [("requestId", .string(request.id)), ("error", .string(error.description))])
            }
            throw RecordProblems.problem(for: error)
        } catch let error as StoreError {
            switch error {
            case .busy:
                throw Problem.serviceUnavailable("The node's database is busy; retry shortly.", retryAfterSeconds: 1)
            case .constraint:
                throw Problem(status: .conflict, code: "conflict", detail: "The write conflicts with a stored record.")
            default:
                throw error
            }
        }
    }
}
