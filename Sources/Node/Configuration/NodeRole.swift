/// A node either serves one municipality or is the federation's registry (VNG): the trust anchor
/// and the directory of members.
public enum NodeRole: String, Sendable, Codable, CaseIterable {
    case municipality
    case registry
}
