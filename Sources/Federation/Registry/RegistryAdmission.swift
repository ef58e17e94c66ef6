import Foundation
import Schemas

/// Admitting a member by its certificate signing request: the registry's CA issues the member's
/// certificate (its key never leaves the member) and the member enters the directory, in that
/// order of checks, so that a refused admission issues nothing.
public struct RegistryAdmission: Sendable {
    public struct Admitted: Sendable {
        public let certificate: Certificate
        public let member: DirectoryMember
        public let outcome: RegistryStore.AdmissionOutcome
    }

    private let authority: CertificateAuthority
    private let store: RegistryStore

    public init(authority: CertificateAuthority, store: RegistryStore) {
        self.authority = authority
        self.store = store
    }

    /// - Parameters:
    ///   - hosts: the certificate's names; when empty, the names the request asks for, and when
    ///     it asks for none, the base URL's host. The base URL's host must be among them, or the
    ///     member's peers would refuse its server certificate.
    public func admit(request: CertificateSigningRequest, baseURL: String, cbsCode: CBSCode?, hosts: [String],
                      validityDays: Int, reinstate: Bool) throws -> Admitted {
        guard PeerClient.isValidBaseURL(baseURL), let host = URLComponents(string: baseURL)?.host else {
            throw RegistryError.invalidBaseURL(baseURL)
        }
        guard let oin = request.subjectOIN else { throw RegistryError.requestWithoutOIN }
        let names = !hosts.isEmpty ? hosts : (!request.requestedHosts.isEmpty ? request.requestedHosts : [host])
        // Compared as certificate names, so `::1` and `0:0::1` or letter case do not differ.
        let baseName = try SubjectAlternativeName(host: host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")))
        guard try names.contains(where: { name throws(PKIError) in try SubjectAlternativeName(host: name) == baseName }) else {
            throw RegistryError.baseURLHostNotInCertificate(host: host, hosts: names)
        }
        if let existing = try store.member(oin), existing.status == .revoked, !reinstate {
            throw RegistryError.revokedMember(oin)
        }
        let certificate = try authority.issue(request: request, hosts: names, validityDays: validityDays)
        guard let name = certificate.commonName else { throw PKIError.missingCommonName }
        let outcome = try store.admit(RegistryStore.Admission(oin: oin, name: name, cbsCode: cbsCode, baseURL: baseURL,
                                                              certificate: certificate, reinstate: reinstate))
        guard let member = try store.member(oin) else { preconditionFailure("an admitted member is in the store") }
        return Admitted(certificate: certificate, member: member, outcome: outcome)
    }
}
