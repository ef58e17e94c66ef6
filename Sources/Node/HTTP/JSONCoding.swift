import Foundation

/// The one place where the node turns values into JSON and back, so every component shares the
/// same key order, date format and error reporting.
public enum JSONCoding {
    public static func encode<Value: Encodable>(_ value: Value) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(RFC3339.string(from: date))
        }
        do {
            return Array(try encoder.encode(value))
        } catch {
            // Our own response types always encode; failing here is a programming error.
            preconditionFailure("response value failed to encode: \(error)")
        }
    }
}

