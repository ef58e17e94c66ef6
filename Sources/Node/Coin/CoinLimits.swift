/// The coin component's named bounds (style guide §7). Amounts are integer euro cents.
public enum CoinLimits {
    /// The largest single transfer: €1,000,000. Far above any reward, payment or redemption,
    /// and small enough that no sum of transfers a node will ever see overflows Int64.
    public static let maxAmountCents: Int64 = 100_000_000
    /// A task's reward: at most €1,000.
    public static let maxRewardCents: Int64 = 100_000
    /// The yearly issuance budget: at most €1,000,000,000.
    public static let maxYearlyBudgetCents: Int64 = 100_000_000_000
    /// Holder references are short pseudonyms.
    public static let maxHolderReferenceLength = 64
    /// A transfer's reference, a payout reference, a claim's note, a rejection reason.
    public static let maxReferenceLength = 200
    public static let maxTitleLength = 200
    public static let maxDescriptionLength = 4000
    public static let maxLocationLength = 200
    public static let maxMerchantNameLength = 200
    /// People a task can take; more is a campaign, not a task.
    public static let maxTaskCapacity: Int64 = 100_000
    /// How long a pending transfer may hold its reservation: at most a week, enough for a
    /// cross-node payment whose peer is down for a weekend.
    public static let maxPendingTimeoutSeconds: Int64 = 7 * 24 * 3600
    /// A pending transfer without an explicit timeout voids itself after ten minutes.
    public static let defaultPendingTimeoutSeconds: Int64 = 600
    /// Expired pending transfers voided per sweep job, so one job never holds the writer long.
    public static let maxExpiriesPerJob = 256
}
