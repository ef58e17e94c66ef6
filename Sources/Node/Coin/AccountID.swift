import Schemas

/// The kinds of account a node's ledger keeps.
public enum AccountKind: String, Sendable, CaseIterable, Codable {
    /// A resident's coins, earned with tasks and spent at merchants.
    case resident
    /// A local business that accepts the coin and redeems it for euros.
    case merchant
    /// Where redeemed coins go: its balance is what the municipality has paid out in euros.
    case treasury
    /// Where coins come from: its balance is minus every coin ever issued.
    case issuance
    /// One per peer municipality, for cross-node payments; it runs either way until settlement.
    case clearing

    /// Whether the balance must stay covered (invariant 2): residents and merchants hold real
    /// value and may never go below zero, counting reservations. The municipality's own accounts
    /// and the clearing accounts are bookkeeping positions that go negative by design.
    public var mustStayCovered: Bool {
        self == .resident || self == .merchant
    }
}

/// An account's address, the same text in the API, the journal and the database:
/// `issuance`, `treasury`, `resident:<holder>`, `merchant:<holder>` or `clearing:<OIN>`.
///
/// Sign convention: an account's balance is its credits minus its debits. Every transfer debits
/// one account and credits another by the same amount, so the balances of a node always sum to
/// zero (invariant 1): issuance is minus the coins issued, residents, merchants and clearing
/// hold the coins in circulation, treasury holds the coins redeemed.
public struct AccountID: Hashable, Sendable, CustomStringConvertible, Comparable {
    public let kind: AccountKind
    /// The holder reference (resident, merchant), the peer's OIN (clearing), or nil.
    public let holder: String?

    public static let issuance = AccountID(kind: .issuance, holder: nil)
    public static let treasury = AccountID(kind: .treasury, holder: nil)

    private init(kind: AccountKind, holder: String?) {
        self.kind = kind
        self.holder = holder
    }

    /// A resident's account; `holder` must already be a valid holder reference.
    public static func resident(_ holder: String) -> AccountID {
        precondition(HolderReference.problem(with: holder) == nil, "resident holder references are validated first")
        return AccountID(kind: .resident, holder: holder)
    }

    /// A merchant's account; `holder` must already be a valid holder reference.
    public static func merchant(_ holder: String) -> AccountID {
        precondition(HolderReference.problem(with: holder) == nil, "merchant holder references are validated first")
        return AccountID(kind: .merchant, holder: holder)
    }

    public static func clearing(_ peer: OIN) -> AccountID {
        AccountID(kind: .clearing, holder: peer.value)
    }

    public var description: String {
        holder.map { "\(kind.rawValue):\($0)" } ?? kind.rawValue
    }

    public static func < (lhs: AccountID, rhs: AccountID) -> Bool {
        lhs.description < rhs.description
    }

    /// Parses an account address; the error is the reason for `invalidParams`.
    public static func parse(_ text: String) -> Result<AccountID, AccountIDError> {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard let kind = AccountKind(rawValue: String(parts[0])) else {
            return .failure(AccountIDError(reason: "must be issuance, treasury, resident:<holder>, merchant:<holder> or clearing:<OIN>"))
        }
        let holder = parts.count == 2 ? String(parts[1]) : nil
        switch (kind, holder) {
        case (.issuance, nil), (.treasury, nil):
            return .success(AccountID(kind: kind, holder: nil))
        case (.resident, let holder?), (.merchant, let holder?):
            if let problem = HolderReference.problem(with: holder) {
                return .failure(AccountIDError(reason: "holder reference \(problem)"))
            }
            return .success(AccountID(kind: kind, holder: holder))
        case (.clearing, let holder?):
            guard let oin = OIN(holder) else {
                return .failure(AccountIDError(reason: "a clearing account is clearing:<the peer's 20-digit OIN>"))
            }
            return .success(.clearing(oin))
        case (.issuance, _?), (.treasury, _?):
            return .failure(AccountIDError(reason: "\(kind.rawValue) has no holder"))
        case (.resident, nil), (.merchant, nil), (.clearing, nil):
            return .failure(AccountIDError(reason: "\(kind.rawValue) accounts are \(kind.rawValue):<holder>"))
        }
    }
}

public struct AccountIDError: Error, Sendable, Equatable {
    public let reason: String
}
