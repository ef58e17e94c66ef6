/*
 * The baseline for bench/ledger.sh: a payment's double-entry work as a plain C loop over SQLite,
 * with the same durability (WAL, synchronous=FULL), no HTTP, no TLS, no JSON parsing, prepared
 * statements reused. Two schemas:
 *
 *   ledger   the ledger's own tables, indexes, CHECKs, triggers and foreign keys
 *            (Sources/Node/Coin/CoinSchema.swift) and the statements the group-commit writer runs
 *            for one payment (Ledger.create): look the id up, look for due reservations, check the
 *            merchant, read the payer's available balance, read the journal's head, append the
 *            hash-chained journal entry (SHA-256 over the previous hash and the entry's canonical
 *            JSON), insert the transfer with its request hash, debit one account, credit the other.
 *            Committed one per transaction, it shows what the ledger's exact work costs when each
 *            payment is committed alone; 100 per transaction, about how fast one SQLite writer
 *            can do that work at all, the ceiling of the node's single group-commit writer.
 *            bench/ledger.sh prints both as information.
 *   minimal  three small tables without the ledger's indexes, checks, hashes or foreign keys:
 *            read the payer's balance, insert the transfer, debit, credit, append a journal row.
 *            The loop as it was before the ledger variant joined it, unchanged: the baseline of
 *            issue 5's target (2.5x its one-per-transaction rate), whose reference figures
 *            (about 6k/s, 57k/s batched) describe a loop this light.
 *
 *   sqlite_transfers DB_PATH TRANSFERS_PER_TRANSACTION SECONDS ledger|minimal
 *
 * DB_PATH must not exist yet: every run creates its tables and seeds them in an empty database.
 * Prints one line: "<transfers> transfers in <seconds> s = <rate> transfers/s".
 * Build: gcc -O2 -o sqlite_transfers sqlite_transfers.c -lsqlite3 -lcrypto
 */
#include <openssl/sha.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RESIDENTS 500
#define MERCHANTS 20

static sqlite3 *db;

static void check(int rc, const char *what) {
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
        fprintf(stderr, "%s: %s\n", what, sqlite3_errmsg(db));
        exit(1);
    }
}

static void exec(const char *sql) {
    char *message = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &message) != SQLITE_OK) {
        fprintf(stderr, "%s: %s\n", sql, message);
        exit(1);
    }
}

static sqlite3_stmt *prepare(const char *sql) {
    sqlite3_stmt *statement = NULL;
    check(sqlite3_prepare_v2(db, sql, -1, &statement, NULL), sql);
    return statement;
}

/* Steps a statement once, exiting on an error; returns SQLITE_ROW or SQLITE_DONE. */
static int step_once(sqlite3_stmt *statement, const char *what) {
    int rc = sqlite3_step(statement);
    check(rc, what);
    return rc;
}

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* RFC 3339 UTC with milliseconds, as the ledger stores every timestamp. */
static void timestamp(char *out, size_t size) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm utc;
    gmtime_r(&ts.tv_sec, &utc);
    size_t n = strftime(out, size, "%Y-%m-%dT%H:%M:%S", &utc);
    snprintf(out + n, size - n, ".%03ldZ", ts.tv_nsec / 1000000);
}

static void random_uuid(char *out, size_t size, long counter) {
    snprintf(out, size, "%08x-%04x-4%03x-8%03x-%012lx", rand(), rand() & 0xffff, rand() & 0xfff, rand() & 0xfff,
             counter);
}

static const char *ledger_schema =
    "CREATE TABLE coin_accounts (id TEXT PRIMARY KEY,"
    " kind TEXT NOT NULL CHECK (kind IN ('resident', 'merchant', 'treasury', 'issuance', 'clearing')),"
    " holder TEXT, balance_cents INTEGER NOT NULL DEFAULT 0,"
    " pending_debits_cents INTEGER NOT NULL DEFAULT 0 CHECK (pending_debits_cents >= 0),"
    " pending_credits_cents INTEGER NOT NULL DEFAULT 0 CHECK (pending_credits_cents >= 0),"
    " created_at TEXT NOT NULL,"
    " CHECK (kind NOT IN ('resident', 'merchant') OR balance_cents - pending_debits_cents >= 0)) STRICT;"
    "CREATE TRIGGER coin_accounts_no_delete BEFORE DELETE ON coin_accounts"
    " BEGIN SELECT RAISE(ABORT, 'ledger accounts are never deleted'); END;"
    "CREATE TABLE coin_merchants (id TEXT PRIMARY KEY, name TEXT NOT NULL,"
    " active INTEGER NOT NULL CHECK (active IN (0, 1)), created_at TEXT NOT NULL, updated_at TEXT NOT NULL) STRICT;"
    "CREATE TABLE coin_transfers (id TEXT PRIMARY KEY,"
    " debit_account TEXT NOT NULL REFERENCES coin_accounts (id),"
    " credit_account TEXT NOT NULL REFERENCES coin_accounts (id),"
    " amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),"
    " code TEXT NOT NULL CHECK (code = 'reward' OR code = 'payment' OR code = 'redemption' OR code = 'correction'"
    "  OR code = 'clearing'),"
    " reference TEXT,"
    " state TEXT NOT NULL CHECK (state = 'pending' OR state = 'posted' OR state = 'voided'),"
    " created_pending INTEGER NOT NULL CHECK (created_pending = 0 OR created_pending = 1),"
    " timeout_at TEXT, created_at TEXT NOT NULL, resolved_at TEXT,"
    " void_reason TEXT CHECK (void_reason = 'requested' OR void_reason = 'expired'),"
    " request_hash BLOB NOT NULL, created_sequence INTEGER NOT NULL UNIQUE,"
    " CHECK (debit_account <> credit_account), CHECK ((state = 'voided') = (void_reason IS NOT NULL)),"
    " CHECK (created_pending = 1 OR state = 'posted'), CHECK (created_pending = 0 OR timeout_at IS NOT NULL)) STRICT;"
    "CREATE INDEX coin_transfers_by_debit ON coin_transfers (debit_account, created_sequence);"
    "CREATE INDEX coin_transfers_by_credit ON coin_transfers (credit_account, created_sequence);"
    "CREATE INDEX coin_transfers_pending_by_timeout ON coin_transfers (timeout_at) WHERE state = 'pending';"
    "CREATE TRIGGER coin_transfers_no_delete BEFORE DELETE ON coin_transfers"
    " BEGIN SELECT RAISE(ABORT, 'transfers are never deleted'); END;"
    "CREATE TRIGGER coin_transfers_immutable BEFORE UPDATE OF"
    " id, debit_account, credit_account, amount_cents, code, reference, created_pending, timeout_at,"
    " created_at, request_hash, created_sequence ON coin_transfers"
    " BEGIN SELECT RAISE(ABORT, 'a transfer''s content never changes'); END;"
    "CREATE TRIGGER coin_transfers_resolve_once BEFORE UPDATE OF state ON coin_transfers"
    " WHEN OLD.state <> 'pending' OR NEW.state = 'pending'"
    " BEGIN SELECT RAISE(ABORT, 'only a pending transfer is posted or voided, once'); END;"
    "CREATE TABLE coin_journal (sequence INTEGER PRIMARY KEY, at TEXT NOT NULL,"
    " event TEXT NOT NULL CHECK (event = 'create-posted' OR event = 'create-pending' OR event = 'post-pending'"
    "  OR event = 'void-pending' OR event = 'expire-pending'),"
    " transfer_id TEXT NOT NULL, code TEXT NOT NULL, debit_account TEXT NOT NULL, credit_account TEXT NOT NULL,"
    " amount_cents INTEGER NOT NULL, reference TEXT, timeout_at TEXT,"
    " hash BLOB NOT NULL CHECK (length(hash) = 32)) STRICT;"
    "CREATE TRIGGER coin_journal_append_only_update BEFORE UPDATE ON coin_journal"
    " BEGIN SELECT RAISE(ABORT, 'the coin journal is append-only'); END;"
    "CREATE TRIGGER coin_journal_append_only_delete BEFORE DELETE ON coin_journal"
    " BEGIN SELECT RAISE(ABORT, 'the coin journal is append-only'); END;";

/* Residents bench-r<i> with a large balance and active merchants bench-m<i>, as bench/ledger.sh seeds. */
static void seed_ledger(void) {
    char now[32];
    timestamp(now, sizeof now);
    exec(ledger_schema);
    exec("BEGIN");
    sqlite3_stmt *account = prepare("INSERT INTO coin_accounts (id, kind, holder, balance_cents, created_at)"
                                    " VALUES (?, ?, ?, ?, ?)");
    sqlite3_stmt *merchant = prepare("INSERT INTO coin_merchants (id, name, active, created_at, updated_at)"
                                     " VALUES (?, ?, 1, ?, ?)");
    char id[64], holder[32];
    for (int i = 0; i < RESIDENTS + MERCHANTS; i++) {
        int is_resident = i < RESIDENTS;
        snprintf(holder, sizeof holder, is_resident ? "bench-r%d" : "bench-m%d", is_resident ? i : i - RESIDENTS);
        snprintf(id, sizeof id, "%s:%s", is_resident ? "resident" : "merchant", holder);
        sqlite3_bind_text(account, 1, id, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(account, 2, is_resident ? "resident" : "merchant", -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(account, 3, holder, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(account, 4, is_resident ? 100000000 : 0);
        sqlite3_bind_text(account, 5, now, -1, SQLITE_TRANSIENT);
        step_once(account, "seed account");
        sqlite3_reset(account);
        if (!is_resident) {
            sqlite3_bind_text(merchant, 1, holder, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(merchant, 2, holder, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(merchant, 3, now, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(merchant, 4, now, -1, SQLITE_TRANSIENT);
            step_once(merchant, "seed merchant");
            sqlite3_reset(merchant);
        }
    }
    sqlite3_finalize(account);
    sqlite3_finalize(merchant);
    exec("COMMIT");
}

static sqlite3_stmt *find_transfer, *due, *merchant_active, *available, *journal_head, *append_journal,
    *insert_transfer, *move;

/* One payment from a random resident to a random merchant, as Ledger.create does it; 0 if refused. */
static int ledger_payment(long counter) {
    char id[64], debit[32], credit[32], holder[16], now[32], json[512];
    int resident = rand() % RESIDENTS, shop = rand() % MERCHANTS, amount = 1 + rand() % 100;
    random_uuid(id, sizeof id, counter);
    timestamp(now, sizeof now);
    snprintf(debit, sizeof debit, "resident:bench-r%d", resident);
    snprintf(holder, sizeof holder, "bench-m%d", shop);
    snprintf(credit, sizeof credit, "merchant:%s", holder);

    sqlite3_bind_text(find_transfer, 1, id, -1, SQLITE_TRANSIENT);
    int exists = step_once(find_transfer, "find transfer") == SQLITE_ROW;
    sqlite3_reset(find_transfer);
    if (exists) return 0;
    sqlite3_bind_text(due, 1, now, -1, SQLITE_TRANSIENT);
    step_once(due, "due reservations");
    sqlite3_reset(due);
    sqlite3_bind_text(merchant_active, 1, holder, -1, SQLITE_TRANSIENT);
    int active = step_once(merchant_active, "merchant") == SQLITE_ROW && sqlite3_column_int(merchant_active, 0) == 1;
    sqlite3_reset(merchant_active);
    sqlite3_bind_text(available, 1, debit, -1, SQLITE_TRANSIENT);
    long long balance = step_once(available, "available") == SQLITE_ROW ? sqlite3_column_int64(available, 0) : 0;
    sqlite3_reset(available);
    if (!active || balance < amount) return 0;

    /* The request's fingerprint, then the journal entry chained to the head. */
    unsigned char request_hash[32], chained[32 + 512], entry_hash[32];
    int length = snprintf(json, sizeof json,
                          "{\"amountCents\":%d,\"code\":\"payment\",\"creditAccount\":\"%s\",\"debitAccount\":\"%s\","
                          "\"id\":\"%s\",\"operation\":\"payment\",\"reference\":null,\"timeoutSeconds\":null}",
                          amount, credit, debit, id);
    SHA256((unsigned char *)json, (size_t)length, request_hash);
    long long sequence = 1;
    memset(chained, 0, 32);
    if (step_once(journal_head, "journal head") == SQLITE_ROW) {
        sequence = sqlite3_column_int64(journal_head, 0) + 1;
        memcpy(chained, sqlite3_column_blob(journal_head, 1), 32);
    }
    sqlite3_reset(journal_head);
    length = snprintf(json, sizeof json,
                      "{\"amountCents\":%d,\"at\":\"%s\",\"code\":\"payment\",\"creditAccount\":\"%s\","
                      "\"debitAccount\":\"%s\",\"event\":\"create-posted\",\"reference\":null,\"sequence\":%lld,"
                      "\"timeoutAt\":null,\"transferId\":\"%s\"}",
                      amount, now, credit, debit, sequence, id);
    memcpy(chained + 32, json, (size_t)length);
    SHA256(chained, 32 + (size_t)length, entry_hash);

    sqlite3_bind_int64(append_journal, 1, sequence);
    sqlite3_bind_text(append_journal, 2, now, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(append_journal, 3, id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(append_journal, 4, debit, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(append_journal, 5, credit, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(append_journal, 6, amount);
    sqlite3_bind_blob(append_journal, 7, entry_hash, 32, SQLITE_TRANSIENT);
    step_once(append_journal, "append journal");
    sqlite3_reset(append_journal);
    sqlite3_bind_text(insert_transfer, 1, id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(insert_transfer, 2, debit, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(insert_transfer, 3, credit, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(insert_transfer, 4, amount);
    sqlite3_bind_text(insert_transfer, 5, now, -1, SQLITE_TRANSIENT);
    sqlite3_bind_blob(insert_transfer, 6, request_hash, 32, SQLITE_TRANSIENT);
    sqlite3_bind_int64(insert_transfer, 7, sequence);
    step_once(insert_transfer, "insert transfer");
    sqlite3_reset(insert_transfer);
    const char *accounts[2] = {debit, credit};
    for (int side = 0; side < 2; side++) {
        sqlite3_bind_int(move, 1, side == 0 ? -amount : amount);
        sqlite3_bind_text(move, 2, accounts[side], -1, SQLITE_TRANSIENT);
        step_once(move, "move");
        if (sqlite3_changes(db) != 1) {
            fprintf(stderr, "account %s missing\n", accounts[side]);
            exit(1);
        }
        sqlite3_reset(move);
    }
    return 1;
}

static void prepare_ledger(void) {
    find_transfer = prepare("SELECT id, debit_account, credit_account, amount_cents, code, reference, state,"
                            " created_pending, timeout_at, created_at, resolved_at, void_reason, request_hash"
                            " FROM coin_transfers WHERE id = ?");
    due = prepare("SELECT id FROM coin_transfers WHERE state = 'pending' AND timeout_at <= ? ORDER BY timeout_at LIMIT 16");
    merchant_active = prepare("SELECT active FROM coin_merchants WHERE id = ?");
    available = prepare("SELECT balance_cents - pending_debits_cents FROM coin_accounts WHERE id = ?");
    journal_head = prepare("SELECT sequence, hash FROM coin_journal ORDER BY sequence DESC LIMIT 1");
    append_journal = prepare("INSERT INTO coin_journal (sequence, at, event, transfer_id, code, debit_account,"
                             " credit_account, amount_cents, reference, timeout_at, hash)"
                             " VALUES (?, ?, 'create-posted', ?, 'payment', ?, ?, ?, NULL, NULL, ?)");
    insert_transfer = prepare("INSERT INTO coin_transfers (id, debit_account, credit_account, amount_cents, code,"
                              " reference, state, created_pending, timeout_at, created_at, resolved_at, void_reason,"
                              " request_hash, created_sequence)"
                              " VALUES (?, ?, ?, ?, 'payment', NULL, 'posted', 0, NULL, ?, NULL, NULL, ?, ?)");
    move = prepare("UPDATE coin_accounts SET balance_cents = balance_cents + ?, pending_debits_cents ="
                   " pending_debits_cents + 0, pending_credits_cents = pending_credits_cents + 0 WHERE id = ?");
}

static sqlite3_stmt *minimal_balance, *minimal_transfer, *minimal_debit, *minimal_credit, *minimal_journal;

/* As the loop was before the ledger's schema joined it: 1000 accounts, any pays any, 1-500 cents. */
#define MINIMAL_ACCOUNTS 1000

static void seed_minimal(void) {
    exec("CREATE TABLE accounts(id INTEGER PRIMARY KEY, balance INTEGER NOT NULL)");
    exec("CREATE TABLE transfers(id TEXT PRIMARY KEY, debit INTEGER NOT NULL, "
         "credit INTEGER NOT NULL, amount INTEGER NOT NULL CHECK (amount > 0))");
    exec("CREATE TABLE journal(sequence INTEGER PRIMARY KEY, transfer_id TEXT NOT NULL, amount INTEGER NOT NULL)");
    exec("BEGIN");
    sqlite3_stmt *seed = prepare("INSERT INTO accounts(id, balance) VALUES (?, 1000000000)");
    for (int account = 0; account < MINIMAL_ACCOUNTS; account++) {
        sqlite3_bind_int(seed, 1, account);
        step_once(seed, "seed");
        sqlite3_reset(seed);
    }
    sqlite3_finalize(seed);
    exec("COMMIT");
}

static void prepare_minimal(void) {
    minimal_balance = prepare("SELECT balance FROM accounts WHERE id = ?");
    minimal_transfer = prepare("INSERT INTO transfers(id, debit, credit, amount) VALUES (?, ?, ?, ?)");
    minimal_debit = prepare("UPDATE accounts SET balance = balance - ? WHERE id = ?");
    minimal_credit = prepare("UPDATE accounts SET balance = balance + ? WHERE id = ?");
    minimal_journal = prepare("INSERT INTO journal(transfer_id, amount) VALUES (?, ?)");
}

static int minimal_payment(long counter) {
    char id[64];
    int from = rand() % MINIMAL_ACCOUNTS;
    int to = (from + 1 + rand() % (MINIMAL_ACCOUNTS - 1)) % MINIMAL_ACCOUNTS;
    int amount = 1 + rand() % 500;
    random_uuid(id, sizeof id, counter);
    sqlite3_bind_int(minimal_balance, 1, from);
    step_once(minimal_balance, "read balance");
    long long balance = sqlite3_column_int64(minimal_balance, 0);
    sqlite3_reset(minimal_balance);
    if (balance < amount) return 0;
    sqlite3_bind_text(minimal_transfer, 1, id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(minimal_transfer, 2, from);
    sqlite3_bind_int(minimal_transfer, 3, to);
    sqlite3_bind_int(minimal_transfer, 4, amount);
    step_once(minimal_transfer, "insert transfer");
    sqlite3_reset(minimal_transfer);
    sqlite3_bind_int(minimal_debit, 1, amount);
    sqlite3_bind_int(minimal_debit, 2, from);
    step_once(minimal_debit, "debit");
    sqlite3_reset(minimal_debit);
    sqlite3_bind_int(minimal_credit, 1, amount);
    sqlite3_bind_int(minimal_credit, 2, to);
    step_once(minimal_credit, "credit");
    sqlite3_reset(minimal_credit);
    sqlite3_bind_text(minimal_journal, 1, id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(minimal_journal, 2, amount);
    step_once(minimal_journal, "journal");
    sqlite3_reset(minimal_journal);
    return 1;
}

int main(int argc, char **argv) {
    if (argc != 5 || (strcmp(argv[4], "ledger") != 0 && strcmp(argv[4], "minimal") != 0)) {
        fprintf(stderr, "usage: %s DB_PATH TRANSFERS_PER_TRANSACTION SECONDS ledger|minimal\n", argv[0]);
        return 64;
    }
    const char *path = argv[1];
    int batch = atoi(argv[2]);
    double seconds = atof(argv[3]);
    int ledger = strcmp(argv[4], "ledger") == 0;
    if (batch < 1 || seconds <= 0) {
        fprintf(stderr, "TRANSFERS_PER_TRANSACTION must be >= 1 and SECONDS > 0\n");
        return 64;
    }
    check(sqlite3_open(path, &db), "open");
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA synchronous=FULL");
    if (ledger) {
        exec("PRAGMA foreign_keys=ON");
        seed_ledger();
        prepare_ledger();
    } else {
        seed_minimal();
        prepare_minimal();
    }
    sqlite3_stmt *begin = prepare("BEGIN IMMEDIATE");
    sqlite3_stmt *commit = prepare("COMMIT");

    srand((unsigned)time(NULL));
    long transfers = 0, refused = 0;
    double started = now_seconds();
    double deadline = started + seconds;
    while (now_seconds() < deadline) {
        step_once(begin, "begin");
        sqlite3_reset(begin);
        for (int i = 0; i < batch; i++) {
            long counter = transfers + refused;
            if (ledger ? ledger_payment(counter) : minimal_payment(counter)) {
                transfers++;
            } else {
                refused++;
            }
        }
        step_once(commit, "commit");
        sqlite3_reset(commit);
    }
    double elapsed = now_seconds() - started;
    printf("%ld transfers in %.2f s = %.0f transfers/s\n", transfers, elapsed, transfers / elapsed);
    for (sqlite3_stmt *statement; (statement = sqlite3_next_stmt(db, NULL)) != NULL;) sqlite3_finalize(statement);
    check(sqlite3_close(db), "close");
    return 0;
}
