/// The ledger's Prometheus series, for the scheme's administrator (how much is issued, paid and
/// redeemed) and the operator (refusals, expiries). Every series is registered when the
/// component starts, so it reads zero until its first event, and the payment path counts with
/// an atomic add on a series picked by code: no label rendering and no lock per payment.
///
/// Creations and movements count only after the writer returned, that is once they are durable;
/// a refusal counts when the ledger threw a `LedgerError` for the request.
public struct CoinMetrics: Sendable {
    /// The three outcomes of one transfer code's creations.
    private struct Outcomes: Sendable {
        let created: CounterSeries
        let replayed: CounterSeries
        let refused: CounterSeries
    }

    private let outcomes: [TransferCode: Outcomes]
    private let movedCents: [TransferCode: CounterSeries]
    private let posted: CounterSeries
    private let voided: CounterSeries
    private let expired: CounterSeries

    public init(metrics: Metrics) {
        let transfersHelp = "Transfer creations by transfer code and outcome (created, replayed, refused)."
        let movedHelp = "Cents moved between accounts by posted transfers, by transfer code."
        var outcomes: [TransferCode: Outcomes] = [:]
        var movedCents: [TransferCode: CounterSeries] = [:]
        for code in TransferCode.allCases {
            func transfers(_ outcome: String) -> CounterSeries {
                metrics.counter("knooppunt_coin_transfers_total", help: transfersHelp, labels: [("code", code.rawValue), ("outcome", outcome)])
            }
            outcomes[code] = Outcomes(created: transfers("created"), replayed: transfers("replayed"), refused: transfers("refused"))
            movedCents[code] = metrics.counter("knooppunt_coin_moved_cents_total", help: movedHelp, labels: [("code", code.rawValue)])
        }
        self.outcomes = outcomes
        self.movedCents = movedCents
        func resolved(_ state: String) -> CounterSeries {
            metrics.counter("knooppunt_coin_transfers_resolved_total", help: "Pending transfers resolved: posted, voided on request, expired.",
                            labels: [("state", state)])
        }
        posted = resolved("posted")
        voided = resolved("voided")
        expired = resolved("expired")
    }

    /// After the write holding the creation (and `activity`) returned.
    func recordCreation(_ outcome: Ledger.CreateOutcome, activity: LedgerActivity) {
        switch outcome {
        case .created(let transfer): series(transfer.code).created.increment()
        case .replayed(let transfer): series(transfer.code).replayed.increment()
        }
        record(activity)
    }

    func recordRefusal(code: TransferCode) {
        series(code).refused.increment()
    }

    /// After the write holding `activity` returned.
    func record(_ activity: LedgerActivity) {
        if activity.postedCount > 0 { posted.increment(by: activity.postedCount) }
        if activity.voidedCount > 0 { voided.increment(by: activity.voidedCount) }
        if activity.expiredCount > 0 { expired.increment(by: activity.expiredCount) }
        if let movement = activity.movement {
            guard let series = movedCents[movement.code] else { preconditionFailure("every code has its series (init)") }
            series.increment(by: Int(movement.amountCents))
        }
    }

    private func series(_ code: TransferCode) -> Outcomes {
        guard let series = outcomes[code] else { preconditionFailure("every code has its series (init)") }
        return series
    }
}
