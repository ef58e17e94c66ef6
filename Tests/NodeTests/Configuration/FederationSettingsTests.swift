import Foundation
import Testing

@testable import Node

/// The `federation` section of config.json.
@Suite struct FederationSettingsTests {
    static func decode(_ json: String) throws -> FederationSettings {
        try JSONDecoder().decode(FederationSettings.self, from: Data(json.utf8))
    }

    @Test func defaultsAndAFullSection() throws {
        let empty = try Self.decode("{}")
        #expect(!empty.pollsDirectory && empty.directoryRefreshSeconds == 60 && empty.syncIntervalSeconds == 30)
        #expect(try Self.decode(#"{"syncIntervalSeconds":2}"#).syncIntervalSeconds == 2)
        let full = try Self.decode(#"{"registryURL":"https://registry.example.nl:8443","registryOIN":"00000001000000000001","directoryRefreshSeconds":5}"#)
        #expect(full.pollsDirectory && full.directoryRefreshSeconds == 5 && full.registryOIN?.value == "00000001000000000001")
    }

    @Test(arguments: [
        #"{"directoryRefreshSeconds":0}"#,
        #"{"directoryRefreshSeconds":86401}"#,
        #"{"syncIntervalSeconds":0}"#,
        #"{"syncIntervalSeconds":86401}"#,
        #"{"registryURL":"https://registry.example.nl"}"#,
        #"{"registryOIN":"00000001000000000001"}"#,
        #"{"registryURL":"http://registry.example.nl","registryOIN":"00000001000000000001"}"#,
    ])
    func invalidSectionsAreRefused(json: String) {
        #expect(throws: DecodingError.self) { _ = try Self.decode(json) }
    }
}
