/// What a list request asks of one kind's table: filter conditions, an optional full-text
/// search, an order and a page. Conditions are SQL fragments written in this module over the
/// alias `r`, with `?` for every value; values from the request only ever travel as bound
/// parameters.
public struct RecordListQuery: Sendable {
    /// One key of the order, as `sort=` names them.
    public enum SortKey: String, Sendable, CaseIterable {
        /// FTS5's bm25 rank (best first); without `q` there is nothing to rank, so it is skipped.
        case relevance
        /// When the record was created at its origin.
        case date
        /// A funding scheme's closing date; records without one come last in either direction.
        case deadline
    }

    public struct Sort: Sendable, Equatable {
        public let key: SortKey
        public let isDescending: Bool
    }

    public var conditions: [String] = []
    public var parameters: [SQLValue] = []
    public var search: FullTextQuery?
    /// `q` was given but holds no word to search for (only punctuation): nothing matches.
    public var matchesNothing = false
    public var sort: [Sort] = []
    public var page: PageRequest

    public init(page: PageRequest = PageRequest()) {
        self.page = page
    }

    /// Adds one condition with its values.
    public mutating func require(_ condition: String, _ values: SQLValue...) {
        precondition(condition.filter { $0 == "?" }.count == values.count, "one value per ? in \(condition)")
        conditions.append(condition)
        parameters += values
    }

    /// `ORDER BY` terms; the caller appends `r.position` so that ties, and the default order,
    /// follow the order records reached this node (stable while others write, see
    /// `SharedRecordTable`). With a search and no explicit sort, the best match comes first.
    func ordering(searchTable: String?) -> [String] {
        let effective = sort.isEmpty && search != nil ? [Sort(key: .relevance, isDescending: false)] : sort
        return effective.compactMap { sort in
            let direction = sort.isDescending ? "DESC" : "ASC"
            switch sort.key {
            case .relevance:
                guard search != nil, let searchTable else { return nil }
                return "\(searchTable).rank \(direction)"
            case .date:
                return "r.created_at \(direction)"
            case .deadline:
                return "r.deadline IS NULL, r.deadline \(direction)"
            }
        }
    }

    /// The longest `sort=` value: three keys need 28 characters; the rest is headroom.
    public static let maxSortLength = 100

    /// Parses `sort=-deadline,date`: keys from `allowed`, `-` for descending. A
    /// repeated key is harmless (the first decides), so it is not an error.
    public static func parseSort(_ text: String, allowed: [SortKey], issues: inout [InvalidParam]) -> [Sort] {
        guard text.utf8.count <= maxSortLength else {
            issues.append(InvalidParam(name: "sort", code: "invalid", reason: "at most \(maxSortLength) characters"))
            return []
        }
        var sorts: [Sort] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let isDescending = part.hasPrefix("-")
            let name = isDescending ? part.dropFirst() : part
            guard let key = SortKey(rawValue: String(name)), allowed.contains(key) else {
                issues.append(InvalidParam(name: "sort", code: "invalid",
                                           reason: "a comma-separated list of \(allowed.map(\.rawValue).joined(separator: ", ")), - before a key for descending"))
                return []
            }
            sorts.append(Sort(key: key, isDescending: isDescending))
        }
        return sorts
    }
}
