import Synchronization

/// Request ids: random version-4 UUIDs in lowercase text. They need to be unique, not secret, so
/// they come from a fast generator seeded once from the system's CSPRNG; Foundation's `UUID()`
/// opened and read /dev/urandom on every request.
enum RequestID {
    private static let generator = Mutex(Xoshiro256StarStar(seed: SystemRandomNumberGenerator()))
    private static let hexDigits = Array("0123456789abcdef".utf8)

    static func make() -> String {
        var (high, low) = generator.withLock { ($0.next(), $0.next()) }
        // RFC 9562 version 4 and variant bits.
        high = (high & ~0xF000) | 0x4000
        low = (low & ~(0xC << 60)) | (0x8 << 60)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(36)
        for (index, nibbleShift) in stride(from: 60, through: 0, by: -4).enumerated() {
            if index == 8 || index == 12 { bytes.append(UInt8(ascii: "-")) }
            bytes.append(hexDigits[Int((high >> UInt64(nibbleShift)) & 0xF)])
        }
        for (index, nibbleShift) in stride(from: 60, through: 0, by: -4).enumerated() {
            if index == 0 || index == 4 { bytes.append(UInt8(ascii: "-")) }
            bytes.append(hexDigits[Int((low >> UInt64(nibbleShift)) & 0xF)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// xoshiro256** (Blackman and Vigna): a small, fast, well-distributed generator for ids that
/// must not repeat but need not be unpredictable.
struct Xoshiro256StarStar: RandomNumberGenerator {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    init(seed: some RandomNumberGenerator) {
        var source = seed
        state = (source.next(), source.next(), source.next(), source.next())
        if state == (0, 0, 0, 0) { state.0 = 1 }
    }

    mutating func next() -> UInt64 {
        let result = rotate(state.1 &* 5, 7) &* 9
        let shifted = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= shifted
        state.3 = rotate(state.3, 45)
        return result
    }

    private func rotate(_ value: UInt64, _ count: UInt64) -> UInt64 {
        (value << count) | (value >> (64 - count))
    }
}
