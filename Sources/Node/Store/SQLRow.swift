/// One result row, copied out of SQLite so it outlives its statement and may cross threads.
/// Name lookup is exact and linear: rows have few columns, and a dictionary per row would cost
/// more than it saves.
public struct SQLRow: Sendable {
    /// Column names in result order, as SQLite reports them (the `AS` alias when there is one).
    public let columnNames: [String]
    /// Values in result order, one per column name.
    public let values: [SQLValue]

    init(columnNames: [String], values: [SQLValue]) {
        precondition(columnNames.count == values.count, "a row has one value per column")
        self.columnNames = columnNames
        self.values = values
    }

    /// The value in the named column, or `nil` when the row has no such column.
    public subscript(name: String) -> SQLValue? {
        guard let index = columnNames.firstIndex(of: name) else { return nil }
        return values[index]
    }

    /// The value at `index`, which must be below `values.count`.
    public subscript(index: Int) -> SQLValue {
        values[index]
    }

    /// The named column's value, or `nil` when the column is absent or not text.
    public func string(_ name: String) -> String? {
        self[name].flatMap(String.init(sqlValue:))
    }

    /// The named column's value, or `nil` when the column is absent or not an integer.
    public func int64(_ name: String) -> Int64? {
        self[name].flatMap(Int64.init(sqlValue:))
    }

    /// The named column's value, or `nil` when the column is absent or not an integer.
    public func int(_ name: String) -> Int? {
        self[name].flatMap(Int.init(sqlValue:))
    }

    /// The named column's value, or `nil` when the column is absent or not a real.
    public func double(_ name: String) -> Double? {
        self[name].flatMap(Double.init(sqlValue:))
    }

    /// The named column's value, or `nil` when the column is absent or not a blob.
    public func blob(_ name: String) -> [UInt8]? {
        self[name].flatMap([UInt8].init(sqlValue:))
    }

    /// The named column's value for columns that must be present and non-NULL; reading a
    /// `NOT NULL` column this way turns a schema/query mismatch into an error instead of a
    /// silently defaulted value.
    public func required<Value: SQLValueDecodable>(
        _ name: String,
        as type: Value.Type = Value.self
    ) throws(StoreError) -> Value {
        guard let value = self[name] else { throw .missingColumn(name) }
        guard let decoded = Value(sqlValue: value) else {
            throw .typeMismatch(column: name, expected: String(describing: type), found: value.storageClass)
        }
        return decoded
    }
}
