import Foundation
import Schemas
import Testing

@testable import Federation

/// Heerlen's OIN, as the federation's examples use it (`!`: a valid 20-digit literal).
let heerlenOIN = OIN("00000001001589623000")!

/// Runs `body` in a fresh directory under /tmp, removed afterwards whether or not it threw.
func withTemporaryDirectory(_ body: (String) throws -> Void) throws {
    var template = Array("/tmp/knooppunt-pki-XXXXXX".utf8CString)
    guard mkdtemp(&template) != nil else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    let path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    let outcome = Result { try body(path) }
    try FileManager.default.removeItem(atPath: path)
    try outcome.get()
}

/// The permission bits of `path`, as `ls -l` shows them.
func permissionBits(of path: String) throws -> mode_t {
    var status = stat()
    guard stat(path, &status) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    return status.st_mode & 0o7777
}

/// A fresh CA in `directory/ca`: `create` is the only way to make one, so every test that
/// needs a CA exercises it.
func makeAuthority(in directory: String, name: String = "Knooppunt Test CA", validityDays: Int = 3650) throws
    -> CertificateAuthority
{
    try CertificateAuthority.create(directory: directory + "/ca", name: name, validityDays: validityDays)
}

/// True when `body` throws a `PKIError` that `matches` accepts; records the error otherwise.
func throwsPKIError(_ body: () throws -> Void, matching matches: (PKIError) -> Bool) -> Bool {
    do {
        try body()
        return false
    } catch let error as PKIError {
        if matches(error) { return true }
        Issue.record("unexpected PKIError: \(error)")
        return false
    } catch {
        Issue.record("unexpected error: \(error)")
        return false
    }
}
