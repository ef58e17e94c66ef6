/// The journal table: appending entries to the hash chain, and reading them back.
enum LedgerJournal {
    /// The last entry's sequence and hash; (0, genesis) when the journal is empty.
    static func head(in connection: SQLiteConnection) throws -> (sequence: Int64, hash: [UInt8]) {
        guard let row = try connection.queryOne("SELECT sequence, hash FROM coin_journal ORDER BY sequence DESC LIMIT 1") else {
            return (0, JournalEntry.genesisHash)
        }
        return (try row.required("sequence"), try row.required("hash"))
    }

    /// Appends the entry for `event` on `transfer` as the next in the chain and returns it.
    @discardableResult
    static func append(_ event: JournalEvent, _ transfer: Transfer, at now: String, in connection: SQLiteConnection) throws -> JournalEntry {
        let head = try head(in: connection)
        let entry = JournalEntry(
            sequence: head.sequence + 1, at: now, event: event, transferID: transfer.id, code: transfer.code,
            debitAccount: transfer.debitAccount, creditAccount: transfer.creditAccount, amountCents: transfer.amountCents,
            reference: transfer.reference, timeoutAt: event == .createPending ? transfer.timeoutAt : nil)
        try connection.run("""
            INSERT INTO coin_journal (sequence, at, event, transfer_id, code, debit_account, credit_account, amount_cents,
                reference, timeout_at, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [
                .integer(entry.sequence), .text(entry.at), .text(entry.event.rawValue), .text(entry.transferID),
                .text(entry.code.rawValue), .text(entry.debitAccount), .text(entry.creditAccount), .integer(entry.amountCents),
                entry.reference.map(SQLValue.text) ?? .null, entry.timeoutAt.map(SQLValue.text) ?? .null,
                .blob(entry.hash(after: head.hash)),
            ])
        return entry
    }

    /// The entry in a row of `SELECT * FROM coin_journal`, with its stored hash.
    static func entry(from row: SQLRow) throws -> (entry: JournalEntry, storedHash: [UInt8]) {
        let event: String = try row.required("event")
        let code: String = try row.required("code")
        guard let parsedEvent = JournalEvent(rawValue: event), let parsedCode = TransferCode(rawValue: code) else {
            throw StoreError.typeMismatch(column: "event/code", expected: "a journal event and transfer code", found: "\(event)/\(code)")
        }
        let entry = JournalEntry(
            sequence: try row.required("sequence"), at: try row.required("at"), event: parsedEvent,
            transferID: try row.required("transfer_id"), code: parsedCode, debitAccount: try row.required("debit_account"),
            creditAccount: try row.required("credit_account"), amountCents: try row.required("amount_cents"),
            reference: row.string("reference"), timeoutAt: row.string("timeout_at"))
        return (entry, try row.required("hash"))
    }
}
