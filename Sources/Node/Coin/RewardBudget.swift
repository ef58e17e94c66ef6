/// The yearly issuance budget: rewards created in a calendar year (UTC), pending or posted, may
/// not add up to more than the scheme's `yearlyIssuanceBudgetCents`. A voided pending reward
/// gives its amount back to the year it was charged to. Corrections from the issuance account
/// are staff's fixes and are not counted.
enum RewardBudget {
    /// The calendar year of an RFC 3339 UTC timestamp.
    static func year(of timestamp: String) -> Int {
        guard let year = Int(timestamp.prefix(4)) else {
            preconditionFailure("the ledger's timestamps start with a four-digit year")
        }
        return year
    }

    /// Counts `amountCents` against the year, or refuses when the budget would be exceeded.
    static func charge(_ amountCents: Int64, year: Int, in connection: SQLiteConnection) throws {
        let budget = try CoinSchemeStore.yearlyBudgetCents(in: connection)
        let used = try usedCents(year: year, in: connection)
        guard used + amountCents <= budget else {
            throw LedgerError.budgetExhausted(year: year, remainingCents: max(0, budget - used), amountCents: amountCents)
        }
        try connection.run("""
            INSERT INTO coin_reward_usage (year, rewarded_cents) VALUES (?, ?)
            ON CONFLICT (year) DO UPDATE SET rewarded_cents = rewarded_cents + excluded.rewarded_cents
            """, [.integer(Int64(year)), .integer(amountCents)])
    }

    /// Gives a voided pending reward's amount back to its year.
    static func release(_ amountCents: Int64, year: Int, in connection: SQLiteConnection) throws {
        let changed = try connection.run("UPDATE coin_reward_usage SET rewarded_cents = rewarded_cents - ? WHERE year = ?",
                                         [.integer(amountCents), .integer(Int64(year))])
        precondition(changed == 1, "a pending reward was charged to its year when it was created")
    }

    static func usedCents(year: Int, in connection: SQLiteConnection) throws -> Int64 {
        try connection.queryOne("SELECT rewarded_cents FROM coin_reward_usage WHERE year = ?", [.integer(Int64(year))])?
            .required("rewarded_cents") ?? 0
    }
}
