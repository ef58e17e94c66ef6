import Foundation
import Node

/// `knooppunt apikey create`: prints the new key alone on the last line of stdout, once. With
/// `--merchant` the key is a merchant's own (its till or back office) and acts only for it.
struct APIKeyCreateCommand: Command {
    static let path = ["apikey", "create"]
    static let summary = "create an API key for an integrator (the key is printed once, on the last line)"
    static let options: [OptionSpec] = [
        .single("data", "DIR", "the node's data folder", required: true),
        .single("name", "NAME", "who the key is for, e.g. \"Buurtportaal\"", required: true),
        .single("scopes", "SCOPES", "comma-separated: \(APIScope.all.sorted().joined(separator: ","))", required: true),
        .single("merchant", "MERCHANT_ID", "bind the key to this merchant (scopes must be \(APIScope.coinMerchant) alone)"),
    ]

    let dataDirectory: String
    let name: String
    let scopes: [String]
    let merchant: String?

    init(_ arguments: ParsedArguments) throws(UsageError) {
        dataDirectory = try arguments.required("data")
        name = try arguments.required("name")
        scopes = try arguments.required("scopes").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let unknown = scopes.filter { !APIScope.all.contains($0) }
        guard unknown.isEmpty, !scopes.isEmpty else {
            throw UsageError("unknown scope(s) \(unknown.joined(separator: ", ")); known: \(APIScope.all.sorted().joined(separator: ", "))")
        }
        merchant = arguments.value("merchant")
        if let merchant {
            guard Set(scopes) == [APIScope.coinMerchant] else {
                throw UsageError("--merchant binds a merchant's own key and needs --scopes \(APIScope.coinMerchant) alone; "
                    + "any other scope would act beyond that merchant")
            }
            if let problem = HolderReference.problem(with: merchant) {
                throw UsageError("--merchant \(problem)")
            }
        }
    }

    func run() throws -> Int32 {
        let created = try NodeAssembly.withDatabase(dataDirectory: dataDirectory) {
            try APIKeyStore(database: $0).create(name: name, scopes: scopes, merchant: merchant)
        }
        let binding = merchant.map { ", bound to merchant \($0)" } ?? ""
        print("created API key \(created.id) for \(name) with scopes \(scopes.joined(separator: ","))\(binding)")
        print("store it now: it is not kept and cannot be shown again")
        print(created.token)
        return 0
    }
}

/// `knooppunt apikey list`: ids, names, scopes, merchant binding and state; never secrets.
struct APIKeyListCommand: Command {
    static let path = ["apikey", "list"]
    static let summary = "list API keys (ids, names, scopes, merchant bindings; never the keys themselves)"
    static let options: [OptionSpec] = [.single("data", "DIR", "the node's data folder", required: true)]

    let dataDirectory: String

    init(_ arguments: ParsedArguments) throws(UsageError) {
        dataDirectory = try arguments.required("data")
    }

    func run() throws -> Int32 {
        for key in try NodeAssembly.withDatabase(dataDirectory: dataDirectory, { try APIKeyStore(database: $0).list() }) {
            let state = key.revokedAt.map { "revoked \($0)" } ?? "active"
            let binding = key.merchant.map { "  merchant \($0)" } ?? ""
            print("\(key.id)  \(key.name)  \(key.scopes.joined(separator: ","))\(binding)  created \(key.createdAt)  \(state)")
        }
        return 0
    }
}

/// `knooppunt apikey revoke`: effective for the next request, also on a running node.
struct APIKeyRevokeCommand: Command {
    static let path = ["apikey", "revoke"]
    static let summary = "revoke an API key by id; the running node refuses it from the next request"
    static let options: [OptionSpec] = [
        .single("data", "DIR", "the node's data folder", required: true),
        .single("id", "KEY_ID", "the key's id, as `apikey list` shows it", required: true),
    ]

    let dataDirectory: String
    let id: String

    init(_ arguments: ParsedArguments) throws(UsageError) {
        dataDirectory = try arguments.required("data")
        id = try arguments.required("id")
    }

    func run() throws -> Int32 {
        try NodeAssembly.withDatabase(dataDirectory: dataDirectory) { try APIKeyStore(database: $0).revoke(id: id) }
        print("revoked API key \(id)")
        return 0
    }
}
