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
        #expect((empty.connectTimeoutSeconds, empty.requestTimeoutSeconds, empty.maxAttempts) == (5, 30, 4))
        let client = try Self.decode(#"{"connectTimeoutSeconds":2,"requestTimeoutSeconds":120,"maxAttempts":1}"#)
        #expect((client.connectTimeoutSeconds, client.requestTimeoutSeconds, client.maxAttempts) == (2, 120, 1))
    }

    @Test(arguments: [
        #"{"directoryRefreshSeconds":0}"#,
        #"{"directoryRefreshSeconds":86401}"#,
        #"{"syncIntervalSeconds":0}"#,
        #"{"syncIntervalSeconds":86401}"#,
        #"{"connectTimeoutSeconds":0}"#,
        #"{"requestTimeoutSeconds":3601}"#,
        #"{"maxAttempts":0}"#,
        #"{"maxAttempts":11}"#,
        #"{"registryURL":"https://registry.example.nl"}"#,
        #"{"registryOIN":"00000001000000000001"}"#,
        #"{"registryURL":"http://registry.example.nl","registryOIN":"00000001000000000001"}"#,
    ])
    func invalidSectionsAreRefused(json: String) {
        #expect(throws: DecodingError.self) { _ = try Self.decode(json) }
    }
}
