import Dispatch
import Synchronization
import Testing
@testable import Node

struct DigestTests {
    /// FIPS 180-2's examples, and one longer than a SHA-256 block.
    @Test func sha256MatchesTheStandardsVectors() {
        #expect(Digest.sha256Hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Digest.sha256Hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Digest.sha256Hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(Digest.sha256(Array(repeating: 0x61, count: 1000)).count == 32)
    }

    /// The one fetched implementation serves every thread at once.
    @Test func sha256IsTheSameOnManyThreadsAtOnce() {
        let input = Array("abc".utf8)
        let mismatches = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 64) { _ in
            for _ in 0..<200 where Digest.sha256Hex(input) != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
                mismatches.add(1, ordering: .relaxed)
            }
        }
        #expect(mismatches.load(ordering: .relaxed) == 0)
    }

    @Test func sha1StaysTheNameBasedUUIDsHash() {
        #expect(Digest.hex(Digest.sha1(Array("abc".utf8))) == "a9993e364706816aba3e25717850c26c9cd0d89d")
    }
}
