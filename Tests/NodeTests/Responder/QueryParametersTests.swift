import Foundation
import Testing
@testable import Node

@Suite struct QueryParametersTests {
    @Test func decodesPercentAndPlusAndKeepsOrderAndRepeats() throws {
        let query = try #require(QueryParameters.parse("q=air%20quality&theme=a&theme=b&x=1+2&empty="))
        #expect(query["q"] == "air quality")
        #expect(query.values("theme") == ["a", "b"])
        #expect(query["x"] == "1 2")
        #expect(query["empty"] == "")
        #expect(query["missing"] == nil)
    }

    @Test(arguments: ["a=%", "a=%4", "a=%zz", "a=%ff%fe"])
    func refusesBrokenEscapesAndInvalidUTF8(raw: String) {
        #expect(QueryParameters.parse(Substring(raw)) == nil)
    }

    @Test func pathSegmentsAreDecodedOneByOne() throws {
        let target = try #require(RequestTarget("/a/b%2Fc/d?x=1"))
        #expect(target.segments == ["a", "b/c", "d"])
        #expect(target.path == "/a/b%2Fc/d")
        #expect(target.query["x"] == "1")
    }

    @Test func rfc3339IsUTCWithMilliseconds() {
        let date = Date(timeIntervalSince1970: 1_795_000_000.123)
        #expect(RFC3339.string(from: date) == "2026-11-18T11:06:40.123Z")
    }
}

@Suite struct RequestIDTests {
    @Test func idsAreDistinctVersion4UUIDs() {
        let ids = (0..<1000).map { _ in RequestID.make() }
        #expect(Set(ids).count == ids.count)
        for id in ids.prefix(20) {
            let uuid = UUID(uuidString: id)
            #expect(uuid != nil && id == id.lowercased(), "\(id)")
            #expect(Array(id)[14] == "4")
            #expect("89ab".contains(Array(id)[19]))
        }
    }
}
