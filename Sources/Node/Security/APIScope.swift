/// The scopes an API key can carry, one per kind of write. A key gets only what its integrator
/// needs; `node:admin` reads the audit trail and `node:metrics` the Prometheus metrics (see
/// `MetricsAccess`).
public enum APIScope {
    public static let nodeAdmin = "node:admin"
    public static let nodeMetrics = "node:metrics"
    public static let solutionsWrite = "solutions:write"
    public static let knowledgeWrite = "knowledge:write"
    public static let coinAdmin = "coin:admin"
    public static let coinResident = "coin:resident"
    public static let coinPay = "coin:pay"
    public static let coinMerchant = "coin:merchant"

    public static let all: Set<String> = [
        nodeAdmin, nodeMetrics, solutionsWrite, knowledgeWrite, coinAdmin, coinResident, coinPay, coinMerchant,
    ]
}
