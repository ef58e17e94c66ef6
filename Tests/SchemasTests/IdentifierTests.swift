import Foundation
import Testing
import Schemas

@Suite struct IdentifierTests {
    @Test(arguments: ["00000001000000917000", "12345678901234567890"])
    func acceptsTwentyDigitOINs(text: String) throws {
        #expect(try #require(OIN(text)).value == text)
    }

    @Test(arguments: ["", "0000000100000091700", "000000010000009170000", "0000000100000091700a", "٠٠٠٠٠٠٠١٠٠٠٠٠٠٩١٧٠٠٠", " 0000000100000091700"])
    func refusesAnythingElseAsOIN(text: String) {
        #expect(OIN(text) == nil)
    }

    @Test func cbsCodeKeepsItsLeadingZero() throws {
        #expect(try #require(CBSCode("0917")).value == "0917")
        #expect(CBSCode("917") == nil)
        #expect(CBSCode("09170") == nil)
    }

    @Test func decodingRejectsMalformedIdentifiersWithAClearReason() {
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([OIN].self, from: Data(#"["123"]"#.utf8))
        }
        let decoded = try? JSONDecoder().decode([OIN].self, from: Data(#"["00000001000000917000"]"#.utf8))
        #expect(decoded?.first?.value == "00000001000000917000")
    }
}
