/// Base64 with the standard alphabet and padding (RFC 4648 section 4), on bytes. The change feed
/// carries every record's content and signature this way; Foundation's `Data` coder cost a
/// round trip through `Data` and `String` per change, which showed in a sync's profile.
///
/// Decoding is strict, so that a text has one meaning and exactly one text carries given bytes:
/// the length is a multiple of four, padding appears only as the last one or two characters,
/// no whitespace or line breaks, and the bits that padding leaves unused are zero (section 3.5).
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let padding = UInt8(ascii: "=")
    /// A character's six bits, indexed by the character; `invalid` for everything outside the
    /// alphabet, padding included.
    private static let sextets: [UInt8] = {
        var table = [UInt8](repeating: invalid, count: 256)
        for (value, character) in alphabet.enumerated() { table[Int(character)] = UInt8(value) }
        return table
    }()
    private static let invalid: UInt8 = 0xFF

    /// The length of the text `byteCount` bytes encode to.
    static func encodedCount(_ byteCount: Int) -> Int {
        (byteCount + 2) / 3 * 4
    }

    /// The number of bytes a valid `text` decodes to, from its length and padding alone: what a
    /// size limit can check before decoding. For an invalid text the figure means nothing, and
    /// `decode` refuses the text.
    static func decodedCount(of text: some BidirectionalCollection<UInt8>) -> Int {
        let paddingCount = text.reversed().prefix(2).prefix { $0 == padding }.count
        return max(text.count / 4 * 3 - paddingCount, 0)
    }

    /// The text of `bytes`, padded to a multiple of four characters.
    static func encode(_ bytes: [UInt8]) -> [UInt8] {
        let count = encodedCount(bytes.count)
        return [UInt8](unsafeUninitializedCapacity: count) { output, initializedCount in
            bytes.withUnsafeBufferPointer { input in
                alphabet.withUnsafeBufferPointer { alphabet in
                    var read = 0
                    var write = 0
                    while read + 3 <= input.count {
                        let group = UInt32(input[read]) << 16 | UInt32(input[read + 1]) << 8 | UInt32(input[read + 2])
                        output[write] = alphabet[Int(group >> 18)]
                        output[write + 1] = alphabet[Int(group >> 12 & 0x3F)]
                        output[write + 2] = alphabet[Int(group >> 6 & 0x3F)]
                        output[write + 3] = alphabet[Int(group & 0x3F)]
                        read += 3
                        write += 4
                    }
                    let remaining = input.count - read
                    guard remaining > 0 else { return }
                    let group = UInt32(input[read]) << 16 | (remaining == 2 ? UInt32(input[read + 1]) << 8 : 0)
                    output[write] = alphabet[Int(group >> 18)]
                    output[write + 1] = alphabet[Int(group >> 12 & 0x3F)]
                    output[write + 2] = remaining == 2 ? alphabet[Int(group >> 6 & 0x3F)] : padding
                    output[write + 3] = padding
                }
            }
            initializedCount = count
        }
    }

    /// The bytes `text` encodes, or nil when it is not strict base64 (see the type).
    static func decode(_ text: some Collection<UInt8>) -> [UInt8]? {
        text.withContiguousStorageIfAvailable(decode(buffer:)) ?? Array(text).withUnsafeBufferPointer(decode(buffer:))
    }

    private static func decode(buffer text: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard text.count % 4 == 0 else { return nil }
        guard !text.isEmpty else { return [] }
        let paddingCount = text[text.count - 1] != padding ? 0 : text[text.count - 2] != padding ? 1 : 2
        var bytes = [UInt8](repeating: 0, count: text.count / 4 * 3 - paddingCount)
        let isValid = sextets.withUnsafeBufferPointer { sextets in
            bytes.withUnsafeMutableBufferPointer { bytes in
                var read = 0
                var write = 0
                // Every group but the last has four characters of the alphabet.
                while read + 4 < text.count {
                    let first = sextets[Int(text[read])], second = sextets[Int(text[read + 1])]
                    let third = sextets[Int(text[read + 2])], fourth = sextets[Int(text[read + 3])]
                    // A sextet has its two high bits clear; `invalid` has them set.
                    guard (first | second | third | fourth) & 0xC0 == 0 else { return false }
                    let group = UInt32(first) << 18 | UInt32(second) << 12 | UInt32(third) << 6 | UInt32(fourth)
                    bytes[write] = UInt8(truncatingIfNeeded: group >> 16)
                    bytes[write + 1] = UInt8(truncatingIfNeeded: group >> 8)
                    bytes[write + 2] = UInt8(truncatingIfNeeded: group)
                    read += 4
                    write += 3
                }
                return decodeLastGroup(text[read..<(read + 4)], paddingCount: paddingCount, sextets: sextets,
                                       into: bytes, at: write)
            }
        }
        return isValid ? bytes : nil
    }

    /// The last group: two, three or four characters of the alphabet, then padding to four.
    private static func decodeLastGroup(_ group: Slice<UnsafeBufferPointer<UInt8>>, paddingCount: Int,
                                        sextets: UnsafeBufferPointer<UInt8>, into bytes: UnsafeMutableBufferPointer<UInt8>,
                                        at write: Int) -> Bool {
        var bits: UInt32 = 0
        for (position, character) in group.enumerated() where position < 4 - paddingCount {
            let sextet = sextets[Int(character)]
            guard sextet != invalid else { return false }
            bits |= UInt32(sextet) << (18 - 6 * position)
        }
        let byteCount = 3 - paddingCount
        // The bits after the last whole byte must be zero, or two texts would carry the same bytes.
        guard bits & (0xFF_FFFF >> (8 * byteCount)) == 0 else { return false }
        for index in 0..<byteCount {
            bytes[write + index] = UInt8(truncatingIfNeeded: bits >> (16 - 8 * index))
        }
        return true
    }
}
