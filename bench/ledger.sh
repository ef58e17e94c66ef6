#!/usr/bin/env bash
# Durable payments per second through the coin API, next to what the same machine and disk do
# with less in the way, all in one run:
#   1. the ledger: `knooppunt serve` (release build), 64 concurrent HTTPS clients (wrk, 2 threads)
#      each POSTing /api/coin/v1/payments with a fresh Idempotency-Key; only payments the node
#      counted as created count (its /metrics, read before and after), and each of them was
#      committed with synchronous=FULL before its 201 (group commit: concurrent payments share one
#      transaction and one fsync); wrk's count of non-2xx answers and errors must stay 0;
#   2. a plain C loop over SQLite doing a payment's double-entry work with the same durability (WAL,
#      synchronous=FULL, prepared statements, no HTTP; bench/sqlite_transfers.c): on three small
#      tables, one transaction per transfer (the target's baseline) and 100 transfers per
#      transaction; then on the ledger's own schema with the statements the ledger runs for a
#      payment (its indexes, checks, foreign keys and hash-chained journal), one transaction per
#      transfer (what committing each payment alone would do with exactly the ledger's work) and
#      100 per transaction: about the most one SQLite writer does with the ledger's work and no
#      HTTP in the way, the ceiling of the node's one group-commit writer, which runs the same
#      statements (and checkpoints on a thread beside it, which the C loop does inline);
#   3. pgbench TPC-B on a local PostgreSQL from Debian (fsync and synchronous_commit on), scale =
#      clients (one branch row per client, so clients do not all queue on one row lock), 64
#      clients, 2 threads;
#   4. the node's cheapest HTTPS request, GET /api/node/v1/info, with the same 64 clients: the
#      floor of a request here. Its cost per request on all cores (wrk's included) plus the
#      ledger's work batched in C, per transfer on one core, bound the payments/s any
#      implementation of this API on SQLite could reach on this machine; the bound and the single
#      writer's ceiling are printed next to the target.
# During each ledger run it also reads what the group-commit writer did: the CPU of its thread
# (kp-group-commit) per payment, jobs per batch and the mean COMMIT time (from /metrics). The
# writer runs every batch's jobs and then its COMMIT in turn, so these bound how fast the 64
# clients can be served however little the rest of a request costs.
# The three run in ROUNDS rounds (3 by default), one after another within each round: on a shared
# VM the machine's speed moves by a third within a minute, so each round's ratios compare figures
# taken seconds apart, and each result is the median over the rounds. Then it prints every round, the medians
# and the ratios against the targets (ledger >= 2.5x the C loop with one transaction per transfer,
# >= 2x pgbench tps). Everything runs on the same disk; the machine's load is printed before and
# after, since other work skews every figure.
#
#   bench/ledger.sh            (LEDGER_BENCH_SECONDS=10 per measurement and ROUNDS=3 by default)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

seconds="${LEDGER_BENCH_SECONDS:-10}"
clients=64
residents=500
merchants=20

scripts/setup.sh wrk postgresql gcc
echo "== machine: $(nproc) cores; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
ps -eo pcpu,comm --sort=-pcpu | awk 'NR > 1 && $1 > 20 { printf "   busy already: %s %s%%\n", $2, $1 }'

build_knooppunt

# On the disk under test, not a tmpfs: /var/tmp is disk-backed on Debian.
make_scratch /var/tmp/knooppunt-ledger-bench.XXXXXX
pg_ctl_bin=""
on_cleanup() {
    [ -n "$pg_ctl_bin" ] && as_postgres "$pg_ctl_bin" -D "$tmp/pg/data" -m fast stop >/dev/null 2>&1
}
mkdir -p bench/results
results="bench/results/ledger-$(date -u +%Y%m%dT%H%M%SZ).txt"

echo "== setting up: the node ($clients clients will pay), the C loop, PostgreSQL (scale $clients)"
"$knooppunt" pki init-ca --dir "$tmp/ca" --name "Bench CA" >/dev/null
"$knooppunt" init --data "$tmp/node" --name Heerlen --oin 00000001000000917000 --cbs 0917 --ca "$tmp/ca" \
    --coin-code HEITJE --coin-name "Heerlens Heitje" --coin-budget-cents 100000000000 >/dev/null
admin_key="$("$knooppunt" apikey create --data "$tmp/node" --name bench-admin --scopes coin:admin | tail -n 1)"
pay_key="$("$knooppunt" apikey create --data "$tmp/node" --name bench-till --scopes coin:pay | tail -n 1)"
metrics_key="$("$knooppunt" apikey create --data "$tmp/node" --name bench-metrics --scopes node:metrics | tail -n 1)"
start_node node "$tmp/node" "$tmp/node.log" --specs specs
port="${port_of[node]}"
python3 bench/ledger_seed.py "$port" "$tmp/ca/ca.crt" "$admin_key" "$residents" "$merchants" 100000000
export KNOOPPUNT_KEY="$pay_key" KNOOPPUNT_RESIDENTS="$residents" KNOOPPUNT_MERCHANTS="$merchants"
wrk -t 2 -c "$clients" -d 2s -s bench/payments.lua "https://127.0.0.1:$port" >/dev/null   # warm-up

gcc -O2 -o "$tmp/sqlite_transfers" bench/sqlite_transfers.c -lsqlite3 -lcrypto

pg_bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
as_postgres() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
mkdir -p "$tmp/pg"
[ "$(id -u)" -eq 0 ] && chown postgres "$tmp/pg" && chmod o+x "$tmp"
as_postgres "$pg_bin/initdb" -D "$tmp/pg/data" -A trust -U postgres >/dev/null
pg_ctl_bin="$pg_bin/pg_ctl"
as_postgres "$pg_ctl_bin" -D "$tmp/pg/data" -l "$tmp/pg/log" -w \
    -o "-k $tmp/pg -c listen_addresses='' -c max_connections=100" start >/dev/null
as_postgres "$pg_bin/createdb" -h "$tmp/pg" -U postgres bench
as_postgres "$pg_bin/pgbench" -i -q -s "$clients" -h "$tmp/pg" -U postgres bench 2>&1 | tail -n 1

# The group-commit writer thread's CPU time in clock ticks, and the group-commit counters from
# /metrics: "ticks batches jobs commit_seconds_sum payments_created".
writer_figures() {
    local pid="${pid_of[node]}" task ticks=0
    for task in /proc/"$pid"/task/*; do
        [ "$(cat "$task/comm" 2>/dev/null)" = "kp-group-commit" ] && ticks="$(awk '{ print $14 + $15 }' "$task/stat")"
    done
    curl -sk -H "Authorization: Bearer $metrics_key" "https://127.0.0.1:$port/metrics" | awk -v ticks="$ticks" '
        /^knooppunt_group_commit_batches_total / { batches = $2 }
        /^knooppunt_group_commit_jobs_total / { jobs = $2 }
        /^knooppunt_group_commit_duration_seconds_sum / { commit = $2 }
        /^knooppunt_coin_transfers_total\{code="payment",outcome="created"\} / { created = $2 }
        END { printf "%d %d %d %.6f %d\n", ticks, batches, jobs, commit, created }'
}

# One round: the ledger, the C loop four ways, pgbench, GET /info, each for $seconds s. Prints one
# line: "ledger c_single c_batched pgbench ledger_p50 ledger_p99 info c_ledger_single
# c_ledger_batched"; what the group-commit writer did during the ledger's run goes to stderr.
measure_round() {
    local round="$1" line c_single c_batched c_ledger_single c_ledger_batched pg_tps info before after
    echo "== round $round: 1. ledger over HTTPS, $clients clients" >&2
    before="$(writer_figures)"
    wrk -t 2 -c "$clients" -d "${seconds}s" --latency -s bench/payments.lua "https://127.0.0.1:$port" >"$tmp/wrk-$round.txt"
    after="$(writer_figures)"
    line="created=$(( $(cut -d' ' -f5 <<<"$after") - $(cut -d' ' -f5 <<<"$before") )) $(grep '^RESULT' "$tmp/wrk-$round.txt" | cut -d' ' -f2-)"
    echo "   $line" >&2
    grep -q ' non2xx=0 errors=0 ' <<<"$line" || echo "   WARNING: some payments were answered with an error or not at all" >&2
    # The writer runs every batch's jobs and its COMMIT one after another: its CPU per payment and
    # the COMMIT's wall time per batch set how fast $clients clients can be served at all.
    awk -v b="$before" -v a="$after" -v hz="$(getconf CLK_TCK)" -v s="$seconds" 'BEGIN {
        split(b, x, " "); split(a, y, " ")
        jobs = y[3] - x[3]; batches = y[2] - x[2]
        if (jobs > 0 && batches > 0)
            printf "   group-commit writer: %.0f us CPU per job, %.0f%% of a core; %.1f jobs per batch, COMMIT %.2f ms on average\n",
                (y[1] - x[1]) / hz * 1e6 / jobs, (y[1] - x[1]) / hz / s * 100, jobs / batches, (y[4] - x[4]) / batches * 1000
    }' | tee -a "$tmp/writer.txt" >&2
    echo "== round $round: 2. C loop over SQLite (WAL, synchronous=FULL): 1 and 100 per transaction; the ledger's schema, 1 and 100" >&2
    c_single="$("$tmp/sqlite_transfers" "$tmp/c1-$round.db" 1 "$seconds" minimal)"
    c_batched="$("$tmp/sqlite_transfers" "$tmp/c100-$round.db" 100 "$seconds" minimal)"
    c_ledger_single="$("$tmp/sqlite_transfers" "$tmp/cl1-$round.db" 1 "$seconds" ledger)"
    c_ledger_batched="$("$tmp/sqlite_transfers" "$tmp/cl100-$round.db" 100 "$seconds" ledger)"
    echo "   $c_single; $c_batched; ledger's schema: $c_ledger_single; $c_ledger_batched" >&2
    echo "== round $round: 3. pgbench TPC-B, $clients clients, 2 threads" >&2
    as_postgres "$pg_bin/pgbench" -h "$tmp/pg" -U postgres -c "$clients" -j 2 -T "$seconds" bench >"$tmp/pgbench-$round.txt" 2>&1
    pg_tps="$(grep -E '^tps' "$tmp/pgbench-$round.txt" | head -n 1 | sed -E 's/tps = ([0-9.]+).*/\1/')"
    echo "   tps = $pg_tps" >&2
    echo "== round $round: 4. GET /api/node/v1/info over HTTPS, $clients clients" >&2
    wrk -t 2 -c "$clients" -d "${seconds}s" --latency "https://127.0.0.1:$port/api/node/v1/info" >"$tmp/info-$round.txt"
    info="$(wrk_figures "$tmp/info-$round.txt" | cut -d' ' -f1)"
    echo "   $info requests/s" >&2
    awk -v line="$line" -v c1="$c_single" -v c100="$c_batched" -v cl1="$c_ledger_single" -v cl100="$c_ledger_batched" -v pg="$pg_tps" -v info="$info" 'BEGIN {
        n = line; sub(/.*created=/, "", n); sub(/ .*/, "", n)
        s = line; sub(/.*seconds=/, "", s); sub(/ .*/, "", s)
        p50 = line; sub(/.*p50_ms=/, "", p50); sub(/ .*/, "", p50)
        p99 = line; sub(/.*p99_ms=/, "", p99); sub(/ .*/, "", p99)
        sub(/.*= /, "", c1); sub(/ .*/, "", c1)
        sub(/.*= /, "", c100); sub(/ .*/, "", c100)
        sub(/.*= /, "", cl1); sub(/ .*/, "", cl1)
        sub(/.*= /, "", cl100); sub(/ .*/, "", cl100)
        printf "%.0f %s %s %.0f %s %s %.0f %s %s\n", n / s, c1, c100, pg, p50, p99, info, cl1, cl100
    }'
}

rounds="${ROUNDS:-3}"
: >"$tmp/rounds.txt"
for round in $(seq 1 "$rounds"); do
    measure_round "$round" >>"$tmp/rounds.txt"
done
stop_process node
"$knooppunt" ledger verify --data "$tmp/node" | tail -n 1
batch_line="$(grep '"msg":"group commit writer stopped"' "$tmp/node.log" | tail -n 1 || true)"

echo "== load after: $(cut -d' ' -f1-3 /proc/loadavg)"
{
    echo "ledger benchmark $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores, $rounds rounds of ${seconds} s per measurement, $clients clients"
    echo "  round  ledger/s (p50, p99 ms)   C loop 1/txn  C loop 100/txn  ledger's schema 1/txn  100/txn  pgbench tps  GET /info/s   ledger/C-loop  ledger/pgbench"
    awk '{ printf "  %5d  %8d (%s, %s)  %12d  %14d  %21d  %7d  %11d  %11d   %12.2fx  %13.2fx\n", NR, $1, $5, $6, $2, $3, $8, $9, $4, $7, $1 / $2, $1 / $4 }' "$tmp/rounds.txt"
    # The median of each ratio over the rounds: the two figures of a ratio were taken seconds apart.
    median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
    c_ratio="$(awk '{ print $1 / $2 }' "$tmp/rounds.txt" | median)"
    pg_ratio="$(awk '{ print $1 / $4 }' "$tmp/rounds.txt" | median)"
    b_ratio="$(awk '{ print $1 / $3 }' "$tmp/rounds.txt" | median)"
    l_ratio="$(awk '{ print $1 / $8 }' "$tmp/rounds.txt" | median)"
    # Per round: all cores for a GET /info each, plus one core for the ledger's work on a transfer
    # in the batched C loop.
    bound="$(awk -v cores="$(nproc)" '{ print int(cores * 1e6 / (cores * 1e6 / $7 + 1e6 / $9)) }' "$tmp/rounds.txt" | median)"
    ceiling="$(cut -d' ' -f9 "$tmp/rounds.txt" | median)"
    target="$(awk '{ print 2.5 * $2 }' "$tmp/rounds.txt" | median | awk '{ printf "%.0f", $1 }')"
    printf "  medians: ledger %s/s, C loop 1/txn %s/s, C loop 100/txn %s/s, C loop on the ledger's schema 1/txn %s/s and 100/txn %s/s, pgbench %s tps\n" \
        "$(cut -d' ' -f1 "$tmp/rounds.txt" | median)" "$(cut -d' ' -f2 "$tmp/rounds.txt" | median)" \
        "$(cut -d' ' -f3 "$tmp/rounds.txt" | median)" "$(cut -d' ' -f8 "$tmp/rounds.txt" | median)" \
        "$ceiling" "$(cut -d' ' -f4 "$tmp/rounds.txt" | median)"
    awk -v c="$c_ratio" -v p="$pg_ratio" -v b="$b_ratio" -v l="$l_ratio" 'BEGIN {
        printf "  ledger / C loop 1 per transaction, median of rounds:   %6.2fx  (target >= 2.5x) %s\n", c, (c >= 2.5 ? "met" : "NOT met")
        printf "  ledger / pgbench, median of rounds:                    %6.2fx  (target >= 2x)   %s\n", p, (p >= 2 ? "met" : "NOT met")
        printf "  ledger / C loop 100 per transaction, median of rounds: %6.2fx\n", b
        printf "  ledger / C loop on the ledger schema, 1 per transaction:  %6.2fx  (the same work, each payment committed alone)\n", l
    }'
    printf '  target 2.5x the C loop, median of rounds: %s payments/s\n' "$target"
    printf '  ceiling of one SQLite writer doing the ledger'"'"'s work (C, 100 per transaction, no HTTP), median: %s/s: the target is %s of it\n' \
        "$ceiling" "$(awk -v t="$target" -v c="$ceiling" 'BEGIN { printf "%.0f%%", 100 * t / c }')"
    printf '  bound of this machine, median of rounds: %s payments/s (GET /info at %s/s on all cores + that batched C-loop transfer on one)\n' \
        "$bound" "$(cut -d' ' -f7 "$tmp/rounds.txt" | median)"
    [ -n "$batch_line" ] && echo "  group commit: $(sed -E 's/.*"batches":([0-9]+).*"jobs":([0-9]+).*/\2 jobs in \1 batches/' <<<"$batch_line")"
    [ -s "$tmp/writer.txt" ] && awk '{ sub(/^ +/, ""); printf "  round %d %s\n", NR, $0 }' "$tmp/writer.txt"
} | tee "$results"
echo "(saved to $results)"
