/*
 * The baseline for bench/ledger.sh: the same double-entry work the ledger does for one payment,
 * as a plain C loop over SQLite with the same durability (WAL, synchronous=FULL), no HTTP, no
 * TLS, no JSON, prepared statements reused. Per transfer: read the payer's balance (overdraft
 * check), insert the transfer row, debit one account, credit the other, append a journal row.
 *
 *   sqlite_transfers DB_PATH TRANSFERS_PER_TRANSACTION SECONDS
 *
 * prints one line: "<transfers> transfers in <seconds> s = <rate> transfers/s".
 * Build: gcc -O2 -o sqlite_transfers sqlite_transfers.c -lsqlite3
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ACCOUNTS 1000

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

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s DB_PATH TRANSFERS_PER_TRANSACTION SECONDS\n", argv[0]);
        return 64;
    }
    const char *path = argv[1];
    int batch = atoi(argv[2]);
    double seconds = atof(argv[3]);
    if (batch < 1 || seconds <= 0) {
        fprintf(stderr, "TRANSFERS_PER_TRANSACTION must be >= 1 and SECONDS > 0\n");
        return 64;
    }
    check(sqlite3_open(path, &db), "open");
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA synchronous=FULL");
    exec("CREATE TABLE IF NOT EXISTS accounts(id INTEGER PRIMARY KEY, balance INTEGER NOT NULL)");
    exec("CREATE TABLE IF NOT EXISTS transfers(id TEXT PRIMARY KEY, debit INTEGER NOT NULL, "
         "credit INTEGER NOT NULL, amount INTEGER NOT NULL CHECK (amount > 0))");
    exec("CREATE TABLE IF NOT EXISTS journal(sequence INTEGER PRIMARY KEY, transfer_id TEXT NOT NULL, "
         "amount INTEGER NOT NULL)");
    exec("BEGIN");
    sqlite3_stmt *seed = prepare("INSERT OR IGNORE INTO accounts(id, balance) VALUES (?, 1000000000)");
    for (int account = 0; account < ACCOUNTS; account++) {
        sqlite3_bind_int(seed, 1, account);
        check(sqlite3_step(seed), "seed");
        sqlite3_reset(seed);
    }
    sqlite3_finalize(seed);
    exec("COMMIT");

    sqlite3_stmt *read_balance = prepare("SELECT balance FROM accounts WHERE id = ?");
    sqlite3_stmt *insert_transfer = prepare("INSERT INTO transfers(id, debit, credit, amount) VALUES (?, ?, ?, ?)");
    sqlite3_stmt *debit = prepare("UPDATE accounts SET balance = balance - ? WHERE id = ?");
    sqlite3_stmt *credit = prepare("UPDATE accounts SET balance = balance + ? WHERE id = ?");
    sqlite3_stmt *journal = prepare("INSERT INTO journal(transfer_id, amount) VALUES (?, ?)");
    sqlite3_stmt *begin = prepare("BEGIN IMMEDIATE");
    sqlite3_stmt *commit = prepare("COMMIT");

    srand((unsigned)time(NULL));
    long transfers = 0;
    double started = now_seconds();
    double deadline = started + seconds;
    char id[64];
    while (now_seconds() < deadline) {
        check(sqlite3_step(begin), "begin");
        sqlite3_reset(begin);
        for (int i = 0; i < batch; i++) {
            int from = rand() % ACCOUNTS;
            int to = (from + 1 + rand() % (ACCOUNTS - 1)) % ACCOUNTS;
            int amount = 1 + rand() % 500;
            snprintf(id, sizeof id, "%08x-%04x-4%03x-8%03x-%012lx", rand(), rand() & 0xffff, rand() & 0xfff,
                     rand() & 0xfff, (long)transfers);
            sqlite3_bind_int(read_balance, 1, from);
            check(sqlite3_step(read_balance), "read balance");
            long long balance = sqlite3_column_int64(read_balance, 0);
            sqlite3_reset(read_balance);
            if (balance < amount) continue;
            sqlite3_bind_text(insert_transfer, 1, id, -1, SQLITE_TRANSIENT);
            sqlite3_bind_int(insert_transfer, 2, from);
            sqlite3_bind_int(insert_transfer, 3, to);
            sqlite3_bind_int(insert_transfer, 4, amount);
            check(sqlite3_step(insert_transfer), "insert transfer");
            sqlite3_reset(insert_transfer);
            sqlite3_bind_int(debit, 1, amount);
            sqlite3_bind_int(debit, 2, from);
            check(sqlite3_step(debit), "debit");
            sqlite3_reset(debit);
            sqlite3_bind_int(credit, 1, amount);
            sqlite3_bind_int(credit, 2, to);
            check(sqlite3_step(credit), "credit");
            sqlite3_reset(credit);
            sqlite3_bind_text(journal, 1, id, -1, SQLITE_TRANSIENT);
            sqlite3_bind_int(journal, 2, amount);
            check(sqlite3_step(journal), "journal");
            sqlite3_reset(journal);
            transfers++;
        }
        check(sqlite3_step(commit), "commit");
        sqlite3_reset(commit);
    }
    double elapsed = now_seconds() - started;
    printf("%ld transfers in %.2f s = %.0f transfers/s\n", transfers, elapsed, transfers / elapsed);
    sqlite3_finalize(read_balance);
    sqlite3_finalize(insert_transfer);
    sqlite3_finalize(debit);
    sqlite3_finalize(credit);
    sqlite3_finalize(journal);
    sqlite3_finalize(begin);
    sqlite3_finalize(commit);
    sqlite3_close(db);
    return 0;
}
