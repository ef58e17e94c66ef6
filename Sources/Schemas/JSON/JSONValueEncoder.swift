import Foundation

/// Encodes an `Encodable` into a `JSONValue` tree, which `CanonicalJSON` then writes. Dates,
/// UUIDs and URLs get the forms the canonical encoding documents, whatever their own
/// `encode(to:)` would do; every `encode` overload funnels through `box`, so an optional or an
/// array of dates is caught as well.
struct JSONValueEncoder {
    enum NumberPolicy {
        /// For canonical bytes: integers within ±(2^53 - 1), floating point refused.
        case integersOnly
        /// For re-reading a value in memory (`validate()`): every number passes through as a
        /// double, and the readers judge its range.
        case lenient
    }

    let numberPolicy: NumberPolicy

    func encode(_ value: some Encodable) throws(CanonicalJSONError) -> JSONValue {
        do {
            return try box(value, codingPath: []).value()
        } catch let error as CanonicalJSONError {
            throw error
        } catch {
            throw .encodingFailed(path: "", message: String(describing: error))
        }
    }

    func box<T: Encodable>(_ value: T, codingPath: [any CodingKey]) throws -> EncodingSlot {
        let slot = EncodingSlot()
        switch value {
        case let date as Date:
            guard let text = RFC3339Timestamp.string(from: date) else {
                throw CanonicalJSONError.dateOutOfRange(path: Self.path(codingPath))
            }
            slot.scalar = .string(text)
        case let uuid as UUID:
            slot.scalar = .string(uuid.uuidString.lowercased())
        case let url as URL:
            slot.scalar = .string(url.absoluteString)
        case let json as JSONValue:
            slot.scalar = json
        case let text as String:
            slot.scalar = .string(text)
        case let flag as Bool:
            slot.scalar = .bool(flag)
        case let number as Double:
            slot.scalar = try floatingPoint(number, codingPath: codingPath)
        case let number as Float:
            slot.scalar = try floatingPoint(Double(number), codingPath: codingPath)
        case let number as Decimal:
            slot.scalar = try floatingPoint(NSDecimalNumber(decimal: number).doubleValue, codingPath: codingPath)
        case let number as any BinaryInteger:
            slot.scalar = try integer(number, codingPath: codingPath)
        default:
            try value.encode(to: SlotEncoder(slot: slot, codingPath: codingPath, owner: self))
        }
        return slot
    }

    private func floatingPoint(_ number: Double, codingPath: [any CodingKey]) throws -> JSONValue {
        switch numberPolicy {
        case .integersOnly:
            throw CanonicalJSONError.floatingPointNotAllowed(path: Self.path(codingPath))
        case .lenient:
            guard number.isFinite else { throw CanonicalJSONError.nonFiniteNumber(path: Self.path(codingPath)) }
            return .number(number)
        }
    }

    private func integer(_ number: some BinaryInteger, codingPath: [any CodingKey]) throws -> JSONValue {
        if numberPolicy == .integersOnly, number.magnitude > SchemaLimits.maxSafeInteger {
            throw CanonicalJSONError.integerOutOfRange(path: Self.path(codingPath))
        }
        return .number(Double(number))
    }

    static func path(_ codingPath: [any CodingKey]) -> String {
        codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }
}

/// One value under construction. Containers hold their children by reference, so a container
/// handed out earlier still writes into the tree after its encoder has returned (as Codable
/// expects), and two keyed containers on the same encoder fill one object: that is how a record
/// lays its metadata and its content side by side.
final class EncodingSlot {
    var scalar: JSONValue?
    var object: [String: EncodingSlot]?
    var array: [EncodingSlot]?

    func value() -> JSONValue {
        if let scalar { return scalar }
        if let object { return .object(object.mapValues { $0.value() }) }
        if let array { return .array(array.map { $0.value() }) }
        // A type that asked for no container encodes as an empty object, as JSONEncoder does.
        return .object([:])
    }
}

private struct SlotEncoder: Encoder {
    let slot: EncodingSlot
    let codingPath: [any CodingKey]
    let owner: JSONValueEncoder
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        precondition(slot.scalar == nil && slot.array == nil, "an Encodable asked for a keyed container after writing another kind")
        if slot.object == nil { slot.object = [:] }
        return KeyedEncodingContainer(KeyedSlotContainer<Key>(slot: slot, codingPath: codingPath, owner: owner))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        precondition(slot.scalar == nil && slot.object == nil, "an Encodable asked for an unkeyed container after writing another kind")
        if slot.array == nil { slot.array = [] }
        return UnkeyedSlotContainer(slot: slot, codingPath: codingPath, owner: owner)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleSlotContainer(slot: slot, codingPath: codingPath, owner: owner)
    }
}

private struct IndexKey: CodingKey {
    let intValue: Int?
    var stringValue: String { String(intValue ?? 0) }
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { return nil }
    init?(intValue: Int) { self.intValue = intValue }
}

private struct KeyedSlotContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let slot: EncodingSlot
    let codingPath: [any CodingKey]
    let owner: JSONValueEncoder

    private func put(_ child: EncodingSlot, _ key: Key) {
        slot.object![key.stringValue] = child  // set by `container(keyedBy:)`, which made this container
    }

    mutating func encodeNil(forKey key: Key) throws {
        let child = EncodingSlot()
        child.scalar = .null
        put(child, key)
    }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        put(try owner.box(value, codingPath: codingPath + [key]), key)
    }

    mutating func encode(_ value: Bool, forKey key: Key) throws { put(try owner.box(value, codingPath: codingPath + [key]), key) }
    mutating func encode(_ value: String, forKey key: Key) throws { put(try owner.box(value, codingPath: codingPath + [key]), key) }
    mutating func encode(_ value: Double, forKey key: Key) throws { put(try owner.box(value, codingPath: codingPath + [key]), key) }
    mutating func encode(_ value: Float, forKey key: Key) throws { put(try owner.box(value, codingPath: codingPath + [key]), key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { put(try owner.box(value, codingPath: codingPath + [key]), key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { put(try owner.box(value, codingPath: codingPath + [key]), key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { put(try owner.box(value, codingPath: codingPath + [key]), key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { put(try owner.box(value, codingPath: codingPath + [key]), key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { put(try owner.box(value, codingPath: codingPath + [key]), key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { put(try owner.box(value, codingPath: codingPath + [key]), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { put(try owner.box(value, codingPath: codingPath + [key]), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { put(try owner.box(value, codingPath: codingPath + [key]), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { put(try owner.box(value, codingPath: codingPath + [key]), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { put(try owner.box(value, codingPath: codingPath + [key]), key) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey> {
        let child = EncodingSlot()
        child.object = [:]
        put(child, key)
        return KeyedEncodingContainer(KeyedSlotContainer<NestedKey>(slot: child, codingPath: codingPath + [key], owner: owner))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = EncodingSlot()
        child.array = []
        put(child, key)
        return UnkeyedSlotContainer(slot: child, codingPath: codingPath + [key], owner: owner)
    }

    mutating func superEncoder() -> any Encoder {
        let child = EncodingSlot()
        slot.object!["super"] = child  // set by `container(keyedBy:)`
        return SlotEncoder(slot: child, codingPath: codingPath, owner: owner)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        let child = EncodingSlot()
        put(child, key)
        return SlotEncoder(slot: child, codingPath: codingPath + [key], owner: owner)
    }
}

/// `slot.array` is set by whoever makes this container and is never cleared, hence its `!`s.
private struct UnkeyedSlotContainer: UnkeyedEncodingContainer {
    let slot: EncodingSlot
    let codingPath: [any CodingKey]
    let owner: JSONValueEncoder

    var count: Int { slot.array!.count }

    private var nextPath: [any CodingKey] { codingPath + [IndexKey(count)] }

    mutating func encodeNil() throws {
        let child = EncodingSlot()
        child.scalar = .null
        slot.array!.append(child)
    }

    mutating func encode<T: Encodable>(_ value: T) throws { slot.array!.append(try owner.box(value, codingPath: nextPath)) }
    mutating func encode(_ value: Bool) throws { slot.array!.append(try owner.box(value, codingPath: nextPath)) }
    mutating func encode(_ value: String) throws { slot.array!.append(try owner.box(value, codingPath: nextPath)) }
    mutating func encode(_ value: Double) throws { slot.array!.append(try owner.box(value, codingPath: nextPath)) }
    mutating func encode(_ value: Float) throws { slot.array!.append(try owner.box(value, codingPath: nextPath)) }
    mutating func encode(_ value: Int) throws { slot.array!.append(try owner.box(value, codingPath: nextPath)) }
    mutating func encode(_ value: Int8) throws { slot.array!.append(try owner.box(value, codingPath: nextPath)) }
    mutating func encode(_ value: Int16) throws { slot.array!.append(try owner.box(value, codingPath: nextPath)) }
    mutating func encode(_ value: Int32) throws { slot.array!.append(try owner.box(value, codingPath: nextPath)) }
    mutating func encode(_ value: Int64) throws { slot.array!.append(try owner.box(value, codingPath: nextPath)) }
    mutating func encode(_ value: UInt) throws { slot.array!.append(try owner.box(value, codingPath: nextPath)) }
    mutating func encode(_ value: UInt8) throws { slot.array!.append(try owner.box(value, codingPath: nextPath)) }
    mutating func encode(_ value: UInt16) throws { slot.array!.append(try owner.box(value, codingPath: nextPath)) }
    mutating func encode(_ value: UInt32) throws { slot.array!.append(try owner.box(value, codingPath: nextPath)) }
    mutating func encode(_ value: UInt64) throws { slot.array!.append(try owner.box(value, codingPath: nextPath)) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let child = EncodingSlot()
        child.object = [:]
        let path = nextPath
        slot.array!.append(child)
        return KeyedEncodingContainer(KeyedSlotContainer<NestedKey>(slot: child, codingPath: path, owner: owner))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let child = EncodingSlot()
        child.array = []
        let path = nextPath
        slot.array!.append(child)
        return UnkeyedSlotContainer(slot: child, codingPath: path, owner: owner)
    }

    mutating func superEncoder() -> any Encoder {
        let child = EncodingSlot()
        let path = nextPath
        slot.array!.append(child)
        return SlotEncoder(slot: child, codingPath: path, owner: owner)
    }
}

private struct SingleSlotContainer: SingleValueEncodingContainer {
    let slot: EncodingSlot
    let codingPath: [any CodingKey]
    let owner: JSONValueEncoder

    private func set(_ boxed: EncodingSlot) {
        slot.scalar = boxed.scalar
        slot.object = boxed.object
        slot.array = boxed.array
    }

    mutating func encodeNil() throws { slot.scalar = .null }
    mutating func encode<T: Encodable>(_ value: T) throws { set(try owner.box(value, codingPath: codingPath)) }
    mutating func encode(_ value: Bool) throws { set(try owner.box(value, codingPath: codingPath)) }
    mutating func encode(_ value: String) throws { set(try owner.box(value, codingPath: codingPath)) }
    mutating func encode(_ value: Double) throws { set(try owner.box(value, codingPath: codingPath)) }
    mutating func encode(_ value: Float) throws { set(try owner.box(value, codingPath: codingPath)) }
    mutating func encode(_ value: Int) throws { set(try owner.box(value, codingPath: codingPath)) }
    mutating func encode(_ value: Int8) throws { set(try owner.box(value, codingPath: codingPath)) }
    mutating func encode(_ value: Int16) throws { set(try owner.box(value, codingPath: codingPath)) }
    mutating func encode(_ value: Int32) throws { set(try owner.box(value, codingPath: codingPath)) }
    mutating func encode(_ value: Int64) throws { set(try owner.box(value, codingPath: codingPath)) }
    mutating func encode(_ value: UInt) throws { set(try owner.box(value, codingPath: codingPath)) }
    mutating func encode(_ value: UInt8) throws { set(try owner.box(value, codingPath: codingPath)) }
    mutating func encode(_ value: UInt16) throws { set(try owner.box(value, codingPath: codingPath)) }
    mutating func encode(_ value: UInt32) throws { set(try owner.box(value, codingPath: codingPath)) }
    mutating func encode(_ value: UInt64) throws { set(try owner.box(value, codingPath: codingPath)) }
}
