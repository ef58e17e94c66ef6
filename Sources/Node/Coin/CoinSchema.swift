/// The coin component's tables (migration versions 20-29, and 43 released after the others).
/// STRICT tables, so an amount can only ever be stored as an integer; CHECK constraints and
/// triggers repeat the ledger's rules in the database itself, so that a bug in the code, or a
/// hand-written UPDATE, fails instead of corrupting the books.
public enum CoinSchema {
    public static let migrations: [Migration] = [ledger, schemeRules, checksWithoutValueLists]

    /// Accounts, transfers and the hash-chained journal.
    static let ledger = Migration(version: 20, name: "coin ledger", sql: """
        CREATE TABLE coin_accounts (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('resident', 'merchant', 'treasury', 'issuance', 'clearing')),
            holder TEXT,
            balance_cents INTEGER NOT NULL DEFAULT 0,
            pending_debits_cents INTEGER NOT NULL DEFAULT 0 CHECK (pending_debits_cents >= 0),
            pending_credits_cents INTEGER NOT NULL DEFAULT 0 CHECK (pending_credits_cents >= 0),
            created_at TEXT NOT NULL,
            -- Invariant 2: a resident's or merchant's balance, less what is reserved, never goes below zero.
            CHECK (kind NOT IN ('resident', 'merchant') OR balance_cents - pending_debits_cents >= 0)
        ) STRICT;
        INSERT INTO coin_accounts (id, kind, holder, created_at) VALUES
            ('issuance', 'issuance', NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
            ('treasury', 'treasury', NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
        CREATE TRIGGER coin_accounts_no_delete BEFORE DELETE ON coin_accounts
            BEGIN SELECT RAISE(ABORT, 'ledger accounts are never deleted'); END;

        CREATE TABLE coin_transfers (
            id TEXT PRIMARY KEY,
            debit_account TEXT NOT NULL REFERENCES coin_accounts (id),
            credit_account TEXT NOT NULL REFERENCES coin_accounts (id),
            amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
            code TEXT NOT NULL CHECK (code IN ('reward', 'payment', 'redemption', 'correction', 'clearing')),
            reference TEXT,
            state TEXT NOT NULL CHECK (state IN ('pending', 'posted', 'voided')),
            -- Whether it was created two-phase; a replayed create answers with the state it was created in.
            created_pending INTEGER NOT NULL CHECK (created_pending IN (0, 1)),
            timeout_at TEXT,
            created_at TEXT NOT NULL,
            resolved_at TEXT,
            void_reason TEXT CHECK (void_reason IN ('requested', 'expired')),
            -- SHA-256 of the creating request's content: the same id with other content is refused.
            request_hash BLOB NOT NULL,
            -- The journal sequence of the creating entry: a stable, gapless order for listings.
            created_sequence INTEGER NOT NULL UNIQUE,
            CHECK (debit_account <> credit_account),
            CHECK ((state = 'voided') = (void_reason IS NOT NULL)),
            CHECK (created_pending = 1 OR state = 'posted'),
            CHECK (created_pending = 0 OR timeout_at IS NOT NULL)
        ) STRICT;
        CREATE INDEX coin_transfers_by_debit ON coin_transfers (debit_account, created_sequence);
        CREATE INDEX coin_transfers_by_credit ON coin_transfers (credit_account, created_sequence);
        -- Only pending rows: the sweeper's and the lazy expiry's way to due reservations.
        CREATE INDEX coin_transfers_pending_by_timeout ON coin_transfers (timeout_at) WHERE state = 'pending';
        CREATE TRIGGER coin_transfers_no_delete BEFORE DELETE ON coin_transfers
            BEGIN SELECT RAISE(ABORT, 'transfers are never deleted'); END;
        CREATE TRIGGER coin_transfers_immutable BEFORE UPDATE OF
            id, debit_account, credit_account, amount_cents, code, reference, created_pending, timeout_at,
            created_at, request_hash, created_sequence ON coin_transfers
            BEGIN SELECT RAISE(ABORT, 'a transfer''s content never changes'); END;
        -- Pending ends posted or voided, exactly once (invariant 3).
        CREATE TRIGGER coin_transfers_resolve_once BEFORE UPDATE OF state ON coin_transfers
            WHEN OLD.state <> 'pending' OR NEW.state = 'pending'
            BEGIN SELECT RAISE(ABORT, 'only a pending transfer is posted or voided, once'); END;

        CREATE TABLE coin_journal (
            sequence INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            event TEXT NOT NULL CHECK (event IN ('create-posted', 'create-pending', 'post-pending', 'void-pending', 'expire-pending')),
            transfer_id TEXT NOT NULL,
            code TEXT NOT NULL,
            debit_account TEXT NOT NULL,
            credit_account TEXT NOT NULL,
            amount_cents INTEGER NOT NULL,
            reference TEXT,
            timeout_at TEXT,
            hash BLOB NOT NULL CHECK (length(hash) = 32)
        ) STRICT;
        CREATE TRIGGER coin_journal_append_only_update BEFORE UPDATE ON coin_journal
            BEGIN SELECT RAISE(ABORT, 'the coin journal is append-only'); END;
        CREATE TRIGGER coin_journal_append_only_delete BEFORE DELETE ON coin_journal
            BEGIN SELECT RAISE(ABORT, 'the coin journal is append-only'); END;
        """)

    /// The scheme's settings and budget, merchants, participation tasks and claims.
    static let schemeRules = Migration(version: 21, name: "coin scheme rules", sql: """
        CREATE TABLE coin_scheme (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            code TEXT NOT NULL,
            name TEXT NOT NULL,
            yearly_issuance_budget_cents INTEGER NOT NULL CHECK (yearly_issuance_budget_cents >= 0),
            updated_at TEXT NOT NULL
        ) STRICT;
        INSERT INTO coin_scheme (id, code, name, yearly_issuance_budget_cents, updated_at)
            VALUES (1, 'COIN', 'Community coin', 0, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));

        -- Rewards counted against the budget per calendar year (UTC) of their creation; a voided
        -- pending reward gives its amount back.
        CREATE TABLE coin_reward_usage (
            year INTEGER PRIMARY KEY,
            rewarded_cents INTEGER NOT NULL CHECK (rewarded_cents >= 0)
        ) STRICT;

        CREATE TABLE coin_merchants (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            active INTEGER NOT NULL CHECK (active IN (0, 1)),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        ) STRICT;

        CREATE TABLE coin_tasks (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            description TEXT NOT NULL,
            reward_cents INTEGER NOT NULL CHECK (reward_cents > 0),
            capacity INTEGER NOT NULL CHECK (capacity > 0),
            approved_count INTEGER NOT NULL DEFAULT 0 CHECK (approved_count >= 0),
            period_start TEXT NOT NULL,
            period_end TEXT NOT NULL,
            location TEXT,
            created_at TEXT NOT NULL,
            CHECK (period_start <= period_end),
            CHECK (approved_count <= capacity)
        ) STRICT;
        CREATE TRIGGER coin_tasks_no_delete BEFORE DELETE ON coin_tasks
            BEGIN SELECT RAISE(ABORT, 'tasks are never deleted'); END;

        CREATE TABLE coin_claims (
            id TEXT PRIMARY KEY,
            task_id TEXT NOT NULL REFERENCES coin_tasks (id),
            resident TEXT NOT NULL,
            note TEXT,
            status TEXT NOT NULL CHECK (status IN ('submitted', 'approved', 'rejected')),
            submitted_at TEXT NOT NULL,
            decided_at TEXT,
            rejection_reason TEXT,
            transfer_id TEXT REFERENCES coin_transfers (id),
            request_hash BLOB NOT NULL,
            -- One claim per resident and task.
            UNIQUE (task_id, resident),
            CHECK ((status = 'approved') = (transfer_id IS NOT NULL)),
            CHECK ((status = 'submitted') = (decided_at IS NULL))
        ) STRICT;
        CREATE INDEX coin_claims_by_resident ON coin_claims (resident);
        -- A claim is decided once.
        CREATE TRIGGER coin_claims_decide_once BEFORE UPDATE OF status ON coin_claims
            WHEN OLD.status <> 'submitted'
            BEGIN SELECT RAISE(ABORT, 'a claim is approved or rejected once'); END;
        CREATE TRIGGER coin_claims_no_delete BEFORE DELETE ON coin_claims
            BEGIN SELECT RAISE(ABORT, 'claims are never deleted'); END;
        """)

    /// The same transfers and journal, with each CHECK on a closed set of words written as
    /// comparisons (`code = 'reward' OR ...`) instead of `IN (...)`. SQLite evaluates a CHECK's
    /// `IN` list of three or more values by building a temporary b-tree for every row it writes,
    /// which cost about a third of inserting a transfer on the single writer. The rules are
    /// unchanged, so every stored row passes them; rows, hashes, indexes and triggers are as before.
    /// Released after 1-42, so it takes the next version above all of them.
    static let checksWithoutValueLists = Migration(version: 43, name: "coin checks without value lists", sql: """
        CREATE TABLE coin_transfers_rebuilt (
            id TEXT PRIMARY KEY,
            debit_account TEXT NOT NULL REFERENCES coin_accounts (id),
            credit_account TEXT NOT NULL REFERENCES coin_accounts (id),
            amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
            code TEXT NOT NULL CHECK (code = 'reward' OR code = 'payment' OR code = 'redemption' OR code = 'correction'
                OR code = 'clearing'),
            reference TEXT,
            state TEXT NOT NULL CHECK (state = 'pending' OR state = 'posted' OR state = 'voided'),
            created_pending INTEGER NOT NULL CHECK (created_pending = 0 OR created_pending = 1),
            timeout_at TEXT,
            created_at TEXT NOT NULL,
            resolved_at TEXT,
            void_reason TEXT CHECK (void_reason = 'requested' OR void_reason = 'expired'),
            request_hash BLOB NOT NULL,
            created_sequence INTEGER NOT NULL UNIQUE,
            CHECK (debit_account <> credit_account),
            CHECK ((state = 'voided') = (void_reason IS NOT NULL)),
            CHECK (created_pending = 1 OR state = 'posted'),
            CHECK (created_pending = 0 OR timeout_at IS NOT NULL)
        ) STRICT;
        INSERT INTO coin_transfers_rebuilt (id, debit_account, credit_account, amount_cents, code, reference, state,
            created_pending, timeout_at, created_at, resolved_at, void_reason, request_hash, created_sequence)
        SELECT id, debit_account, credit_account, amount_cents, code, reference, state,
            created_pending, timeout_at, created_at, resolved_at, void_reason, request_hash, created_sequence
        FROM coin_transfers ORDER BY rowid;
        DROP TABLE coin_transfers;
        ALTER TABLE coin_transfers_rebuilt RENAME TO coin_transfers;
        CREATE INDEX coin_transfers_by_debit ON coin_transfers (debit_account, created_sequence);
        CREATE INDEX coin_transfers_by_credit ON coin_transfers (credit_account, created_sequence);
        CREATE INDEX coin_transfers_pending_by_timeout ON coin_transfers (timeout_at) WHERE state = 'pending';
        CREATE TRIGGER coin_transfers_no_delete BEFORE DELETE ON coin_transfers
            BEGIN SELECT RAISE(ABORT, 'transfers are never deleted'); END;
        CREATE TRIGGER coin_transfers_immutable BEFORE UPDATE OF
            id, debit_account, credit_account, amount_cents, code, reference, created_pending, timeout_at,
            created_at, request_hash, created_sequence ON coin_transfers
            BEGIN SELECT RAISE(ABORT, 'a transfer''s content never changes'); END;
        CREATE TRIGGER coin_transfers_resolve_once BEFORE UPDATE OF state ON coin_transfers
            WHEN OLD.state <> 'pending' OR NEW.state = 'pending'
            BEGIN SELECT RAISE(ABORT, 'only a pending transfer is posted or voided, once'); END;

        CREATE TABLE coin_journal_rebuilt (
            sequence INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            event TEXT NOT NULL CHECK (event = 'create-posted' OR event = 'create-pending' OR event = 'post-pending'
                OR event = 'void-pending' OR event = 'expire-pending'),
            transfer_id TEXT NOT NULL,
            code TEXT NOT NULL,
            debit_account TEXT NOT NULL,
            credit_account TEXT NOT NULL,
            amount_cents INTEGER NOT NULL,
            reference TEXT,
            timeout_at TEXT,
            hash BLOB NOT NULL CHECK (length(hash) = 32)
        ) STRICT;
        INSERT INTO coin_journal_rebuilt (sequence, at, event, transfer_id, code, debit_account, credit_account,
            amount_cents, reference, timeout_at, hash)
        SELECT sequence, at, event, transfer_id, code, debit_account, credit_account, amount_cents, reference, timeout_at, hash
        FROM coin_journal ORDER BY sequence;
        DROP TABLE coin_journal;
        ALTER TABLE coin_journal_rebuilt RENAME TO coin_journal;
        CREATE TRIGGER coin_journal_append_only_update BEFORE UPDATE ON coin_journal
            BEGIN SELECT RAISE(ABORT, 'the coin journal is append-only'); END;
        CREATE TRIGGER coin_journal_append_only_delete BEFORE DELETE ON coin_journal
            BEGIN SELECT RAISE(ABORT, 'the coin journal is append-only'); END;
        """, rebuildsReferencedTables: true)
}
